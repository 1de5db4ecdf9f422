from odoo import api, fields, models

from .customer_allocation_run import REASONS, insert_proposals


class CustomerAllocationRunLine(models.Model):
    """One customer's move in an allocation, written once."""

    _name = "customer.allocation.run.line"
    _inherit = ["customer.append.only.mixin"]
    _description = "Customer Allocation Line"
    _order = "run_id, id"

    run_id = fields.Many2one(
        "customer.allocation.run", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="run_id.company_id")
    partner_id = fields.Many2one("res.partner", string="Customer", ondelete="cascade")
    old_user_id = fields.Many2one("res.users", string="From Salesperson", ondelete="set null")
    new_user_id = fields.Many2one("res.users", string="To Salesperson", ondelete="set null")
    old_team_id = fields.Many2one("crm.team", string="From Team", ondelete="set null")
    new_team_id = fields.Many2one("crm.team", string="To Team", ondelete="set null")
    rule_id = fields.Many2one("customer.allocation.rule", string="Rule", ondelete="set null")
    reason = fields.Selection(REASONS)

    @api.model
    def _insert(self, run, proposals):
        insert_proposals(self, "run_id", run, proposals)
