"""Churn: the customers active at the start of a month, and those of them churned by its end.

A SQL view (like ``sale.report``) of one row per customer and month whose previous
month's snapshot shows the customer active (lifecycle stage new, active, at risk or
reactivated), joined to the month's own snapshot: the churn rate of any group is the
average of 100 (churned by the month's end) and 0 over its rows.
"""

from odoo import fields, models
from odoo.tools import SQL

#: the lifecycle stages of a customer counted as active at the start of a month
ACTIVE_STAGES = ("new", "active", "at_risk", "reactivated")


class CustomerChurnReport(models.Model):
    """A customer active at the start of a month, churned or not by its end."""

    _name = "customer.churn.report"
    _inherit = ["customer.partner.report.mixin"]
    _description = "Customer Churn Report"
    _auto = False
    _rec_name = "partner_id"
    _order = "month desc, id"

    class_id = fields.Many2one(
        "customer.class",
        string="Class",
        readonly=True,
        help="Class at the end of the previous month (the start of this one).",
    )
    active_count = fields.Integer(
        string="Active at Start",
        readonly=True,
        help="Customers active at the end of the previous month (new, active, at risk or "
        "reactivated).",
    )
    churned_count = fields.Integer(
        string="Churned",
        readonly=True,
        help="Of them, the customers churned at the end of the month (no order for the "
        "churn period).",
    )
    churn_rate = fields.Float(
        string="Churn Rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Churned / active at the start x 100: 100 or 0 per row, averaged over any group.",
    )
    revenue_lost = fields.Monetary(
        readonly=True,
        help="The churned customers' net revenue over the evaluation window ending with the "
        "previous month.",
    )

    def _query(self):
        """Each month's snapshot of the customers active at the previous month's end."""
        return SQL(
            """
            SELECT cur.id, cur.month, cur.company_id, company.currency_id, cur.partner_id,
                   partner.user_id, prev.class_id,
                   1 AS active_count,
                   CASE WHEN cur.lifecycle_stage = 'churned' THEN 1 ELSE 0 END
                       AS churned_count,
                   CASE WHEN cur.lifecycle_stage = 'churned' THEN 100.0 ELSE 0.0 END
                       AS churn_rate,
                   CASE WHEN cur.lifecycle_stage = 'churned' THEN prev.revenue_window
                        ELSE 0 END AS revenue_lost
              FROM customer_classification_snapshot cur
              JOIN customer_classification_snapshot prev
                ON prev.company_id = cur.company_id
               AND prev.partner_id = cur.partner_id
               AND prev.month = (cur.month - INTERVAL '1 month')::date
              LEFT JOIN res_company company ON company.id = cur.company_id
              LEFT JOIN res_partner partner ON partner.id = cur.partner_id
             WHERE prev.lifecycle_stage IN %(active)s
            """,
            active=ACTIVE_STAGES,
        )
