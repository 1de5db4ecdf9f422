from odoo import models
from odoo.tools import sql

#: the indicator queries read posted customer documents per commercial partner
INDICATOR_INDEX = "account_move_customer_classification_idx"


class AccountMove(models.Model):
    _inherit = "account.move"

    def init(self):
        res = super().init()
        sql.create_index(
            self.env.cr,
            INDICATOR_INDEX,
            self._table,
            ["company_id", "commercial_partner_id", "invoice_date"],
            where="state = 'posted' AND move_type IN ('out_invoice', 'out_refund')",
        )
        return res

    def _post(self, soft=True):
        """Posting a customer invoice or refund changes the customer's indicators."""
        posted = super()._post(soft=soft)
        posted._mark_customers_for_reclassification()
        return posted

    def button_cancel(self):
        res = super().button_cancel()
        self._mark_customers_for_reclassification()
        return res

    def button_draft(self):
        res = super().button_draft()
        self._mark_customers_for_reclassification()
        return res

    def _mark_customers_for_reclassification(self):
        sales = self.filtered(lambda move: move.is_sale_document())
        sales.commercial_partner_id._mark_for_reclassification()
