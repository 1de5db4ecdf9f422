"""Current analytical values of each customer in each company: RFM, ABC, lifecycle, value."""

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_amount, formatLang

from ..engine import analytics
from . import analytics_sql, bulk_sql
from .customer_indicator import AMOUNT_GROUPS

SEGMENT_SELECTION = list(analytics.SEGMENTS)
STAGE_SELECTION = list(analytics.LIFECYCLE_STAGES)
ABC_SELECTION = list(analytics.ABC_CLASSES)
#: the engine's result, column by column (the names of :class:`analytics.Result`)
RESULT_COLUMNS = (
    ("recency", "int"),
    ("frequency", "int"),
    ("monetary", "numeric"),
    ("r_score", "int"),
    ("f_score", "int"),
    ("m_score", "int"),
    ("fm_score", "int"),
    ("segment", "varchar"),
    ("abc_class", "varchar"),
    ("share_before", "float8"),
    ("lifecycle_stage", "varchar"),
    ("usual_interval", "float8"),
    ("churn_risk", "float8"),
    ("expected_years", "float8"),
    ("average_order_value", "numeric"),
    ("orders_per_year", "float8"),
    ("historical_value", "numeric"),
    ("predicted_value", "numeric"),
    ("lifetime_value", "numeric"),
)
#: result name -> column of customer_analytics, where they differ
COLUMN_NAMES = {"recency": "recency_days", "segment": "rfm_segment"}


class CustomerAnalytics(models.Model):
    """RFM, ABC, lifecycle stage and lifetime value of a customer in a company.

    Written for every customer in scope at once by
    :meth:`res.partner._refresh_customer_analytics` (``engine/analytics.py`` holds the
    formulas); the partner shows the current company's row.
    """

    _name = "customer.analytics"
    _description = "Customer Analytics"
    _order = "company_id, partner_id"
    _rec_name = "partner_id"
    # written in bulk by the refresh only: ``date`` says when
    _log_access = False

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(string="As of", readonly=True)
    recency_days = fields.Integer(
        string="Recency (days)", readonly=True, help="Days since the last order."
    )
    frequency = fields.Integer(readonly=True, help="Orders in the analytics window.")
    monetary = fields.Monetary(
        groups=AMOUNT_GROUPS, readonly=True, help="Net revenue in the analytics window."
    )
    r_score = fields.Integer(string="R", readonly=True, aggregator="avg")
    f_score = fields.Integer(string="F", readonly=True, aggregator="avg")
    m_score = fields.Integer(string="M", readonly=True, aggregator="avg")
    fm_score = fields.Integer(
        string="FM", readonly=True, aggregator="avg", help="(F + M) / 2, rounded half up."
    )
    rfm_segment = fields.Selection(SEGMENT_SELECTION, string="RFM Segment", readonly=True)
    abc_class = fields.Selection(ABC_SELECTION, string="ABC Class", readonly=True)
    share_before = fields.Float(
        string="Revenue Share Above (%)",
        readonly=True,
        aggregator=None,
        help="Share of the window's revenue of the customers ranked above this one.",
    )
    lifecycle_stage = fields.Selection(STAGE_SELECTION, readonly=True)
    usual_interval = fields.Float(
        string="Usual Interval (days)",
        readonly=True,
        aggregator="avg",
        help="Median number of days between two order dates (the new-customer period while "
        "there are fewer than two).",
    )
    churn_risk = fields.Float(
        readonly=True,
        aggregator="avg",
        digits=(5, 4),
        help="0 while the days since the last order stay within the usual interval, rising "
        "to 1 when they reach the churn period.",
    )
    expected_years = fields.Float(
        string="Expected Remaining Years", readonly=True, aggregator="avg", digits=(6, 2)
    )
    average_order_value = fields.Monetary(groups=AMOUNT_GROUPS, readonly=True, aggregator="avg")
    orders_per_year = fields.Float(readonly=True, aggregator="avg", digits=(8, 2))
    historical_value = fields.Monetary(
        groups=AMOUNT_GROUPS, readonly=True, help="Net revenue to date (invoices minus refunds)."
    )
    predicted_value = fields.Monetary(
        groups=AMOUNT_GROUPS,
        readonly=True,
        help="Average order value × orders per year × expected remaining years.",
    )
    lifetime_value = fields.Monetary(
        groups=AMOUNT_GROUPS, readonly=True, help="Historical value + predicted value."
    )

    _sql_constraints = [
        ("partner_company_uniq", "UNIQUE(partner_id, company_id)", "One row per company."),
    ]

    @api.model
    def _settings(self, company):
        """The company's analytics settings for the engine."""
        cells = self.env["customer.rfm.cell"].sudo().search([])  # pylint: disable=no-search-all
        segment_map = cells._as_map()
        return company._customer_analytics_settings(segment_map or analytics.DEFAULT_MAP)

    @api.model
    def _analyse(self, company, partner_ids, as_of):
        """``{partner_id: analytics.Result}`` of ``partner_ids`` in ``company`` on ``as_of``."""
        Classification = self.env["customer.classification"]
        settings = self._settings(company)
        facts = analytics_sql.facts(
            self.env,
            company,
            partner_ids,
            as_of,
            company.customer_analytics_window_months,
            settings.churn_days,
            Classification._revenue_source(),
            Classification._timezone(),
        )
        return analytics.analyse({pid: facts.get(pid) for pid in partner_ids}, as_of, settings)

    @api.model
    def _write_rows(self, company, results, as_of):
        """Insert or update the rows of ``results`` ``{partner_id: Result}`` in one statement."""
        if not results:
            return
        self.flush_model()
        names = [name for name, _type in RESULT_COLUMNS]
        columns = [COLUMN_NAMES.get(name, name) for name in names]
        # False (no segment, no ABC class) is NULL in the table
        bulk_sql.copy_temp_table(
            self.env.cr,
            "customer_analytics_load",
            [("partner_id", "int"), *RESULT_COLUMNS],
            (
                (pid, *(None if (v := values[name]) is False else v for name in names))
                for pid, values in ((pid, vars(result)) for pid, result in results.items())
            ),
        )
        self.env.execute_query(
            SQL(
                """
                INSERT INTO customer_analytics (partner_id, company_id, date, %(columns)s)
                SELECT v.partner_id, %(company)s, %(as_of)s, %(values)s
                  FROM customer_analytics_load v
                ON CONFLICT (partner_id, company_id) DO UPDATE
                   SET date = EXCLUDED.date, %(updates)s
                """,
                columns=SQL(", ").join(SQL.identifier(name) for name in columns),
                values=SQL(", ").join(SQL.identifier("v", name) for name in names),
                updates=SQL(", ").join(
                    SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
                    for name in columns
                ),
                company=company.id,
                as_of=as_of,
            )
        )
        self.invalidate_model()

    @api.model
    def _values_for(self, company, partner_ids):
        """``{partner_id: {rfm_segment, abc_class, lifecycle_stage, lifetime_value}}`` as
        the indicators read them (partners without a row are missing)."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner_id, rfm_segment, abc_class, lifecycle_stage, lifetime_value
                  FROM customer_analytics
                 WHERE company_id = %s AND partner_id = ANY(%s::int[])
                """,
                company.id,
                bulk_sql.array(partner_ids),
            )
        )
        return {
            pid: {
                "rfm_segment": segment or None,
                "abc_class": abc or None,
                "lifecycle_stage": stage or None,
                "customer_lifetime_value": float(value or 0.0),
            }
            for pid, segment, abc, stage, value in rows
        }

    def _explanation_html(self, sees_amounts=True):
        """A small table saying how this row's figures were made (amounts only for users
        who may read invoices)."""
        self.ensure_one()
        env = self.env
        currency = self.currency_id

        def money(value):
            return format_amount(env, value, currency) if sees_amounts else "—"

        def number(value, digits=0):
            return formatLang(env, value or 0.0, digits=digits)

        selection = {
            name: dict(self._fields[name]._description_selection(env))
            for name in ("rfm_segment", "abc_class", "lifecycle_stage")
        }
        if self.lifecycle_stage == "prospect":
            rows = [
                (self.env._("Lifecycle"), self.env._("Prospect: no order yet, nothing to score."))
            ]
        else:
            rows = [
                (
                    self.env._("Recency"),
                    self.env._(
                        "%(days)s days since the last order: R = %(score)s",
                        days=number(self.recency_days),
                        score=self.r_score,
                    ),
                ),
                (
                    self.env._("Frequency"),
                    self.env._(
                        "%(orders)s orders in the window: F = %(score)s",
                        orders=number(self.frequency),
                        score=self.f_score,
                    ),
                ),
                (
                    self.env._("Monetary"),
                    self.env._(
                        "%(amount)s in the window: M = %(score)s",
                        amount=money(self.monetary),
                        score=self.m_score,
                    ),
                ),
                (
                    self.env._("RFM segment"),
                    self.env._(
                        "R %(r)s × FM %(fm)s → %(segment)s",
                        r=self.r_score,
                        fm=self.fm_score,
                        segment=selection["rfm_segment"].get(self.rfm_segment, self.env._("none")),
                    ),
                ),
                (
                    self.env._("ABC class"),
                    self.env._(
                        "%(abc)s: the customers ranked above bring %(share)s %% of the revenue",
                        abc=self.abc_class or "",
                        share=number(self.share_before, 1),
                    ),
                ),
                (
                    self.env._("Lifecycle"),
                    self.env._(
                        "%(stage)s: usual interval %(interval)s days, churn risk %(risk)s %%",
                        stage=selection["lifecycle_stage"].get(self.lifecycle_stage, ""),
                        interval=number(self.usual_interval),
                        risk=number((self.churn_risk or 0.0) * 100),
                    ),
                ),
                (
                    self.env._("Lifetime value"),
                    self.env._(
                        "%(historical)s to date + %(aov)s per order × %(per_year)s orders a "
                        "year × %(years)s expected years = %(historical)s + %(predicted)s "
                        "= %(total)s",
                        historical=money(self.historical_value),
                        aov=money(self.average_order_value),
                        per_year=number(self.orders_per_year, 2),
                        years=number(self.expected_years, 2),
                        predicted=money(self.predicted_value),
                        total=money(self.lifetime_value),
                    ),
                ),
            ]
        body = Markup("").join(
            Markup("<tr><th class='pe-3'>%s</th><td>%s</td></tr>") % (label, text)
            for label, text in rows
        )
        return Markup(
            "<table class='table table-sm o_customer_analytics'><tbody>%s</tbody></table>"
            "<p class='text-muted small'>%s</p>"
        ) % (
            body,
            escape(
                self.env._(
                    "As of %(date)s. Expected years = horizon × (1 − churn risk); churn risk "
                    "rises from 0 (last order within the usual interval) to 1 (churn period "
                    "reached).",
                    date=self.date or "",
                )
            ),
        )
