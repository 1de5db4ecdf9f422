from odoo import fields, models

from ..engine.allocator import Proposal
from ..models.customer_allocation_run import REASONS


class CustomerAllocationWizardLine(models.TransientModel):
    """One customer in the preview: current and proposed owner, rule and reason."""

    _name = "customer.allocation.wizard.line"
    _description = "Allocation Preview Line"
    _order = "changed desc, id"

    wizard_id = fields.Many2one(
        "customer.allocation.wizard", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", ondelete="cascade")
    old_user_id = fields.Many2one("res.users", string="Current Salesperson")
    new_user_id = fields.Many2one("res.users", string="Proposed Salesperson")
    old_team_id = fields.Many2one("crm.team", string="Current Team")
    new_team_id = fields.Many2one("crm.team", string="Proposed Team")
    rule_id = fields.Many2one("customer.allocation.rule", string="Rule")
    reason = fields.Selection(REASONS)
    changed = fields.Boolean(help="The customer changes salesperson or team.")

    def _to_proposals(self):
        return [
            Proposal(
                customer_id=line.partner_id.id,
                old_user_id=line.old_user_id.id or None,
                old_team_id=line.old_team_id.id or None,
                new_user_id=line.new_user_id.id or None,
                new_team_id=line.new_team_id.id or None,
                rule_id=line.rule_id.id or None,
                reason=line.reason,
            )
            for line in self
        ]
