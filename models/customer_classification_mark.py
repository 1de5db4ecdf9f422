from odoo import api, fields, models
from odoo.tools import SQL

from . import bulk_sql


class CustomerClassificationMark(models.Model):
    """A partner to re-evaluate at the next light run, because something changed.

    Insert-only: marking never updates a row, so it never waits for a partner that a run
    is writing, and a run deletes exactly the marks it read, so a mark written while it
    works stays for the next run. A partner may have several marks; one evaluation
    answers them all.
    """

    _name = "customer.classification.mark"
    _description = "Customer to Re-evaluate"
    _order = "id"
    # written and read in SQL by the engine only
    _log_access = False

    partner_id = fields.Many2one("res.partner", required=True, index=True, ondelete="cascade")

    @api.model
    def _mark(self, partner_ids):
        if partner_ids:
            self.env.execute_query(
                SQL(
                    "INSERT INTO customer_classification_mark (partner_id) "
                    "SELECT unnest(%s::int[])",
                    bulk_sql.array(partner_ids),
                )
            )

    @api.model
    def _oldest(self, limit):
        """``[(mark id, partner id)]`` of the ``limit`` oldest marks."""
        return self.env.execute_query(
            SQL(
                "SELECT id, partner_id FROM customer_classification_mark ORDER BY id LIMIT %s",
                limit,
            )
        )

    @api.model
    def _forget(self, mark_ids):
        """Delete these marks, and only these: newer ones wait for the next run."""
        self.env.execute_query(
            SQL(
                "DELETE FROM customer_classification_mark WHERE id = ANY(%s::int[])",
                bulk_sql.array(mark_ids),
            )
        )

    @api.model
    def _count(self):
        return self.env.execute_query(SQL("SELECT count(*) FROM customer_classification_mark"))[0][
            0
        ]

    @api.model
    def _marked(self, partner_ids):
        """The ids among ``partner_ids`` that have a mark."""
        return {
            partner_id
            for (partner_id,) in self.env.execute_query(
                SQL(
                    "SELECT DISTINCT partner_id FROM customer_classification_mark "
                    "WHERE partner_id = ANY(%s::int[])",
                    bulk_sql.array(partner_ids),
                )
            )
        }
