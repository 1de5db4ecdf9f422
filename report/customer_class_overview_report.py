"""Class overview: each customer's class and revenue at each month's end, with shares.

A SQL view (like ``sale.report``) of one row per monthly snapshot. The shares are
computed per row so that a sum over any group of rows is that group's share of its
month's (or quarter's) customers and revenue in the company: grouped by month and
class, ``customer_share`` sums to the class's share of the month's customers.

The month and quarter totals are a small set aggregated from the snapshots per company
and month (the quarters' by a window over the months), joined to the rows: a filter on
the month or the company reaches the snapshot rows, and a read of no share (customers,
revenue) does not compute the totals at all.
"""

from odoo import fields, models
from odoo.tools import SQL

MONTH_HELP = " Read it grouped by month: summed over a month, it makes 100."
QUARTER_HELP = " Read it grouped by quarter: summed over a quarter, it makes 100."


class CustomerClassOverviewReport(models.Model):
    """One customer's class and revenue at a month's end, with its share of the month."""

    _name = "customer.class.overview.report"
    _inherit = ["customer.partner.report.mixin"]
    _description = "Customer Class Overview Report"
    _auto = False
    _rec_name = "partner_id"
    _order = "month desc, id"

    class_id = fields.Many2one(
        "customer.class",
        string="Class",
        readonly=True,
        help="Effective class at the end of the month; empty before the customer's first "
        "classification.",
    )
    customer_count = fields.Integer(string="Customers", readonly=True)
    revenue_month = fields.Monetary(
        string="Revenue (Month)", readonly=True, help="Net revenue of the month."
    )
    revenue_window = fields.Monetary(
        string="Revenue (Evaluation Window)",
        readonly=True,
        help="Net revenue over the evaluation window ending with the month.",
    )
    customer_share = fields.Float(
        string="Customer Share (%)",
        readonly=True,
        digits=(16, 2),
        help="This customer's share of the company's customers of the month (100 / their "
        "number): summed over a class, the class's share of the month's customers." + MONTH_HELP,
    )
    revenue_share = fields.Float(
        string="Revenue Share (%)",
        readonly=True,
        digits=(16, 2),
        help="This customer's share of the company's revenue of the month: summed over a "
        "class, the class's share of the month's revenue. Empty when the month's revenue "
        "is zero." + MONTH_HELP,
    )
    quarter_customer_share = fields.Float(
        string="Quarter Customer Share (%)",
        readonly=True,
        digits=(16, 2),
        help="This row's share of the company's customer-months of the quarter (a customer "
        "counts once per month of the quarter): summed over a class, the class's share of "
        "the quarter's customer-months." + QUARTER_HELP,
    )
    quarter_revenue_share = fields.Float(
        string="Quarter Revenue Share (%)",
        readonly=True,
        digits=(16, 2),
        help="This row's share of the company's revenue of the quarter: summed over a class, "
        "the class's share of the quarter's revenue. Empty when the quarter's revenue is "
        "zero." + QUARTER_HELP,
    )

    def _totals(self):
        """Customers and revenue of each company's month (kept by the month-end run in
        ``customer.snapshot.month``: a few dozen rows, not the snapshots summed again at
        each read), and of the month's quarter."""
        return SQL(
            """
            SELECT company_id, month,
                   customer_count::float8 AS customers,
                   revenue::float8 AS revenue,
                   SUM(customer_count::float8) OVER quarter AS quarter_customers,
                   SUM(revenue::float8) OVER quarter AS quarter_revenue
              FROM customer_snapshot_month
            WINDOW quarter AS (PARTITION BY company_id, date_trunc('quarter', month::timestamp))
            """
        )

    def _query(self):
        """One row per snapshot, with its shares of its month's and quarter's totals."""
        return SQL(
            """
            SELECT s.id, s.month, s.company_id, company.currency_id, s.partner_id,
                   partner.user_id, s.class_id,
                   1 AS customer_count,
                   s.revenue_month, s.revenue_window,
                   100.0 / NULLIF(t.customers, 0) AS customer_share,
                   s.revenue_month::float8 * 100.0 / NULLIF(t.revenue, 0) AS revenue_share,
                   100.0 / NULLIF(t.quarter_customers, 0) AS quarter_customer_share,
                   s.revenue_month::float8 * 100.0 / NULLIF(t.quarter_revenue, 0)
                       AS quarter_revenue_share
              FROM customer_classification_snapshot s
              LEFT JOIN (%(totals)s) t
                     ON t.company_id = s.company_id AND t.month = s.month
              LEFT JOIN res_company company ON company.id = s.company_id
              LEFT JOIN res_partner partner ON partner.id = s.partner_id
            """,
            totals=self._totals(),
        )
