"""The anomaly report: per company, customers whose data or revenue looks wrong.

:meth:`CustomerAnomalyRun._detect` reads one company's customers in a fixed number of
queries (revenue sums through :func:`indicator_sql._sales_source`, the revenue source of
the Settings; ORM searches for the rest), asks ``engine/anomaly.py`` which are
anomalies, replaces the company's previous report with a new run holding them and gives
the company's data steward one activity with the counts on that run.
"""

import logging
from collections import Counter

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, mute_logger
from odoo.tools.misc import format_date

from ..engine import anomaly as anomaly_rules
from . import indicator_sql
from .customer_anomaly import ANOMALY_TYPES, MANAGER_GROUP
from .customer_classification import CONCURRENCY_ERRORS

_logger = logging.getLogger(__name__)

#: first key of the transaction-scoped advisory lock of a company's detection
DETECT_LOCK = "customer_classification.anomaly"
#: months of each of the two periods whose revenues are compared
PERIOD_MONTHS = 3
CRON_XMLID = "customer_classification.ir_cron_detect_anomalies"


class CustomerAnomalyRun(models.Model):
    """One detection of anomalies in one company: the company's current report."""

    _name = "customer.anomaly.run"
    _description = "Customer Anomaly Detection"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True
    # the report is read-only for everyone; its readers (Managers) close the steward's
    # activity and discuss it in the chatter
    _mail_post_access = "read"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    detected_on = fields.Date(required=True, readonly=True, help="In the engine's calendar.")
    origin = fields.Selection(
        [("schedule", "Scheduled"), ("manual", "Manual")], required=True, readonly=True
    )
    user_id = fields.Many2one("res.users", string="Run by", readonly=True)
    steward_id = fields.Many2one("res.users", string="Data Steward", readonly=True)
    note = fields.Char(readonly=True, help="Who was told, or why nobody was.")
    anomaly_ids = fields.One2many("customer.anomaly", "run_id", string="Anomalies", readonly=True)
    anomaly_count = fields.Integer(string="Anomalies Found", readonly=True)
    summary_html = fields.Html(
        string="Counts", compute="_compute_summary_html", sanitize=False, readonly=True
    )

    @api.depends("company_id", "detected_on")
    def _compute_display_name(self):
        for run in self:
            run.display_name = self.env._(
                "Anomalies of %(company)s, %(date)s",
                company=run.company_id.name or "",
                date=format_date(self.env, run.detected_on) if run.detected_on else "",
            )

    @api.depends("anomaly_count")
    def _compute_summary_html(self):
        for run in self:
            run.summary_html = run._counts_html(run._counts())

    def _counts(self):
        """``Counter`` of this run's anomalies per type, in one query."""
        self.ensure_one()
        groups = (
            self.env["customer.anomaly"]
            .sudo()
            ._read_group([("run_id", "=", self.id)], ["anomaly_type"], ["__count"])
        )
        return Counter(dict(groups))

    def _counts_html(self, counts):
        labels = dict(
            self.env["customer.anomaly"]._fields["anomaly_type"]._description_selection(self.env)
        )
        items = Markup("").join(
            Markup("<li>%s: %s</li>") % (labels[kind], counts.get(kind, 0))
            for kind, _label in ANOMALY_TYPES
        )
        return Markup("<ul>%s</ul>") % items

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    @api.model
    def action_detect(self):
        """Detect the anomalies of the current company now (Managers): its new report."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only Customer Classification Managers can detect anomalies.")
            )
        company = self.env.company
        run = self.sudo()._detect_exclusive(company, "manual")
        if run is None:
            raise UserError(
                self.env._(
                    "The anomalies of %(company)s are being detected right now: try again in "
                    "a minute.",
                    company=company.name,
                )
            )
        return run.with_env(self.env)._open_action()

    def action_view_anomalies(self):
        """The anomalies of this run, grouped by type."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_classification.customer_anomaly_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        return action

    def _open_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------------
    # Scheduled action: one company per call, each once a day at most
    # ------------------------------------------------------------------
    @api.model
    def _cron_detect_anomalies(self):
        """Detect the anomalies of the next company not done today; the scheduled
        action calls again while companies are left. Killed, it resumes with the
        companies not done; a company busy with a manual detection is retried soon."""
        today = self.env["customer.classification"]._today()
        done = self.sudo().search([("detected_on", ">=", today)]).company_id
        todo = self.env["res.company"].sudo().search([("id", "not in", done.ids)], order="id")
        for index, company in enumerate(todo):
            if self.sudo()._detect_exclusive(company, "schedule") is not None:
                self.env["ir.cron"]._notify_progress(done=1, remaining=len(todo) - index - 1)
                return
        if todo:
            self.env["res.partner"]._retry_soon(CRON_XMLID)
        self.env["ir.cron"]._notify_progress(done=0, remaining=0)

    # ------------------------------------------------------------------
    # Detection
    # ------------------------------------------------------------------
    @api.model
    def _detect_exclusive(self, company, origin):
        """:meth:`_detect` alone on ``company``, in a savepoint; None when another
        detection holds the company."""
        self.env.flush_all()
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                locked = self.env.execute_query(
                    SQL(
                        "SELECT pg_try_advisory_xact_lock(hashtext(%s), %s)",
                        DETECT_LOCK,
                        company.id,
                    )
                )[0][0]
                return self._detect(company, origin) if locked else None
        except CONCURRENCY_ERRORS:
            return None

    @api.model
    def _detect(self, company, origin="manual"):
        """Replace ``company``'s report with a new run of its anomalies (superuser)."""
        today = self.env["customer.classification"]._today()
        rows = self._find(company, today)
        self.search([("company_id", "=", company.id)]).unlink()
        run = self.create(
            {
                "company_id": company.id,
                "detected_on": today,
                "origin": origin,
                "user_id": self.env.uid if origin == "manual" else False,
                "anomaly_count": len(rows),
            }
        )
        self.env["customer.anomaly"]._insert(run, rows)
        run._notify_steward(Counter(row[1] for row in rows))
        return run

    @api.model
    def _find(self, company, today):
        """Every anomaly of ``company``: ``[(partner_id, type, before, after, date)]``."""
        Partner = self.env["res.partner"].with_company(company).sudo()
        scope = Partner._classification_scope_domain(company)
        rows = self._revenue_anomalies(company, scope, today)
        strategic = self.env["customer.class"].sudo().search([("code", "=", "strategic")])
        for partner_id in Partner.search(
            [*scope, ("customer_class_id", "in", strategic.ids), ("user_id", "=", False)],
            order="id",
        ).ids:
            rows.append((partner_id, "strategic_no_salesperson", None, None, None))
        rows += self._code_anomalies(company)
        missing = Partner._customer_missing_data_domain()
        for partner_id in Partner.search([*scope, *missing], order="id").ids:
            rows.append((partner_id, "missing_data", None, None, None))
        expired = (
            self.env["customer.classification"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("override_class_id", "!=", False),
                    ("override_until", "<", today),
                    ("partner_id.active", "=", True),
                ],
                order="partner_id",
            )
        )
        for result in expired:
            rows.append(
                (result.partner_id.id, "override_expired", None, None, result.override_until)
            )
        return rows

    @api.model
    def _revenue_anomalies(self, company, scope, today):
        """Revenue jumps and drops (the last 3 complete months against the 3 before,
        beyond the company's factor) and negative net revenue over the evaluation window,
        of the customers in scope: one query."""
        Engine = self.env["customer.classification"].sudo()
        recent_start = today.replace(day=1) - relativedelta(months=PERIOD_MONTHS)
        previous_start = recent_start - relativedelta(months=PERIOD_MONTHS)
        window_from = today - relativedelta(months=Engine._window_months())
        source = indicator_sql._sales_source(
            self.env, company, Engine._revenue_source(), Engine._timezone()
        )
        partners = (
            self.env["res.partner"]
            .with_company(company)
            .sudo()
            .with_context(active_test=True)
            ._search(scope)
        )
        self.env.flush_all()
        found = self.env.execute_query(
            SQL(
                """
                SELECT s.partner_id,
                       SUM(s.amount) FILTER (WHERE s.doc_date >= %(previous)s
                                             AND s.doc_date < %(recent)s),
                       SUM(s.amount) FILTER (WHERE s.doc_date >= %(recent)s
                                             AND s.doc_date < %(month)s),
                       SUM(s.amount) FILTER (WHERE s.doc_date > %(window)s)
                  FROM (%(source)s) s
                 WHERE s.partner_id IN %(partners)s
                   AND s.doc_date >= LEAST(%(previous)s, %(window)s) AND s.doc_date <= %(today)s
              GROUP BY s.partner_id
              ORDER BY s.partner_id
                """,
                source=source,
                partners=partners.subselect(),
                previous=previous_start,
                recent=recent_start,
                month=today.replace(day=1),
                window=window_from,
                today=today,
            )
        )
        factor = company.customer_anomaly_factor
        rows = []
        for partner_id, previous_sum, recent_sum, window in found:
            previous, recent = float(previous_sum or 0.0), float(recent_sum or 0.0)
            change = anomaly_rules.revenue_change(previous, recent, factor)
            if change:
                rows.append((partner_id, change, round(previous, 2), round(recent, 2), None))
            if window is not None and window < 0:
                rows.append((partner_id, "negative_revenue", None, round(float(window), 2), None))
        return rows

    @api.model
    def _code_anomalies(self, company):
        """Partners visible from ``company`` whose code fits none of its active schemes."""
        Scheme = self.env["customer.code.scheme"].sudo()
        schemes = Scheme.search([("company_id", "in", [False, company.id])])
        prefixes = self.env["customer.class"].sudo().search([]).mapped("code_prefix")
        rules = [
            (
                anomaly_rules.pattern_regex(
                    scheme.pattern, [*prefixes, scheme.default_class_prefix]
                ),
                scheme.validation_regex,
            )
            for scheme in schemes
        ]
        partners = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=True)
            .search_fetch(
                [
                    ("customer_code", "!=", False),
                    *self.env["res.partner"]._not_own_partners_domain(),
                    "|",
                    ("company_id", "=", False),
                    ("company_id", "parent_of", company.id),
                ],
                ["customer_code"],
                order="id",
            )
        )
        return [
            (partner.id, "code_no_scheme", None, None, None)
            for partner in partners
            if not anomaly_rules.code_matches(partner.customer_code, rules)
        ]

    def _notify_steward(self, counts):
        """One To-Do for the company's data steward with the counts, on this run; without
        a steward who may read the report, the run says so."""
        self.ensure_one()
        steward = self.company_id.customer_data_steward_id
        if not steward:
            self.note = self.env._(
                "No data steward is set in the Settings of %(company)s: nobody was told.",
                company=self.company_id.name,
            )
            return
        if not (
            steward.active
            and steward._has_group(MANAGER_GROUP)
            and self.company_id in steward.company_ids
        ):
            self.note = self.env._(
                "The data steward %(user)s may not read the anomaly report of %(company)s "
                "(a Customer Classification Manager of that company, still active): nobody "
                "was told.",
                user=steward.name,
                company=self.company_id.name,
            )
            return
        self.steward_id = steward
        # in the steward's language: the scheduled action's user may speak another
        run = self.with_context(lang=steward.lang or self.env.lang)
        run.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=run.env._("Review %(count)s customer anomalies", count=sum(counts.values())),
            note=run._counts_html(counts),
            user_id=steward.id,
        )
        self.note = self.env._("A to-do was given to %(user)s.", user=steward.name)
