from odoo import api, fields, models
from odoo.tools import SQL

from . import bulk_sql


class CustomerSnapshotMonth(models.Model):
    """A month whose snapshots are written for a company: the month-end run's progress."""

    _name = "customer.snapshot.month"
    _description = "Classification Snapshot Month"
    _order = "company_id, month desc"
    _rec_name = "month"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", readonly=True)
    month = fields.Date(required=True, readonly=True, help="First day of the month.")
    customer_count = fields.Integer(string="Customers", readonly=True)
    revenue = fields.Float(
        string="Revenue (Month)",
        readonly=True,
        help="Net revenue of the month's customers: the total the class overview's shares "
        "divide by.",
    )

    _sql_constraints = [
        ("company_month_uniq", "UNIQUE(company_id, month)", "A month is written once."),
    ]

    @api.model
    def _recount(self, pairs):
        """Mark the months ``pairs`` ``(company_id, month)`` written, with the customers and
        revenue of their snapshot rows (a month without customers counts too)."""
        pairs = list(pairs)
        if not pairs:
            return
        self.env["customer.classification.snapshot"].flush_model()
        self.env.execute_query(
            SQL(
                """
                INSERT INTO customer_snapshot_month (company_id, month, customer_count, revenue,
                                                     create_uid, create_date, write_uid,
                                                     write_date)
                SELECT p.company_id, p.month, COUNT(s.id), COALESCE(SUM(s.revenue_month), 0),
                       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM unnest(%(companies)s::int[], %(months)s::date[]) AS p(company_id, month)
             LEFT JOIN customer_classification_snapshot s
                    ON s.company_id = p.company_id AND s.month = p.month
              GROUP BY p.company_id, p.month
                ON CONFLICT (company_id, month) DO UPDATE
                   SET customer_count = EXCLUDED.customer_count, revenue = EXCLUDED.revenue,
                       write_date = EXCLUDED.write_date
                """,
                uid=self.env.uid,
                companies=bulk_sql.array(company for company, _month in pairs),
                months=bulk_sql.array(month for _company, month in pairs),
            )
        )
        self.invalidate_model()

    @api.model
    def _done(self, months):
        """``{(company_id, month)}`` of ``months`` already written."""
        rows = self.search_read([("month", "in", months)], ["company_id", "month"])
        return {(row["company_id"][0], row["month"]) for row in rows}

    @api.model
    def _count_missing(self, months):
        """How many (company, month) pairs of ``months`` are still to write."""
        companies = self.env["res.company"].sudo().search_count([])
        return companies * len(months) - self.search_count([("month", "in", months)])
