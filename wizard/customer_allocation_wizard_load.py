from odoo import api, fields, models

from ..models.customer_class import OWNER_LEVELS


class CustomerAllocationWizardLoad(models.TransientModel):
    """One salesperson's load before and after the previewed allocation."""

    _name = "customer.allocation.wizard.load"
    _description = "Allocation Preview Load"
    _order = "load_after desc, id"

    wizard_id = fields.Many2one(
        "customer.allocation.wizard", required=True, ondelete="cascade", index=True
    )
    user_id = fields.Many2one("res.users", string="Salesperson")
    level = fields.Selection(OWNER_LEVELS)
    capacity = fields.Float()
    load_before = fields.Float()
    load_after = fields.Float()
    over_capacity = fields.Boolean(compute="_compute_over_capacity")

    @api.depends("capacity", "load_after")
    def _compute_over_capacity(self):
        for load in self:
            load.over_capacity = load.load_after > load.capacity
