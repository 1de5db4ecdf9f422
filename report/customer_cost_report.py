"""Cost to serve: the effort spent on each class's customers against their revenue.

A SQL view (like ``sale.report``) of one row per company x month x class, aggregated in
SQL because its figures are ratios of sums: the tracking records' effort (a record logged
by a class follow-up carries the line's expected effort) priced at the company's hourly
rate, and the class's revenue of the month from the snapshots. A record's month takes the
class of its customer's snapshot of that month, or the customer's current class when that
month has no snapshot yet (the current month).
"""

from odoo import fields, models
from odoo.tools import SQL

from .class_month_sql import record_classes, report_id

RATE_HELP = (
    " An average over the rows grouped: read it by month and class (one row per company, "
    "month and class)."
)


class CustomerCostReport(models.Model):
    """Cost to serve per company, month and class."""

    _name = "customer.cost.report"
    _inherit = ["customer.report.mixin"]
    _description = "Cost to Serve Report"
    _auto = False
    _rec_name = "class_id"
    _order = "month desc, company_id, class_id"

    record_count = fields.Integer(
        string="Tracking Records",
        readonly=True,
        help="Contacts logged in the month with the class's customers.",
    )
    effort_hours = fields.Float(
        string="Effort (hours)",
        readonly=True,
        digits=(16, 2),
        help="Time spent on those contacts; a class follow-up counts its line's expected effort.",
    )
    cost = fields.Monetary(
        readonly=True,
        help="Effort x the company's cost per hour (its current setting, for every month).",
    )
    revenue = fields.Monetary(
        readonly=True, help="Net revenue of the class's customers in the month."
    )
    revenue_per_hour = fields.Monetary(
        string="Revenue per Hour",
        readonly=True,
        aggregator="avg",
        help="Revenue / effort; empty without effort." + RATE_HELP,
    )
    cost_ratio = fields.Float(
        string="Cost / Revenue (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Cost / revenue x 100; empty without revenue." + RATE_HELP,
    )

    def _query(self):
        """Effort and revenue per company, month and class, then the cost and ratios."""
        return SQL(
            """
            SELECT %(id)s AS id,
                   t.company_id, t.month, t.class_id,
                   company.currency_id,
                   t.record_count::int, t.effort_hours,
                   t.effort_hours * COALESCE(company.customer_cost_hourly_rate, 0) AS cost,
                   t.revenue,
                   round(t.revenue / NULLIF(t.effort_hours, 0), 2) AS revenue_per_hour,
                   round(100.0 * t.effort_hours * COALESCE(company.customer_cost_hourly_rate, 0)
                         / NULLIF(t.revenue, 0), 2) AS cost_ratio
              FROM (
                    SELECT u.company_id, u.month, u.class_id,
                           sum(u.records) AS record_count,
                           sum(u.hours) AS effort_hours,
                           sum(u.revenue) AS revenue
                      FROM (
                            SELECT s.company_id, s.month, s.class_id,
                                   0 AS records, 0::numeric AS hours,
                                   s.revenue_month AS revenue
                              FROM customer_classification_snapshot s
                             WHERE s.class_id IS NOT NULL
                             UNION ALL
                            SELECT r.company_id, r.month, r.class_id,
                                   1, COALESCE(r.duration, 0)::numeric, 0
                              FROM (%(records)s) r
                             WHERE r.class_id IS NOT NULL
                           ) u
                     GROUP BY u.company_id, u.month, u.class_id
                   ) t
              JOIN res_company company ON company.id = t.company_id
              -- the current class comes from a jsonb value, not a foreign key
              JOIN customer_class klass ON klass.id = t.class_id
            """,
            id=report_id("t"),
            records=record_classes(),
        )
