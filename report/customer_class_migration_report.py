"""Class migration: each customer's class at the start of a month or quarter against its
class at the end.

A SQL view (like ``sale.report``) of one row per period and customer present at the end
of the period: a month (start: the previous month's snapshot) or a quarter (end: the
snapshot of the quarter's last month, start: the snapshot three months earlier). The
start is a left join: a customer without a snapshot or a class at the start is new.
Read as a pivot of the start class (rows) against the end class (columns); each cell
opens its customers.
"""

from odoo import fields, models
from odoo.tools import SQL

PERIOD_TYPES = [("month", "Month"), ("quarter", "Quarter")]
#: the months back to the start of each period type
PERIOD_MONTHS = {"month": 1, "quarter": 3}
MOVEMENTS = [
    ("up", "Upgraded"),
    ("down", "Downgraded"),
    ("same", "Unchanged"),
    ("new", "New"),
    ("unclassified", "Unclassified"),
]
RATE_HELP = (
    " 100 or 0 for a customer classified at both ends, empty otherwise: averaged over any "
    "group, the rate among its customers classified at both ends."
)


class CustomerClassMigrationReport(models.Model):
    """A customer's class at the start of a period against its class at the end."""

    _name = "customer.class.migration.report"
    _inherit = ["customer.partner.report.mixin"]
    _description = "Customer Class Migration Report"
    _auto = False
    _rec_name = "partner_id"
    _order = "date desc, period_type, id"

    period_type = fields.Selection(
        PERIOD_TYPES,
        string="Period",
        readonly=True,
        help="Month: from the previous month's end to this month's end. Quarter: from the "
        "end of the previous quarter to the end of this one.",
    )
    date = fields.Date(
        string="End Month", readonly=True, help="First day of the period's last month."
    )
    from_class_id = fields.Many2one(
        "customer.class",
        string="From Class",
        readonly=True,
        help="Class at the start of the period; empty for a customer without a snapshot or a "
        "class then.",
    )
    to_class_id = fields.Many2one(
        "customer.class",
        string="To Class",
        readonly=True,
        help="Class at the end of the period; empty for a customer not classified then.",
    )
    customer_count = fields.Integer(string="Customers", readonly=True)
    revenue = fields.Monetary(
        readonly=True,
        help="Net revenue over the evaluation window ending with the period's last month.",
    )
    movement = fields.Selection(
        MOVEMENTS,
        readonly=True,
        help="Upgraded: the end class ranks higher (a lower sequence) than the start class; "
        "downgraded: lower; unchanged: the same rank. New: no class at the start (the "
        "earliest period snapshotted shows everyone as new). Unclassified: no class at the "
        "end.",
    )
    upgrade_rate = fields.Float(
        string="Upgrade Rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Upgraded customers." + RATE_HELP,
    )
    downgrade_rate = fields.Float(
        string="Downgrade Rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Downgraded customers." + RATE_HELP,
    )

    def _period_rows(self, period_type):
        """The customers at the end of each period of ``period_type``, with their start."""
        months = PERIOD_MONTHS[period_type]
        end_months = SQL("")
        if period_type == "quarter":
            end_months = SQL("WHERE EXTRACT(MONTH FROM e.month) IN (3, 6, 9, 12)")
        # ids: the end snapshot's, even for months and odd for quarters, so both are unique
        return SQL(
            """
            SELECT e.id * 2 + %(odd)s AS id, %(period_type)s::varchar AS period_type,
                   e.month AS date, e.company_id, e.partner_id,
                   st.class_id AS from_class_id, e.class_id AS to_class_id,
                   e.revenue_window AS revenue
              FROM customer_classification_snapshot e
              LEFT JOIN customer_classification_snapshot st
                     ON st.company_id = e.company_id
                    AND st.partner_id = e.partner_id
                    AND st.month = (e.month - make_interval(months => %(months)s))::date
            %(end_months)s
            """,
            odd=int(period_type == "quarter"),
            period_type=period_type,
            months=months,
            end_months=end_months,
        )

    def _query(self):
        """The periods' rows with the movement between their classes' ranks."""
        classified = SQL("m.from_class_id IS NOT NULL AND m.to_class_id IS NOT NULL")
        return SQL(
            """
            SELECT m.id, m.period_type, m.date, m.date AS month, m.to_class_id AS class_id,
                   m.company_id, company.currency_id,
                   m.partner_id, partner.user_id, m.from_class_id, m.to_class_id,
                   1 AS customer_count, m.revenue,
                   CASE WHEN m.to_class_id IS NULL THEN 'unclassified'
                        WHEN m.from_class_id IS NULL THEN 'new'
                        WHEN to_class.sequence < from_class.sequence THEN 'up'
                        WHEN to_class.sequence > from_class.sequence THEN 'down'
                        ELSE 'same' END AS movement,
                   CASE WHEN %(classified)s THEN
                        CASE WHEN to_class.sequence < from_class.sequence THEN 100.0
                             ELSE 0.0 END
                   END AS upgrade_rate,
                   CASE WHEN %(classified)s THEN
                        CASE WHEN to_class.sequence > from_class.sequence THEN 100.0
                             ELSE 0.0 END
                   END AS downgrade_rate
              FROM (%(months)s UNION ALL %(quarters)s) m
              LEFT JOIN customer_class from_class ON from_class.id = m.from_class_id
              LEFT JOIN customer_class to_class ON to_class.id = m.to_class_id
              LEFT JOIN res_company company ON company.id = m.company_id
              LEFT JOIN res_partner partner ON partner.id = m.partner_id
            """,
            classified=classified,
            months=self._period_rows("month"),
            quarters=self._period_rows("quarter"),
        )

    def action_open_partner(self):
        """Open the customer of the row (a cell of the pivot lists its rows)."""
        self.check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "views": [(False, "form")],
            "target": "current",
        }
