from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _action_confirm(self):
        """A first confirmed order makes the partner a customer (and gives it a code)."""
        res = super()._action_confirm()
        partners = self.partner_id | self.partner_id.commercial_partner_id
        partners.filtered(lambda p: not p.customer_rank)._increase_rank("customer_rank")
        partners._mark_for_reclassification()
        return res
