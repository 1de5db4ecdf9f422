from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL
from odoo.tools.misc import format_date, formatLang

from . import bulk_sql
from .customer_indicator import AMOUNT_GROUPS

ANOMALY_TYPES = [
    ("revenue_jump", "Revenue Jump"),
    ("revenue_drop", "Revenue Drop"),
    ("negative_revenue", "Negative Net Revenue"),
    ("strategic_no_salesperson", "Strategic Without Salesperson"),
    ("code_no_scheme", "Code Matching No Scheme"),
    ("missing_data", "Missing Required Data"),
    ("override_expired", "Override Expired"),
]
MANAGER_GROUP = "customer_classification.group_manager"


class CustomerAnomaly(models.Model):
    """One customer that looks wrong in one company, found by the latest detection of
    that company (``customer.anomaly.run``): a report, replaced by the next detection.

    Managers read it (and their companies' only); Users and Customer Service do not: it
    lists every customer of the company with revenue figures, beyond the customers a
    salesperson follows, and fixing what it finds (codes, overrides, classes) is a
    Manager's work. Nobody writes it: only the detection, as superuser, after checking
    the Manager group.
    """

    _name = "customer.anomaly"
    _description = "Customer Anomaly"
    _order = "anomaly_type, partner_id"
    _rec_name = "partner_id"
    _check_company_auto = True

    run_id = fields.Many2one(
        "customer.anomaly.run",
        string="Detection",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, ondelete="cascade"
    )
    anomaly_type = fields.Selection(ANOMALY_TYPES, string="Anomaly", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_before = fields.Monetary(
        string="Previous Revenue",
        readonly=True,
        groups=AMOUNT_GROUPS,
        help="Revenue jump or drop: the revenue of the 3 complete months before the last 3.",
    )
    amount_after = fields.Monetary(
        string="Revenue",
        readonly=True,
        groups=AMOUNT_GROUPS,
        help="Revenue jump or drop: the revenue of the last 3 complete months. Negative net "
        "revenue: the net revenue over the evaluation window.",
    )
    date_value = fields.Date(
        string="Override Until", readonly=True, help="The end date of an expired override."
    )
    customer_code = fields.Char(related="partner_id.customer_code", string="Code")
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    description = fields.Char(
        string="Details",
        compute="_compute_description",
        help="What is wrong, in words, as of the detection (missing data: as of now).",
    )

    @api.depends("anomaly_type", "date_value", "partner_id")
    @api.depends_context("uid")
    def _compute_description(self):
        sees_amounts = self.env["customer.indicator"]._user_sees_amounts()
        for anomaly in self:
            anomaly.description = anomaly._describe(sees_amounts)

    def _describe(self, sees_amounts):
        kind = self.anomaly_type
        if kind in ("revenue_jump", "revenue_drop", "negative_revenue"):
            return self._describe_revenue() if sees_amounts else ""
        if kind == "missing_data":
            return self.partner_id.with_company(self.company_id).customer_missing_data or ""
        if kind == "code_no_scheme":
            return self.env._(
                "The code %(code)s fits no active code scheme", code=self.customer_code or ""
            )
        if kind == "override_expired":
            return self.env._(
                "The override ended on %(date)s", date=format_date(self.env, self.date_value)
            )
        return self.env._("A strategic customer without a salesperson")

    def _describe_revenue(self):
        amounts = self.sudo()
        if self.anomaly_type == "negative_revenue":
            return self.env._(
                "Net revenue over the evaluation window: %(amount)s",
                amount=self._format_amount(amounts.amount_after),
            )
        return self.env._(
            "Last 3 complete months: %(after)s; the 3 months before: %(before)s",
            after=self._format_amount(amounts.amount_after),
            before=self._format_amount(amounts.amount_before),
        )

    def _format_amount(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    def action_open_partner(self):
        """Open the customer of this anomaly (Managers, who read the report)."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only Customer Classification Managers read the anomaly report.")
            )
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {"allowed_company_ids": self.env.context.get("allowed_company_ids")},
        }

    @api.model
    def _insert(self, run, rows):
        """Insert ``rows`` of ``run``, ``(partner_id, type, before, after, date)``, in one
        statement (a company may have tens of thousands of anomalies)."""
        if not rows:
            return
        self.flush_model()
        partners, kinds, befores, afters, dates = zip(*rows, strict=True)
        self.env.execute_query(
            SQL(
                """
                INSERT INTO customer_anomaly (
                    run_id, company_id, partner_id, anomaly_type, amount_before, amount_after,
                    date_value, create_uid, write_uid, create_date, write_date)
                SELECT %(run)s, %(company)s, v.partner_id, v.kind, v.before, v.after, v.day,
                       %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM unnest(%(partners)s::int[], string_to_array(%(kinds)s, ','),
                              %(befores)s::numeric[], %(afters)s::numeric[], %(dates)s::date[])
                    AS v(partner_id, kind, before, after, day)
                """,
                run=run.id,
                company=run.company_id.id,
                uid=self.env.uid,
                now=fields.Datetime.now(),
                partners=bulk_sql.array(partners),
                kinds=",".join(kinds),
                befores=bulk_sql.array(befores),
                afters=bulk_sql.array(afters),
                dates=bulk_sql.array(dates),
            )
        )
        self.invalidate_model()
