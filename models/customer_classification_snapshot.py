"""Monthly snapshots: each customer's class, revenue and analytics at each month's end.

The reports stand on them. A month is written at once for a company (its quintiles and
ABC ranking need every customer of that month), by the month-end scheduled action, which
also backfills the last :data:`BACKFILL_MONTHS` months on install: one month per call,
committed, so that a killed run resumes with the first month not done
(``customer.snapshot.month`` keeps which are).
"""

import logging
from datetime import datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from . import analytics_sql, bulk_sql
from .customer_analytics import ABC_SELECTION, SEGMENT_SELECTION, STAGE_SELECTION
from .customer_indicator import AMOUNT_GROUPS

_logger = logging.getLogger(__name__)

BACKFILL_MONTHS = 36
#: the columns a month's rows are loaded with (``COPY`` into a temporary table)
LOAD_COLUMNS = [
    ("partner_id", "int"),
    ("class_id", "int"),
    ("score", "numeric"),
    ("revenue_window", "numeric"),
    ("revenue_month", "numeric"),
    ("order_count", "int"),
    ("r_score", "int"),
    ("f_score", "int"),
    ("m_score", "int"),
    ("rfm_segment", "varchar"),
    ("abc_class", "varchar"),
    ("lifecycle_stage", "varchar"),
    ("lifetime_value", "numeric"),
    ("churn_risk", "float8"),
]


class CustomerClassificationSnapshot(models.Model):
    """A customer's class, score, revenue and analytics at the end of a month."""

    _name = "customer.classification.snapshot"
    _description = "Monthly Customer Classification Snapshot"
    _order = "month desc, company_id, partner_id"
    _rec_name = "partner_id"
    # written in bulk by the month-end run only
    _log_access = False

    month = fields.Date(required=True, readonly=True, help="First day of the month.")
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", readonly=True)
    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        related="partner_id.user_id", string="Salesperson", help="The customer's salesperson now."
    )
    class_id = fields.Many2one(
        "customer.class",
        string="Class",
        readonly=True,
        help="Effective class at the end of the month; empty before the customer's first "
        "classification.",
    )
    score = fields.Float(digits=(5, 2), readonly=True, aggregator="avg")
    revenue_window = fields.Monetary(
        groups=AMOUNT_GROUPS,
        string="Revenue (Evaluation Window)",
        readonly=True,
        help="Net revenue over the evaluation window ending with the month.",
    )
    revenue_month = fields.Monetary(groups=AMOUNT_GROUPS, string="Revenue (Month)", readonly=True)
    order_count = fields.Integer(string="Orders (Month)", readonly=True)
    r_score = fields.Integer(string="R", readonly=True, aggregator="avg")
    f_score = fields.Integer(string="F", readonly=True, aggregator="avg")
    m_score = fields.Integer(string="M", readonly=True, aggregator="avg")
    rfm_segment = fields.Selection(SEGMENT_SELECTION, string="RFM Segment", readonly=True)
    abc_class = fields.Selection(ABC_SELECTION, string="ABC Class", readonly=True)
    lifecycle_stage = fields.Selection(STAGE_SELECTION, readonly=True)
    lifetime_value = fields.Monetary(groups=AMOUNT_GROUPS, readonly=True)
    churn_risk = fields.Float(readonly=True, aggregator="avg", digits=(5, 4))

    _sql_constraints = [
        (
            "month_partner_uniq",
            "UNIQUE(month, company_id, partner_id)",
            "One snapshot per customer, company and month.",
        ),
    ]

    def init(self):
        # the reports read a company's months in order
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS customer_classification_snapshot_company_month_idx"
            " ON customer_classification_snapshot (company_id, month)"
        )

    # ------------------------------------------------------------------
    # Months
    # ------------------------------------------------------------------
    @api.model
    def _last_complete_month(self):
        """First day of the last month that has ended (engine's calendar)."""
        today = self.env["customer.classification"]._today()
        return today.replace(day=1) - relativedelta(months=1)

    @api.model
    def _months(self, count=BACKFILL_MONTHS):
        """First days of the last ``count`` complete months, oldest first."""
        last = self._last_complete_month()
        return [last - relativedelta(months=n) for n in range(count - 1, -1, -1)]

    @api.model
    def _month_end_utc(self, month):
        """The UTC moment the month ``month`` ends in the engine's calendar."""
        tz = pytz.timezone(self.env["customer.classification"]._timezone())
        start_next = datetime.combine(month + relativedelta(months=1), time.min)
        return tz.localize(start_next).astimezone(pytz.utc).replace(tzinfo=None)

    # ------------------------------------------------------------------
    # Writing a month
    # ------------------------------------------------------------------
    @api.model
    def _write_month(self, company, month, scope_ids=None):
        """Write the snapshots of ``month`` (a first day) in ``company`` and mark the month
        done; rows already there (a run killed half-way) are kept as they are.

        The customers are those in scope today that existed at the month's end (created
        by then, or with a sales document by then). Returns the number of rows written.
        """
        Partner = self.env["res.partner"].sudo()
        Classification = self.env["customer.classification"].sudo()
        if scope_ids is None:
            scope_ids = Partner._classification_partners(company).ids
        Month = self.env["customer.snapshot.month"].sudo()
        if not scope_ids:
            Month._recount([(company.id, month)])
            return 0
        month_end = month + relativedelta(months=1, days=-1)
        end_utc = self._month_end_utc(month)
        self.env.flush_all()
        results = self.env["customer.analytics"]._analyse(company, scope_ids, month_end)
        existed = self._existing_at(scope_ids, end_utc)
        members = [
            pid for pid in scope_ids if pid in existed or results[pid].lifecycle_stage != "prospect"
        ]
        window_from = month_end - relativedelta(months=Classification._window_months())
        sales = analytics_sql.month_sales(
            self.env,
            company,
            members,
            month,
            month_end,
            window_from,
            Classification._revenue_source(),
            Classification._timezone(),
        )
        classes = analytics_sql.classes_at(self.env, company, members, end_utc)
        no_sales, no_class = (0.0, 0, 0.0), (None, None)
        rows = []
        for pid in members:
            result = results[pid]
            revenue_month, orders, revenue_window = sales.get(pid, no_sales)
            class_id, score = classes.get(pid, no_class)
            rows.append(
                (
                    pid,
                    class_id,
                    score,
                    revenue_window,
                    revenue_month,
                    orders,
                    result.r_score,
                    result.f_score,
                    result.m_score,
                    result.segment or None,
                    result.abc_class or None,
                    result.lifecycle_stage,
                    result.lifetime_value,
                    result.churn_risk,
                )
            )
        bulk_sql.copy_temp_table(self.env.cr, "customer_snapshot_load", LOAD_COLUMNS, rows)
        self.env.execute_query(
            SQL(
                """
                INSERT INTO customer_classification_snapshot
                    (month, company_id, %(columns)s)
                SELECT %(month)s, %(company)s, %(columns)s FROM customer_snapshot_load
                ON CONFLICT (month, company_id, partner_id) DO NOTHING
                """,
                columns=SQL(", ").join(SQL.identifier(col) for col, _kind in LOAD_COLUMNS),
                month=month,
                company=company.id,
            )
        )
        self.invalidate_model()
        Month._recount([(company.id, month)])
        return len(rows)

    @api.model_create_multi
    def create(self, vals_list):
        """Snapshots are written by :meth:`_write_month`; rows created one by one (a data
        import, a test) count in their months' totals too."""
        records = super().create(vals_list)
        self.env["customer.snapshot.month"].sudo()._recount(
            {(record.company_id.id, record.month) for record in records}
        )
        return records

    @api.model
    def _existing_at(self, partner_ids, moment):
        """The ids of ``partner_ids`` created before ``moment``."""
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM res_partner WHERE id = ANY(%s::int[]) AND create_date < %s",
                bulk_sql.array(partner_ids),
                moment,
            )
        )
        return {pid for (pid,) in rows}

    # ------------------------------------------------------------------
    # The month-end scheduled action and the backfill
    # ------------------------------------------------------------------
    @api.model
    def _next_missing(self, months):
        """``(company, month)`` of the oldest of ``months`` not done yet, company after
        company, or None when they all are."""
        done = self.env["customer.snapshot.month"].sudo()._done(months)
        for company in self.env["res.company"].sudo().search([], order="id"):
            for month in months:
                if (company.id, month) not in done:
                    return company, month
        return None

    @api.model
    def _cron_snapshot(self):
        """Write one missing month per call (the month that just ended, or the backfill's
        oldest missing one), then report the progress so that the scheduled action calls
        again until every company's last :data:`BACKFILL_MONTHS` months are done."""
        months = self._months()
        todo = self._next_missing(months)
        if todo is None:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        company, month = todo
        written = self._write_month(company, month)
        _logger.info(
            "Classification snapshot of %s for %s: %s customers",
            month.strftime("%Y-%m"),
            company.name,
            written,
        )
        left = self.env["customer.snapshot.month"].sudo()._count_missing(months)
        self.env["ir.cron"]._notify_progress(done=1, remaining=left)

    @api.model
    def _schedule_backfill(self):
        """At install and update: the scheduled actions run as soon as they can (the
        snapshots one writes only the months still missing)."""
        cron = self.env.ref(
            "customer_classification.ir_cron_classification_snapshot", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()
        refresh = self.env.ref(
            "customer_classification.ir_cron_refresh_customer_analytics", raise_if_not_found=False
        )
        if refresh:
            refresh.sudo()._trigger()

    @api.model
    def _backfill(self, months=BACKFILL_MONTHS, progress=None):
        """Write every missing month of the last ``months`` months for every company, at
        once (demo data, benchmark, command line); ``progress(text)`` hears of each month."""
        total = 0
        Partner = self.env["res.partner"].sudo()
        month_list = self._months(months)
        done = self.env["customer.snapshot.month"].sudo()._done(month_list)
        for company in self.env["res.company"].sudo().search([], order="id"):
            scope_ids = Partner._classification_partners(company).ids
            for index, month in enumerate(month_list, start=1):
                if (company.id, month) in done:
                    continue
                written = self._write_month(company, month, scope_ids)
                total += written
                text = (
                    f"{company.name} {month.strftime('%Y-%m')}: {written} customers "
                    f"({index}/{len(month_list)})"
                )
                if progress:
                    progress(text)
                else:
                    _logger.info("Classification snapshot backfill: %s", text)
        return total
