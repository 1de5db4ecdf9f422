from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        """Posting a customer invoice or refund changes the customer's indicators."""
        posted = super()._post(soft=soft)
        posted.filtered(
            lambda m: m.is_sale_document()
        ).commercial_partner_id._mark_for_reclassification()
        return posted

    def button_cancel(self):
        res = super().button_cancel()
        self.filtered(
            lambda m: m.is_sale_document()
        ).commercial_partner_id._mark_for_reclassification()
        return res

    def button_draft(self):
        res = super().button_draft()
        self.filtered(
            lambda m: m.is_sale_document()
        ).commercial_partner_id._mark_for_reclassification()
        return res
