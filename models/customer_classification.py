"""The classification engine's driver: configuration -> indicators -> results -> history.

Data flow for one company and a batch of partners (:meth:`_run`):

1. ``_standard()`` turns the company's active ``customer.standard`` (dimensions, levels,
   rules, tag rules) into the plain objects of ``engine/classifier.py``;
2. ``_indicator_values()`` asks ``models/indicator_sql.py`` for every indicator of every
   partner, a fixed number of queries whatever the number of partners;
3. the classifier evaluates each partner in Python;
4. only partners whose result changed are written, grouped in one statement each for
   results, partner columns and history; every result and history row names the
   standard (version) that produced it;
5. the tags the company's tag rules grant are kept on its results, and each partner
   wears the tags granted by any company (:meth:`_sync_tags`);
6. partners whose class changed get their ``write_date`` moved (automation rules see
   them) and ``res.partner._on_customer_class_changed()`` is called once per batch.

Runs never collide: :meth:`_exclusive` holds a transaction-scoped advisory lock per
company, so two runs never work on one company at once; the loser skips and is retried
later, and a run that fails is noted on its company's standard without stopping others.
"""

import logging
from collections import Counter, namedtuple

import pytz
from markupsafe import Markup, escape
from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, mute_logger
from odoo.tools.misc import formatLang

from . import bulk_sql, indicator_sql
from .customer_indicator import ANALYTICS_KINDS

PARAM_REVENUE_SOURCE = "customer_classification.revenue_source"
PARAM_REVIEW_MODE = "customer_classification.review_mode"
PARAM_WINDOW = "customer_classification.window_months"
PARAM_TIMEZONE = "customer_classification.timezone"
DEFAULT_WINDOW = 12
MAX_WINDOW = 120
#: indicator kinds counted over a window of months
WINDOW_KINDS = (*indicator_sql.SALES_KINDS, "complaint_count")
#: value of a sales indicator for a partner without any sale
NO_SALES = {"revenue_growth": None, "days_since_last_order": None}
#: :meth:`_exclusive` outcomes
DONE, BUSY, FAILED = "done", "busy", "failed"
#: first key of the transaction-scoped advisory lock of a company's runs (second: its id)
RUN_LOCK = "customer_classification.run"
#: another transaction works on the same company, or changed its rows since this one began
CONCURRENCY_ERRORS = (
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    pg_errors.LockNotAvailable,
)

_logger = logging.getLogger(__name__)

#: the junk settings already warned about, once per process
_WARNED = set()


def _warn_once(message, *args):
    """A setting read from a system parameter holds junk: say so once, use the default."""
    if (message, args) not in _WARNED:
        _WARNED.add((message, args))
        _logger.warning(message, *args)


#: a partner whose effective class changed in a company (``old_class_id`` None: its first)
ClassChange = namedtuple("ClassChange", "partner_id old_class_id new_class_id")


class CustomerClassification(models.Model):
    """The classification of one partner in one company."""

    _name = "customer.classification"
    _description = "Customer Classification Result"
    _order = "company_id, partner_id"
    _rec_name = "partner_id"
    # written by the engine only, in bulk: ``evaluated_at`` and the history say when and
    # who; no create/write columns (two foreign keys checked per row on a 100,000-row run)
    _log_access = False

    # no single-column indexes: the unique (partner, company) index serves the lookups,
    # and every index costs on the 100,000-row first run
    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    class_id = fields.Many2one("customer.class", readonly=True, index=True)
    score = fields.Float(digits=(5, 2), readonly=True)
    rule_id = fields.Many2one("customer.class.rule", string="Matched Rule", readonly=True)
    # the engine's class is its rule's class, and its rule belongs to one version of the
    # standard: neither is stored twice (a column less to check on a 100,000-row run)
    computed_class_id = fields.Many2one(
        "customer.class", related="rule_id.class_id", string="Proposed by the Engine"
    )
    standard_id = fields.Many2one(
        related="rule_id.standard_id",
        string="Standard",
        help="The version of the standard that produced this result.",
    )
    explanation = fields.Json(
        compute="_compute_explanation",
        help="Indicator values, levels, points and rule, evaluated now (not stored: always "
        "current, and nothing to write for 100,000 partners).",
    )
    evaluated_at = fields.Datetime(readonly=True, help="When the result last changed.")
    override_class_id = fields.Many2one("customer.class", string="Override", readonly=True)
    override_reason = fields.Text(readonly=True)
    override_until = fields.Date(readonly=True)
    override_user_id = fields.Many2one("res.users", string="Overridden by", readonly=True)
    proposed_class_id = fields.Many2one(
        "customer.class",
        string="Pending Class",
        readonly=True,
        help="Review mode: the class the engine proposes, waiting for a manager.",
    )
    proposed_score = fields.Float(digits=(5, 2), readonly=True)
    rejected_class_id = fields.Many2one(
        "customer.class",
        string="Rejected Proposal",
        readonly=True,
        help="Review mode: the class a Manager rejected. It is not proposed again until the "
        "engine computes another one.",
    )
    tag_ids = fields.Many2many(
        "res.partner.category",
        "customer_classification_tag_rel",
        "classification_id",
        "tag_id",
        string="Tags Earned",
        readonly=True,
        help="The tags this company's tag rules grant the customer. The customer wears "
        "the tags any of its companies grants.",
    )

    explanation_html = fields.Html(
        string="Why", compute="_compute_explanation_html", sanitize=False
    )

    _sql_constraints = [
        ("partner_company_uniq", "UNIQUE(partner_id, company_id)", "One result per company."),
    ]

    @api.depends_context("company", "uid")
    def _compute_explanation(self):
        """The engine's evaluation of these partners today, as the form explains it
        (without money figures for users who may not read invoices)."""
        self.explanation = False
        Indicator = self.env["customer.indicator"]
        hidden = Indicator._hidden_amount_codes()
        # the user reads these results already; the engine reads its configuration
        engine = self.sudo()
        for company in self.company_id:
            results = self.filtered(lambda r, c=company: r.company_id == c and r.partner_id)
            try:
                standard = engine._standard(company)
            except UserError:
                continue  # an inconsistent standard: nothing to explain until it is fixed
            if standard is None:
                continue
            today = engine._today()
            values = engine._indicator_values(company, results.partner_id.ids, today)
            for result in results:
                indicators = values[result.partner_id.id]
                evaluation = standard.evaluate(indicators)
                data = evaluation.explanation(standard, indicators)
                # the values each dimension looked at, for the table of the form
                for dim, row in zip(standard.dimensions, data["dimensions"], strict=True):
                    row["values"] = {key: indicators.get(key) for key in dim.indicator_keys()}
                result.explanation = Indicator._without_amounts(
                    dict(data, class_id=evaluation.class_id), hidden
                )

    @api.depends("explanation", "computed_class_id")
    def _compute_explanation_html(self):
        """Indicator values, then dimension -> level -> points × weight, then the rule."""
        for result in self:
            data = result.explanation or {}
            if not data:
                result.explanation_html = False
                continue
            notice = Markup("")
            if data.get("class_id") != result.computed_class_id.id:
                new_class = self.env["customer.class"].browse(data.get("class_id"))
                notice = Markup("<p class='alert alert-info'>%s</p>") % self.env._(
                    "The figures changed since the last evaluation: the next run will "
                    "propose %(class)s.",
                    **{"class": new_class.name or self.env._("no class")},
                )
            result.explanation_html = notice + self._explanation_table(
                data, result.company_id.currency_id
            )

    @api.model
    def _explanation_table(self, data, currency):
        """An explanation (or a history snapshot) as a table people read."""
        rows = Markup("").join(
            Markup(
                "<tr><td>%s</td><td class='text-muted'>%s</td><td>%s</td>"
                "<td class='text-end'>%s × %s %%</td><td class='text-end'>%s</td></tr>"
            )
            % (
                d["dimension"],
                self._format_values(d.get("values", {}), currency),
                d["level"] or "-",
                formatLang(self.env, d["points"], digits=0),
                formatLang(self.env, d["weight"], digits=0),
                formatLang(self.env, d["contribution"], digits=1),
            )
            for d in data.get("dimensions", [])
        )
        return Markup(
            "<table class='table table-sm o_classification_explanation'>"
            "<thead><tr><th>%s</th><th>%s</th><th>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th></tr></thead>"
            "<tbody>%s</tbody></table><p><b>%s</b> %s</p>"
            "<p class='text-muted small'>%s %s</p>"
        ) % (
            self.env._("Dimension"),
            self.env._("Indicator Values"),
            self.env._("Level"),
            self.env._("Points × Weight"),
            self.env._("Contribution"),
            rows,
            self.env._("Rule:"),
            escape(data.get("rule") or "-"),
            self.env._("All indicators:"),
            self._format_values(data.get("indicators", {}), currency),
        )

    def _format_values(self, values, currency):
        """Indicator values as people read them: names and formatted values."""
        formatted = self.env["customer.indicator"].sudo()._format_values(values, currency)
        return Markup(", ").join(Markup("%s <b>%s</b>") % (name, text) for name, text in formatted)

    # ------------------------------------------------------------------
    # Configuration -> engine objects
    # ------------------------------------------------------------------
    @api.model
    def _standard(self, company):
        """The company's active standard as engine objects (None: it has none).

        Refuses, with a :class:`UserError`, a standard that can no longer classify.
        """
        standard = self.env["customer.standard"]._active_for(company)
        return standard._to_engine() if standard else None

    @api.model
    def _param(self, key, default):
        return self.env["ir.config_parameter"].sudo().get_param(key, default)

    @api.model
    def _window_months(self):
        """The Evaluation Window of the Settings: 1 to 120 months (12 when unreadable)."""
        raw = self._param(PARAM_WINDOW, DEFAULT_WINDOW)
        try:
            months = int(raw)
        except (TypeError, ValueError):
            months = 0
        if not 1 <= months <= MAX_WINDOW:
            _warn_once(
                "The evaluation window %r is not 1 to %s months: %s months are used.",
                raw,
                MAX_WINDOW,
                DEFAULT_WINDOW,
            )
            return DEFAULT_WINDOW
        return months

    @api.model
    def _revenue_source(self):
        """Posted invoices or confirmed orders (invoices when the parameter is junk)."""
        source = self._param(PARAM_REVENUE_SOURCE, "invoice")
        if source not in ("invoice", "sale_order"):
            _warn_once("The revenue source %r is unknown: posted invoices are used.", source)
            return "invoice"
        return source

    @api.model
    def _timezone(self):
        """The timezone of the engine's calendar: the Settings', else the scheduled
        action user's, else UTC. Manual and scheduled runs share it."""
        tz = self._param(PARAM_TIMEZONE, False)
        if not tz:
            cron = self.env.ref(
                "customer_classification.ir_cron_reclassify", raise_if_not_found=False
            )
            tz = (cron and cron.sudo().user_id.tz) or "UTC"
        if tz not in pytz.all_timezones_set:
            _warn_once("The timezone %r of the classification is unknown: UTC is used.", tz)
            return "UTC"
        return tz

    @api.model
    def _today(self):
        """Today's date in the engine's calendar (:meth:`_timezone`)."""
        return self._local_date(fields.Datetime.now())

    @api.model
    def _local_date(self, moment):
        """The date of ``moment`` (a naive UTC datetime) in the engine's calendar."""
        return pytz.utc.localize(moment).astimezone(pytz.timezone(self._timezone())).date()

    @api.model
    def _indicator_values(self, company, partner_ids, date_to):
        """``{partner_id: {indicator code: value}}`` for every active indicator."""
        return self._indicator_data(company, partner_ids, date_to)[0]

    @api.model
    def _indicator_data(self, company, partner_ids, date_to):
        """:meth:`_indicator_values`, and ``{partner_id: revenue}`` over the default window."""
        # a few dozen indicators at most; read once into plain tuples for the loop below
        indicators = self.env["customer.indicator"].search([])  # pylint: disable=no-search-all
        default_window = self._window_months()
        specs = [
            (i.code, i.kind, i.window_months or default_window, i.field_id.name) for i in indicators
        ]
        source = self._revenue_source()
        tz = self._timezone()
        windows = {default_window} | {
            months for _c, kind, months, _f in specs if kind in WINDOW_KINDS
        }
        sales, complaints = {}, {}
        for months in windows:
            sales[months] = indicator_sql.sales_indicators(
                self.env, company, partner_ids, date_to, months, source, tz
            )
            complaints[months] = indicator_sql.complaint_indicators(
                self.env, company, partner_ids, date_to, months, tz
            )
        overdue = indicator_sql.overdue_indicators(self.env, company, partner_ids, date_to)
        partner_fields = self.env["res.partner"]._fields
        missing = {
            code
            for code, kind, _m, fname in specs
            if kind == "partner_field"
            and (not fname or fname not in partner_fields or not partner_fields[fname].store)
        }
        for code in sorted(missing):
            _warn_once("The indicator %r reads a partner field that does not exist: skipped.", code)
        field_names = [
            fname
            for code, kind, _m, fname in specs
            if kind == "partner_field" and code not in missing
        ]
        partner_values = indicator_sql.partner_indicators(self.env, partner_ids, field_names)
        analysed = (
            self.env["customer.analytics"]._values_for(company, partner_ids)
            if any(kind in ANALYTICS_KINDS for _c, kind, _m, _f in specs)
            else {}
        )
        empty = {}
        values = {}
        for pid in partner_ids:
            pvals = partner_values.get(pid, empty)
            row = values[pid] = {}
            for code, kind, months, fname in specs:
                if kind == "partner_field":
                    row[code] = pvals.get(f"field:{fname}")
                elif kind in ANALYTICS_KINDS:
                    default = 0.0 if kind == "customer_lifetime_value" else None
                    row[code] = analysed.get(pid, empty).get(kind, default)
                elif kind == "industry_risk":
                    row[code] = pvals.get("industry_risk", "medium")
                elif kind == "overdue_amount":
                    row[code] = overdue.get(pid, empty).get("overdue_amount", 0.0)
                elif kind == "complaint_count":
                    row[code] = complaints[months].get(pid, empty).get("complaint_count", 0)
                elif kind == "relationship_years":
                    first = sales[default_window].get(pid, empty).get("first_order_date")
                    row[code] = indicator_sql.relationship_years(
                        first, pvals.get("cooperation_start"), date_to
                    )
                else:
                    row[code] = sales[months].get(pid, empty).get(kind, NO_SALES.get(kind, 0))
        revenue = {pid: row.get("revenue", 0.0) for pid, row in sales[default_window].items()}
        return values, revenue

    # ------------------------------------------------------------------
    # One run per company at a time
    # ------------------------------------------------------------------
    @api.model
    def _lock_company(self, company):
        """Take ``company``'s run lock until the end of the transaction, if free."""
        return self.env.execute_query(
            SQL("SELECT pg_try_advisory_xact_lock(hashtext(%s), %s)", RUN_LOCK, company.id)
        )[0][0]

    @api.model
    def _exclusive(self, company, work, raise_errors=False):
        """Call ``work()`` alone on ``company``, in a savepoint: ``(outcome, value)``.

        - ``(DONE, work())``;
        - ``(BUSY, None)``: another run holds the company, or wrote rows this one would
          write since this transaction began (PostgreSQL then refuses the write); nothing
          is written and nothing logged, the caller retries later;
        - ``(FAILED, error)``: ``work()`` failed (a standard that no longer classifies,
          a crash); nothing is written, the failure is noted once on the company's
          standard for its administrators. With ``raise_errors`` the error is raised.
        """
        # the caller's own pending writes are its business, not this guard's
        self.env.flush_all()
        try:
            # a refused write is an expected outcome here, not a bad query to log; the
            # savepoint writes what ``work()`` left pending when it closes, still muted
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                if not self._lock_company(company):
                    return BUSY, None
                return DONE, work()
        except CONCURRENCY_ERRORS:
            return BUSY, None
        except Exception as err:
            if raise_errors:
                raise
            # one company's failure, whatever it is, must not stop the others
            standard = self.env["customer.standard"].sudo()._active_for(company)
            self._quietly(standard._note_run_failure, err)
            return FAILED, err

    @api.model
    def _quietly(self, work, *args):
        """Call ``work(*args)`` in a savepoint; if another transaction wrote the same rows,
        give up silently (whoever calls next does it). Returns whether it was done."""
        self.env.flush_all()
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                work(*args)
        except CONCURRENCY_ERRORS:
            return False
        return True

    # ------------------------------------------------------------------
    # The run
    # ------------------------------------------------------------------
    @api.model
    def _run(self, company, partners, origin="schedule"):
        """Classify ``partners`` in ``company``; write only what changed.

        Returns a :class:`~collections.Counter`: ``evaluated`` partners, results
        ``written``, partners whose class ``changed`` (not counting first evaluations).
        """
        if self.env.context.get("active_test") is False:
            # only what is in force: archived indicators and classes never count
            return self.with_context(active_test=True)._run(company, partners, origin)
        stats = Counter()
        partners = partners.with_env(self.env).with_company(company)
        if not partners:
            return stats
        standard = self._standard(company)
        if standard is None:
            return stats  # this company has no standard in force: nothing to classify with
        # the indicators read invoices, orders, complaints and partners in SQL
        self.env.flush_all()
        today = self._today()
        values = self._indicator_values(company, partners.ids, today)
        existing = self._existing(company, partners.ids)
        review = bool(self._param(PARAM_REVIEW_MODE, False))
        now = fields.Datetime.now()
        ended = self.env._("Override ended")
        rows, history, tags, changes = [], [], {}, []
        no_tags = frozenset()
        for pid in partners.ids:
            result = standard.evaluate(values[pid])
            old = existing.get(pid)
            row = self._next_state(old, result, review, today)
            tags[pid] = (
                standard.tags(row["class_id"], result, values[pid])
                if standard.tag_rules
                else no_tags
            )
            if old and all(old[k] == row[k] for k in row):
                continue
            rows.append((pid, row))
            old_class = old["class_id"] if old else None
            old_score = old["score"] if old else None
            if old_class != row["class_id"]:
                changes.append(ClassChange(pid, old_class, row["class_id"]))
                if old_class:
                    stats["changed"] += 1
            if old_class != row["class_id"] or old_score != row["score"]:
                lapsed = bool(old and old["override_class_id"] and not row["override_class_id"])
                history.append(
                    {
                        "partner_id": pid,
                        "old_class_id": old_class,
                        "new_class_id": row["class_id"],
                        "old_score": old_score,
                        "new_score": row["score"],
                        "reason": ended if lapsed else None,
                        "standard_id": standard.id,
                        # indicator values are numbers, text or None: JSON as they are
                        "snapshot": result.explanation(standard, values[pid]),
                    }
                )
        self._write_results(company, rows, now, {change.partner_id for change in changes})
        self.env["customer.classification.history"]._log(company, history, origin)
        self._sync_tags(company, tags)
        self._notify_class_changes(company, changes, origin)
        stats["evaluated"] += len(partners)
        stats["written"] += len(rows)
        return stats

    @api.model
    def _sync_tags(self, company, earned):
        """Keep the tags ``company``'s rules grant, ``earned`` = ``{partner: {tag ids}}``.

        Partners' tags are shared by every company, tag rules are not: each result keeps
        what its company grants (``tag_ids``), and a partner wears a managed tag while
        any company grants it. Managed tags are those of the tag rules in force and those
        that just lost a grant; tags nobody manages are the users' and never touched.
        """
        if not earned:
            return
        rows = self.env.execute_query(
            SQL(
                """
                SELECT c.partner_id, r.tag_id
                  FROM customer_classification_tag_rel r
                  JOIN customer_classification c ON c.id = r.classification_id
                 WHERE c.company_id = %s AND c.partner_id = ANY(%s::int[])
                """,
                company.id,
                bulk_sql.array(earned),
            )
        )
        granted = {}
        for pid, tag in rows:
            granted.setdefault(pid, set()).add(tag)
        empty = frozenset()
        add = [(p, t) for p, tags in earned.items() for t in tags - granted.get(p, empty)]
        lost = [(p, t) for p, tags in granted.items() for t in tags - earned.get(p, empty)]
        if add:
            pids, tag_ids = zip(*add, strict=True)
            self.env.execute_query(
                SQL(
                    """
                    INSERT INTO customer_classification_tag_rel (classification_id, tag_id)
                    SELECT c.id, v.tag
                      FROM unnest(%s::int[], %s::int[]) AS v(pid, tag)
                      JOIN customer_classification c
                        ON c.partner_id = v.pid AND c.company_id = %s
                    ON CONFLICT DO NOTHING
                    """,
                    bulk_sql.array(pids),
                    bulk_sql.array(tag_ids),
                    company.id,
                )
            )
        if lost:
            pids, tag_ids = zip(*lost, strict=True)
            self.env.execute_query(
                SQL(
                    """
                    DELETE FROM customer_classification_tag_rel r
                     USING customer_classification c, unnest(%s::int[], %s::int[]) AS v(pid, tag)
                     WHERE r.classification_id = c.id AND c.company_id = %s
                       AND c.partner_id = v.pid AND r.tag_id = v.tag
                    """,
                    bulk_sql.array(pids),
                    bulk_sql.array(tag_ids),
                    company.id,
                )
            )
        managed = self._managed_tags() | {tag for _pid, tag in lost}
        if add or lost:
            self.invalidate_model(["tag_ids"])
        if managed:
            self._wear_granted_tags(list(earned), managed)

    @api.model
    def _managed_tags(self):
        """Tags of the tag rules of every standard in force."""
        return {
            tag
            for (tag,) in self.env.execute_query(
                SQL(
                    """
                    SELECT DISTINCT r.tag_id
                      FROM customer_tag_rule r
                      JOIN customer_standard s ON s.id = r.standard_id
                     WHERE s.state = 'active'
                    """
                )
            )
        }

    @api.model
    def _wear_granted_tags(self, partner_ids, managed):
        """Partners wear the ``managed`` tags some company grants them, and no other."""
        Partner = self.env["res.partner"]
        Partner.flush_model(["category_id"])
        pids, tags = bulk_sql.array(partner_ids), bulk_sql.array(managed)
        granted = SQL(
            """
            SELECT 1 FROM customer_classification_tag_rel g
              JOIN customer_classification c ON c.id = g.classification_id
             WHERE c.partner_id = t.partner_id AND g.tag_id = t.category_id
            """
        )
        added = self.env.execute_query(
            SQL(
                """
                INSERT INTO res_partner_res_partner_category_rel (partner_id, category_id)
                SELECT DISTINCT c.partner_id, g.tag_id
                  FROM customer_classification_tag_rel g
                  JOIN customer_classification c ON c.id = g.classification_id
                 WHERE c.partner_id = ANY(%s::int[]) AND g.tag_id = ANY(%s::int[])
                ON CONFLICT DO NOTHING
                RETURNING partner_id
                """,
                pids,
                tags,
            )
        )
        removed = self.env.execute_query(
            SQL(
                """
                DELETE FROM res_partner_res_partner_category_rel t
                 WHERE t.partner_id = ANY(%s::int[]) AND t.category_id = ANY(%s::int[])
                   AND NOT EXISTS (%s)
                RETURNING partner_id
                """,
                pids,
                tags,
                granted,
            )
        )
        if added or removed:
            Partner.invalidate_model(["category_id"])
            self.env["res.partner.category"].invalidate_model(["partner_ids"])

    @api.model
    def _existing(self, company, partner_ids):
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT c.partner_id, r.class_id AS computed_class_id, c.class_id,
                       c.score::float8 AS score, c.rule_id, c.override_class_id,
                       c.override_until, c.proposed_class_id,
                       c.proposed_score::float8 AS proposed_score, c.rejected_class_id
                  FROM customer_classification c
             LEFT JOIN customer_class_rule r ON r.id = c.rule_id
                 WHERE c.company_id = %s AND c.partner_id = ANY(%s::int[])
                """,
                company.id,
                bulk_sql.array(partner_ids),
            )
        )
        return {row.pop("partner_id"): row for row in rows}

    @staticmethod
    def _next_state(old, result, review, today):
        """The stored state after ``result``: overrides stick, review mode waits."""
        row = {
            "computed_class_id": result.class_id,
            "rule_id": result.rule_id,
            "override_class_id": old["override_class_id"] if old else None,
            "override_until": old["override_until"] if old else None,
            "class_id": result.class_id,
            "score": result.score,
            "proposed_class_id": None,
            "proposed_score": 0.0,
            "rejected_class_id": None,
        }
        if row["override_class_id"] and row["override_until"] and row["override_until"] < today:
            row["override_class_id"] = row["override_until"] = None
        if row["override_class_id"]:
            row["class_id"] = row["override_class_id"]
        elif review and old and old["class_id"] != result.class_id:
            row["class_id"] = old["class_id"]
            row["score"] = old["score"]
            if result.class_id == old["rejected_class_id"]:
                # a Manager rejected this very proposal: it holds until the engine's changes
                row["rejected_class_id"] = old["rejected_class_id"]
            else:
                row["proposed_class_id"] = result.class_id
                row["proposed_score"] = result.score
        return row

    @api.model
    def _write_results(self, company, rows, now, changed=frozenset()):
        """Upsert results and the partner's company-dependent columns, one query each;
        partners whose class ``changed`` (ids) are marked as written ``now``."""
        if not rows:
            return
        self.flush_model()
        # partners first: the foreign key checks below then lock rows this transaction
        # already updated, which costs less than locking them and updating them after
        self.env["res.partner"]._write_classification_columns(
            company, [(pid, row["class_id"], row["score"]) for pid, row in rows], changed, now
        )
        # one array literal per column: cheaper to build, send and parse than tuples
        names = (
            "class_id",
            "score",
            "rule_id",
            "override_class_id",
            "proposed_class_id",
            "override_until",
            "proposed_score",
            "rejected_class_id",
        )
        columns = {name: bulk_sql.array(row[name] for _pid, row in rows) for name in names}
        self.env.execute_query(
            SQL(
                """
                INSERT INTO customer_classification AS c
                    (partner_id, company_id, class_id, score, rule_id, override_class_id,
                     proposed_class_id, override_until, proposed_score, rejected_class_id,
                     evaluated_at)
                SELECT v.pid, %(company)s, v.cls, v.score, v.rule, v.override, v.proposed,
                       v.until, v.pscore, v.rejected, %(now)s
                  FROM unnest(%(pids)s::int[], %(cls)s::int[], %(score)s::numeric[],
                              %(rule)s::int[], %(override)s::int[], %(proposed)s::int[],
                              %(until)s::date[], %(pscore)s::numeric[], %(rejected)s::int[])
                    AS v(pid, cls, score, rule, override, proposed, until, pscore, rejected)
                ON CONFLICT (partner_id, company_id) DO UPDATE SET
                    class_id = EXCLUDED.class_id, score = EXCLUDED.score,
                    rule_id = EXCLUDED.rule_id, override_class_id = EXCLUDED.override_class_id,
                    override_until = EXCLUDED.override_until,
                    override_reason = CASE WHEN EXCLUDED.override_class_id IS NULL
                                           THEN NULL ELSE c.override_reason END,
                    proposed_class_id = EXCLUDED.proposed_class_id,
                    proposed_score = EXCLUDED.proposed_score,
                    rejected_class_id = EXCLUDED.rejected_class_id,
                    evaluated_at = EXCLUDED.evaluated_at
                """,
                company=company.id,
                now=now,
                pids=bulk_sql.array(pid for pid, _row in rows),
                cls=columns["class_id"],
                score=columns["score"],
                rule=columns["rule_id"],
                override=columns["override_class_id"],
                proposed=columns["proposed_class_id"],
                until=columns["override_until"],
                pscore=columns["proposed_score"],
                rejected=columns["rejected_class_id"],
            )
        )
        self.invalidate_model()

    # ------------------------------------------------------------------
    # Manual decisions: overrides and review
    # ------------------------------------------------------------------
    @api.model
    def _ensure_results(self, company, partners):
        """Results of ``partners`` in ``company``, evaluating the ones that have none."""
        results = self.search([("company_id", "=", company.id), ("partner_id", "in", partners.ids)])
        missing = partners - results.partner_id
        if missing:
            outcome, _stats = self._exclusive(
                company, lambda: self._run(company, missing, "manual"), raise_errors=True
            )
            if outcome == BUSY:
                raise UserError(
                    self.env._(
                        "A classification run is working on %(company)s right now; try "
                        "again in a moment.",
                        company=company.name,
                    )
                )
            results = self.search(
                [("company_id", "=", company.id), ("partner_id", "in", partners.ids)]
            )
        return results

    @api.model
    def _set_override(self, company, partners, klass, reason, until):
        results = self._ensure_results(company, partners)
        vals = {
            "override_class_id": klass.id,
            "override_reason": reason,
            "override_until": until,
            "override_user_id": self.env.uid,
            "class_id": klass.id,
            "proposed_class_id": False,
        }
        self._apply_manual_change(company, [(r, vals) for r in results], reason)

    def action_remove_override(self):
        """Back to the engine's class."""
        self._check_manager()
        for company in self.company_id:
            results = self.filtered(lambda r, c=company: r.company_id == c and r.override_class_id)
            changes = [
                (
                    r,
                    {
                        "override_class_id": False,
                        "override_reason": False,
                        "override_until": False,
                        "class_id": r.computed_class_id.id,
                    },
                )
                for r in results
            ]
            self._apply_manual_change(company, changes, self.env._("Override removed"))
        return True

    def action_accept_proposal(self):
        """Review mode: apply the engine's pending classes."""
        self._check_manager()
        for company in self.company_id:
            results = self.filtered(lambda r, c=company: r.company_id == c and r.proposed_class_id)
            changes = [
                (
                    r,
                    {
                        "class_id": r.proposed_class_id.id,
                        "score": r.proposed_score,
                        "proposed_class_id": False,
                        "proposed_score": 0.0,
                    },
                )
                for r in results
            ]
            self._apply_manual_change(company, changes, self.env._("Proposal accepted"))
            # the accepted class earns its tags now, not at the next run
            self.sudo()._exclusive(
                company,
                lambda c=company, p=results.partner_id: self.sudo()._run(c, p, "manual"),
                raise_errors=True,
            )
        return True

    @api.model
    def _notify_class_changes(self, company, changes, origin):
        """Tell ``res.partner._on_customer_class_changed()`` about one batch's changes."""
        if changes:
            partners = self.env["res.partner"].browse(c.partner_id for c in changes)
            partners.with_company(company)._on_customer_class_changed(changes, origin)

    @api.model
    def _apply_manual_change(self, company, changes, reason):
        """Write ``(result, vals)`` changes of a manager, sync partners, log the history."""
        history = []
        class_changes = [
            ClassChange(result.partner_id.id, result.class_id.id or None, vals["class_id"])
            for result, vals in changes
            if "class_id" in vals and vals["class_id"] != result.class_id.id
        ]
        for result, vals in changes:
            history.append(result._manual_history_row(vals))
            result.sudo().write(vals)
        results = self.browse([result.id for result, _vals in changes])
        results._sync_partner_columns(company, {c.partner_id for c in class_changes})
        # the partner's view of its result (override, proposal...) is read anew
        results.partner_id.invalidate_recordset()
        self.env["customer.classification.history"].sudo()._log(company, history, "manual", reason)
        self._notify_class_changes(company, class_changes, "manual")

    def _manual_history_row(self, vals, reason=None):
        """The history row of a manager's decision ``vals`` on this result."""
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "old_class_id": self.class_id.id,
            "new_class_id": vals.get("class_id", self.class_id.id),
            "old_score": self.score,
            "new_score": vals.get("score", self.score),
            # the whole evaluation, whoever decides: the snapshot keeps the amounts
            "snapshot": self.sudo().explanation,
            "standard_id": self.standard_id.id,
            "reason": reason,
        }

    def action_reject_proposal(self):
        """Review mode: keep the current classes; the Manager says why (a wizard)."""
        self._check_manager()
        pending = self.filtered("proposed_class_id")
        if not pending:
            raise UserError(self.env._("Choose proposals waiting for a decision."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject Proposals"),
            "res_model": "customer.classification.reject.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_result_ids": pending.ids},
        }

    def _reject_proposal(self, reason):
        """Keep the current classes of these results and remember the rejected proposal:
        the engine proposes it no more until it computes another class. The history says
        who rejected what, when and why."""
        self._check_manager()
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the proposal is rejected."))
        for company in self.company_id:
            results = self.filtered(lambda r, c=company: r.company_id == c and r.proposed_class_id)
            history = [
                r._manual_history_row(
                    {},
                    self.env._(
                        "Proposal %(proposed)s rejected: %(reason)s",
                        proposed=r.proposed_class_id.name,
                        reason=reason.strip(),
                    ),
                )
                for r in results
            ]
            for result in results:
                result.sudo().write(
                    {
                        "rejected_class_id": result.proposed_class_id.id,
                        "proposed_class_id": False,
                        "proposed_score": 0.0,
                    }
                )
            self.env["customer.classification.history"].sudo()._log(company, history, "manual")
        return True

    def _check_manager(self):
        if not self.env.user.has_group("customer_classification.group_manager"):
            raise AccessError(self.env._("Only Customer Classification Managers can do this."))

    def _sync_partner_columns(self, company, changed=frozenset()):
        self.env["res.partner"]._write_classification_columns(
            company,
            [(r.partner_id.id, r.class_id.id or None, r.score) for r in self],
            changed,
            fields.Datetime.now(),
        )
