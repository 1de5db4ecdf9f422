from odoo import models
from odoo.tools import SQL, sql

#: the sales indicators read posted customer documents per commercial partner, from the
#: index alone (index-only scan: the amount and the type are in it; neither changes
#: once a document is posted)
INDICATOR_INDEX = "account_move_classification_sales_idx"
#: the overdue indicator reads the few unpaid ones
UNPAID_INDEX = "account_move_classification_unpaid_idx"
CUSTOMER_DOCUMENTS = "state = 'posted' AND move_type IN ('out_invoice', 'out_refund')"


class AccountMove(models.Model):
    _inherit = "account.move"

    def init(self):
        res = super().init()
        cr = self.env.cr
        if not sql.index_exists(cr, INDICATOR_INDEX):
            cr.execute(
                SQL(
                    """
                    CREATE INDEX %s ON account_move
                        (company_id, commercial_partner_id, invoice_date)
                        INCLUDE (move_type, amount_untaxed_signed)
                     WHERE %s
                    """,
                    SQL.identifier(INDICATOR_INDEX),
                    SQL(CUSTOMER_DOCUMENTS),
                )
            )
        sql.create_index(
            cr,
            UNPAID_INDEX,
            self._table,
            ["company_id", "commercial_partner_id"],
            where=f"{CUSTOMER_DOCUMENTS} AND payment_state IN ('not_paid', 'partial')",
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
