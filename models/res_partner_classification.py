import logging
from collections import Counter
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from . import bulk_sql
from .customer_classification import BUSY, FAILED
from .customer_standard import RUN_DONE
from .res_partner import BATCH_SIZE, COMMERCIAL_DOMAIN

_logger = logging.getLogger(__name__)

#: domains of classified partners read from the system parameter: whether they work
_CHECKED_DOMAINS = {}

#: a run that found its company busy tries again after this delay
RETRY_DELAY = timedelta(minutes=1)

#: set by the engine only, in SQL: the ORM refuses them, whoever writes
ENGINE_FIELDS = frozenset({"customer_class_id", "classification_score"})
#: the partner's own data that drives its class: Managers only, tracked
MANAGER_FIELDS = frozenset(
    {
        "classification_prospect",
        "classification_cooperation_start",
        "classification_size_band",
        "classification_esg_rating",
    }
)

PARAM_SCOPE_DOMAIN = "customer_classification.scope_domain"
DEFAULT_SCOPE_DOMAIN = "['|', ('customer_rank', '>', 0), ('classification_prospect', '=', True)]"


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_class_id = fields.Many2one(
        "customer.class",
        company_dependent=True,
        readonly=True,
        copy=False,
        group_expand="_read_group_customer_class_ids",
        help="Effective class in the current company: the override if any, else the "
        "engine's class.",
    )
    classification_score = fields.Float(
        company_dependent=True,
        readonly=True,
        copy=False,
        digits=(5, 2),
        help="Σ weight × points / 100, from 0 to 100, in the current company.",
    )
    classification_prospect = fields.Boolean(
        string="Prospect",
        tracking=True,
        help="Classify this partner even though it never bought.",
    )
    classification_cooperation_start = fields.Date(
        string="Cooperation Start",
        tracking=True,
        help="Start of the relationship; when empty, the first posted invoice counts.",
    )
    classification_size_band = fields.Selection(
        [
            ("micro", "Micro (fewer than 10 employees)"),
            ("small", "Small (10 to 49)"),
            ("medium", "Medium (50 to 249)"),
            ("large", "Large (250 or more)"),
        ],
        string="Company Size",
        tracking=True,
        help="Size band, usable as a partner field indicator (large vs. small and medium "
        "customers).",
    )
    classification_esg_rating = fields.Selection(
        [
            ("a", "A - Leading"),
            ("b", "B - Good"),
            ("c", "C - Average"),
            ("d", "D - Poor"),
        ],
        string="ESG Rating",
        tracking=True,
        help="Environmental, social and governance compliance of the customer, as rated by "
        "your own audit or an agency; usable as a partner field indicator.",
    )
    classification_can_manage = fields.Boolean(
        compute="_compute_classification_can_manage",
        help="Whether the current user may change the data that drives the class.",
    )
    classification_outdated = fields.Boolean(
        compute="_compute_classification_outdated",
        string="Waiting for Re-evaluation",
        help="Something changed (an invoice, an order, a complaint): the light run "
        "re-evaluates this customer soon.",
    )
    classification_ids = fields.One2many(
        "customer.classification", "partner_id", string="Classifications"
    )
    classification_id = fields.Many2one(
        "customer.classification",
        compute="_compute_classification_id",
        string="Current Classification",
    )
    classification_computed_class_id = fields.Many2one(
        "customer.class", compute="_compute_classification_id", string="Engine Proposal"
    )
    classification_rule_id = fields.Many2one(
        "customer.class.rule", compute="_compute_classification_id", string="Matched Rule"
    )
    classification_override_class_id = fields.Many2one(
        "customer.class", compute="_compute_classification_id", string="Override"
    )
    classification_override_reason = fields.Text(
        compute="_compute_classification_id", string="Override Reason"
    )
    classification_override_until = fields.Date(
        compute="_compute_classification_id", string="Override Until"
    )
    classification_proposed_class_id = fields.Many2one(
        "customer.class", compute="_compute_classification_id", string="Pending Class"
    )
    classification_explanation_html = fields.Html(
        compute="_compute_classification_explanation_html", string="Why", sanitize=False
    )
    customer_class_color = fields.Integer(related="customer_class_id.color")
    # changes of class and score; code changes are read in the code history
    classification_history_ids = fields.One2many(
        "customer.classification.history", "partner_id", domain=[("origin", "!=", "code")]
    )
    classification_history_count = fields.Integer(compute="_compute_classification_history_count")
    # the company's records and its contacts' (on a company's form, everything about it)
    tracking_record_ids = fields.One2many("customer.tracking.record", "commercial_partner_id")
    tracking_record_count = fields.Integer(compute="_compute_tracking_record_count")

    @api.model
    def _read_group_customer_class_ids(self, classes, domain):
        """The board shows every active class as a column, even an empty one."""
        # a handful of classes per database
        return classes.search([])  # pylint: disable=no-search-all

    def _count_per_commercial_partner(self, model, field, domain=()):
        """``{partner: number of records of model whose field is its commercial partner}``."""
        counts = dict(
            self.env[model]._read_group(
                [(field, "in", self.commercial_partner_id.ids), *domain], [field], ["__count"]
            )
        )
        return {partner: counts.get(partner.commercial_partner_id, 0) for partner in self}

    def _compute_classification_history_count(self):
        counts = self._count_per_commercial_partner(
            "customer.classification.history", "partner_id", [("origin", "!=", "code")]
        )
        for partner in self:
            partner.classification_history_count = counts[partner]

    @api.depends_context("company")
    def _compute_classification_id(self):
        results = self.env["customer.classification"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {result.partner_id.id: result for result in results}
        empty = self.env["customer.classification"]
        for partner in self:
            result = by_partner.get(partner.commercial_partner_id.id, empty)
            partner.classification_id = result
            partner.classification_computed_class_id = result.computed_class_id
            partner.classification_rule_id = result.rule_id
            partner.classification_override_class_id = result.override_class_id
            partner.classification_override_reason = result.override_reason
            partner.classification_override_until = result.override_until
            partner.classification_proposed_class_id = result.proposed_class_id

    @api.depends_context("company")
    def _compute_classification_explanation_html(self):
        """Evaluated when shown (the form's Classification tab), never for lists."""
        for partner in self:
            partner.classification_explanation_html = partner.classification_id.explanation_html

    @api.depends_context("uid")
    def _compute_classification_can_manage(self):
        self.classification_can_manage = self._classification_may_manage()

    @api.model
    def _classification_may_manage(self):
        return self.env.su or self.env.user.has_group("customer_classification.group_manager")

    # ------------------------------------------------------------------
    # What the ORM accepts
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_classification_vals(vals, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        if self.env.context.get("customer_classification_merge"):
            # Odoo's merge copies every stored field onto the partner it keeps: the class
            # and score are the engine's, which re-evaluates the partner soon
            vals = {name: value for name, value in vals.items() if name not in ENGINE_FIELDS}
            self._mark_for_reclassification()
        else:
            self._check_classification_vals(vals)
        return super().write(vals)

    @api.model
    def _check_classification_vals(self, vals, creating=False):
        """Class and score come from the engine only; what drives them from Managers."""
        if ENGINE_FIELDS & vals.keys():
            raise UserError(
                self.env._(
                    "The class and score of a customer are set by the classification "
                    "engine only. A Manager can override the class."
                )
            )
        driving = MANAGER_FIELDS & vals.keys()
        if creating:
            # a new partner may leave them empty whoever creates it
            driving = {name for name in driving if vals[name]}
        if driving and not self._classification_may_manage():
            raise AccessError(
                self.env._(
                    "Only Customer Classification Managers can change %(fields)s: they "
                    "drive the class of the customer.",
                    fields=", ".join(
                        self._fields[name].get_description(self.env)["string"]
                        for name in sorted(driving)
                    ),
                )
            )

    def _compute_classification_outdated(self):
        marked = (
            self.env["customer.classification.mark"].sudo()._marked(self.commercial_partner_id.ids)
        )
        for partner in self:
            partner.classification_outdated = partner.commercial_partner_id.id in marked

    def _compute_tracking_record_count(self):
        counts = self._count_per_commercial_partner(
            "customer.tracking.record", "commercial_partner_id"
        )
        for partner in self:
            partner.tracking_record_count = counts[partner]

    # ------------------------------------------------------------------
    # Scope and entry point
    # ------------------------------------------------------------------
    @api.model
    def _search(self, domain, *args, **kwargs):
        """With ``customer_classification_scope`` in the context, only partners in scope:
        the count of the Settings' domain is then the number of partners classified."""
        if self.env.context.get("customer_classification_scope"):
            own = self.with_context(customer_classification_scope=False)
            domain = [*domain, *COMMERCIAL_DOMAIN, *own._not_own_partners_domain()]
        return super()._search(domain, *args, **kwargs)

    @api.model
    def _classification_scope_domain(self, company=None):
        """Commercial partners the administrator chose, never companies' or users' own;
        with ``company``, only those it may see (its own, its parents', shared ones)."""
        domain = [
            *COMMERCIAL_DOMAIN,
            *self._not_own_partners_domain(),
            *self._classification_customers_domain(),
        ]
        if company:
            # as Odoo's multi-company rule on partners sees them from that company
            domain += ["|", ("company_id", "=", False), ("company_id", "parent_of", company.id)]
        return domain

    @api.model
    def _customer_code_customers_domain(self):
        """Codes go to the partners the classification is for."""
        return self._classification_customers_domain()

    @api.model
    def _classification_customers_domain(self):
        """The partners chosen in Settings, as a domain."""
        return self._domain_from_text(self._classification_scope_text())

    @api.model
    def _classification_scope_text(self):
        """The partners chosen in Settings (by default: customers and prospects).

        Settings check the domain when it is saved; a system parameter holding junk
        falls back to the default, with one warning, instead of failing every run,
        every new customer and every posted invoice.
        """
        raw = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(PARAM_SCOPE_DOMAIN, DEFAULT_SCOPE_DOMAIN)
        )
        if raw not in _CHECKED_DOMAINS:
            try:
                self._check_domain_text(raw)
                _CHECKED_DOMAINS[raw] = True
            except Exception as err:
                _CHECKED_DOMAINS[raw] = False
                _logger.warning(
                    "The domain of classified partners %r is not valid (%s): the default "
                    "one is used.",
                    raw,
                    err,
                )
        return raw if _CHECKED_DOMAINS[raw] else DEFAULT_SCOPE_DOMAIN

    def _reclassify(self, companies=None, origin="manual"):
        """Classify these partners (empty recordset: everyone in scope) in ``companies``.

        The entry point of the engine for buttons and scripts; the scheduled runs go
        through the same :meth:`customer.classification._exclusive` guard. Works in
        batches. Returns a :class:`~collections.Counter` of partners ``evaluated`` and
        ``changed``, and of partners ``postponed`` because another run was working on
        their company: those are marked for the light run, which retries them soon.
        A standard that can no longer classify raises its :class:`UserError`.
        """
        Classification = self.env["customer.classification"].sudo()
        companies = companies or self.env.company
        stats = Counter()
        for company in companies:
            partners = self._classification_partners(company)
            for start in range(0, len(partners), BATCH_SIZE):
                batch = partners[start : start + BATCH_SIZE]
                outcome, batch_stats = Classification._exclusive(
                    company,
                    lambda c=company, b=batch: Classification._run(c, b, origin),
                    raise_errors=True,
                )
                if outcome == BUSY:
                    batch._mark_for_reclassification()
                    self._retry_soon("customer_classification.ir_cron_reclassify_outdated")
                    stats["postponed"] += len(batch)
                else:
                    stats += batch_stats
        return stats

    def _classification_partners(self, company, domain=()):
        """The commercial partners of these (empty recordset: everyone) that ``company``
        classifies: in scope, visible from it, not archived (and matching ``domain``)."""
        Partner = self.with_company(company).sudo().with_context(active_test=True)
        scope = [*domain, *self._classification_scope_domain(company)]
        if self:
            scope = [("id", "in", self.commercial_partner_id.ids), *scope]
        return Partner.search(scope, order="id")

    @api.model
    def _retry_soon(self, cron_xmlid):
        cron = self.env.ref(cron_xmlid, raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(fields.Datetime.now() + RETRY_DELAY)

    def _on_customer_class_changed(self, changes, origin):
        """Hook: the effective class of these partners changed in ``self.env.company``.

        Called once per batch of every run and manual decision (override, review), after
        the results, partner columns and history are written, in the same transaction.
        ``changes`` lists :class:`~.customer_classification.ClassChange` tuples
        ``(partner_id, old_class_id, new_class_id)``, ``old_class_id`` being None for a
        first classification; ``origin`` is the history's (schedule, manual, config).
        The partners' ``write_date`` has already moved, so Odoo's automation rules
        ("After last update", "Based on date field") see them. Override it to act on
        changes (the engine runs as superuser: check what you need yourself).
        """
        return

    def _customer_code_class_prefixes(self):
        """``{class}`` in code schemes: the code prefix of the partner's class."""
        res = super()._customer_code_class_prefixes()
        self.flush_model(["customer_class_id", "commercial_partner_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.id, c.code_prefix
                  FROM res_partner p
                  JOIN res_partner cp ON cp.id = p.commercial_partner_id
                  JOIN customer_class c ON c.id = (cp.customer_class_id ->> %s)::int
                 WHERE p.id = ANY(%s) AND c.code_prefix IS NOT NULL
                """,
                str(self.env.company.id),
                self.ids,
            )
        )
        res.update(dict(rows))
        return res

    def _write_classification_columns(self, company, rows, changed=frozenset(), now=None):
        """Set class and score of ``rows`` ``(partner_id, class_id, score)`` for ``company``;
        the partners whose class ``changed`` (ids) are written by the current user ``now``,
        as an ORM write would say, for automation rules and "Last Updated on"."""
        if not rows:
            return
        columns = ["customer_class_id", "classification_score", "write_date", "write_uid"]
        self.flush_model(columns)
        ids, classes, scores = (list(col) for col in zip(*rows, strict=True))
        self.env.execute_query(
            SQL(
                """
                UPDATE res_partner p
                   SET customer_class_id = COALESCE(p.customer_class_id, '{}'::jsonb)
                           || jsonb_build_object(%(key)s::text, v.cls),
                       classification_score = COALESCE(p.classification_score, '{}'::jsonb)
                           || jsonb_build_object(%(key)s::text, v.score),
                       write_date = CASE WHEN v.changed THEN %(now)s ELSE p.write_date END,
                       write_uid = CASE WHEN v.changed THEN %(uid)s ELSE p.write_uid END
                  FROM unnest(%(ids)s::int[], %(classes)s::int[], %(scores)s::float8[],
                              %(changed)s::bool[])
                    AS v(id, cls, score, changed)
                 WHERE p.id = v.id
                """,
                key=str(company.id),
                now=now or fields.Datetime.now(),
                uid=self.env.uid,
                ids=bulk_sql.array(ids),
                classes=bulk_sql.array(classes),
                scores=bulk_sql.array(scores),
                changed=bulk_sql.array(pid in changed for pid in ids),
            )
        )
        self.invalidate_model(columns)

    def _mark_for_reclassification(self):
        """Ask the light, frequent run to re-evaluate these partners' commercial partners.

        Called while invoices are posted, orders confirmed and complaints logged: it
        inserts marks, which never waits for a partner a run is writing, and a run only
        deletes the marks it read, so a change made while it works is never lost.
        """
        self.env["customer.classification.mark"].sudo()._mark(self.commercial_partner_id.ids)

    # ------------------------------------------------------------------
    # Scheduled actions: batches, progress, resumable
    # ------------------------------------------------------------------
    @api.model
    def _cron_reclassify(self):
        """Full run, one batch per call, company after company.

        Each company's active standard keeps the run's cursor, its origin and its counts:
        a killed run resumes where it stopped, an activation (or a change of the
        settings the engine reads) restarts its company's run from the beginning, and
        when every company is done the next call starts anew. A company busy with another
        run waits for the next call (a retry is planned); a company whose run fails is
        noted on its standard and finished, and the others go on.
        """
        Standard = self.env["customer.standard"].sudo()
        standards = Standard.search([("state", "=", "active")], order="company_id, id")
        pending = standards.filtered(lambda s: s._run_pending())
        if not pending and standards:
            # nothing under way nor asked for: every company starts anew
            standards._queue_run("schedule", trigger=False)
            pending = standards
        # one batch per call; a company with nothing (left) to do, or whose standard fails,
        # is finished here and the next one starts, since a call reporting no work done
        # ends the scheduled action's loop
        busy = False
        for index, standard in enumerate(pending):
            progress = self._reclassify_batch(standard)
            if progress is None:
                busy = True
                continue
            done, remaining = progress
            if done:
                self.env["ir.cron"]._notify_progress(
                    done=done, remaining=remaining + len(pending) - index - 1
                )
                return
        if busy:
            self._retry_soon("customer_classification.ir_cron_reclassify")
        self.env["ir.cron"]._notify_progress(done=0, remaining=0)

    def _reclassify_batch(self, standard):
        """The next batch of ``standard``'s full run: ``(partners done, partners left)``,
        or None when another run is working on its company. The run starts over first
        when it is asked to (queued requests)."""
        Classification = self.env["customer.classification"].sudo()
        outcome, progress = Classification._exclusive(
            standard.company_id, lambda: self._reclassify_next(standard)
        )
        if outcome == BUSY:
            return None
        if outcome == FAILED:
            # noted on the standard; its run is over (what asked for it is answered) and
            # the other companies go on
            Classification._quietly(standard._stop_run)
            return 0, 0
        return progress

    def _reclassify_next(self, standard):
        # the run's state is written under the company's lock only
        standard._start_run()
        if standard.run_cursor == RUN_DONE:
            return 0, 0
        company = standard.company_id
        Partner = self.with_company(company).sudo().with_context(active_test=True)
        domain = self._classification_scope_domain(company)
        batch = Partner.search(
            [*domain, ("id", ">", standard.run_cursor)], order="id", limit=BATCH_SIZE
        )
        if not batch:
            standard._finish_run()
            return 0, 0
        stats = (
            self.env["customer.classification"]
            .sudo()
            ._run(company, batch, standard.run_origin or "schedule")
        )
        standard._add_run_counts(batch[-1].id, stats["evaluated"], stats["changed"])
        remaining = Partner.search_count([*domain, ("id", ">", batch[-1].id)])
        if not remaining:
            standard._finish_run()
        return len(batch), remaining

    @api.model
    def _cron_reclassify_outdated(self):
        """Light run: the partners marked since (invoices, orders, complaints changed).

        Reads the oldest marks, re-evaluates their partners in every company with a
        standard in force, then deletes exactly the marks it read: a mark written
        meanwhile stays for the next call. A company busy with another run keeps the
        marks (the others' work is kept) and the light run is retried soon.
        """
        Mark = self.env["customer.classification.mark"].sudo()
        Classification = self.env["customer.classification"].sudo()
        marks = Mark._oldest(BATCH_SIZE)
        if not marks:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        partners = self.sudo().browse({partner_id for _id, partner_id in marks})
        standards = self.env["customer.standard"].sudo().search([("state", "=", "active")])
        busy = False
        for company in standards.company_id:
            in_scope = partners._classification_partners(company)
            outcome, _stats = Classification._exclusive(
                company,
                lambda c=company, p=in_scope: Classification._run(c, p, "schedule"),
            )
            busy = busy or outcome == BUSY
        if busy:
            self._retry_soon("customer_classification.ir_cron_reclassify_outdated")
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        # a light run that began before another one answered the same marks leaves them
        Classification._quietly(Mark._forget, [mark_id for mark_id, _pid in marks])
        self.env["ir.cron"]._notify_progress(done=len(partners), remaining=Mark._count())

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def _override_classification(self, klass, reason, until=None):
        """Set the class of these customers by hand in the current company (Managers)."""
        if isinstance(klass, int):
            klass = self.env["customer.class"].browse(klass)
        self.env["customer.classification"].sudo()._set_override(
            self.env.company, self.commercial_partner_id, klass, reason, until
        )

    def _check_classification_group(self, group, label):
        if not self.env.user.has_group(group):
            raise AccessError(
                self.env._("Only Customer Classification %(group)s can do this.", group=label)
            )

    def action_reclassify(self):
        """Re-evaluate these customers now, and say what happened (classification Users)."""
        self._check_classification_group("customer_classification.group_user", self.env._("Users"))
        if not self:
            raise UserError(self.env._("Choose the customers to re-evaluate."))
        stats = self._reclassify(origin="manual")
        message = self.env._(
            "Customers re-evaluated: %(count)s. Changed class: %(changed)s.",
            count=stats["evaluated"],
            changed=stats["changed"],
        )
        if stats["postponed"]:
            message += " " + self.env._(
                "Another run is working on this company: %(count)s customers will be "
                "re-evaluated in a moment.",
                count=stats["postponed"],
            )
        return self._classification_notification(message, reload=True)

    @api.model
    def action_reclassify_all(self):
        """Reclassify every customer in the background, in batches (Managers)."""
        self._check_classification_group(
            "customer_classification.group_manager", self.env._("Managers")
        )
        standards = self.env["customer.standard"].sudo()._active_for(self.env.company)
        if not standards:
            raise UserError(
                self.env._(
                    "%(company)s has no active classification standard.",
                    company=self.env.company.name,
                )
            )
        standards._queue_run("manual")
        return self._classification_notification(
            self.env._(
                "Every customer will be re-evaluated in the background, in batches; the "
                "standard %(standard)s will say how many changed class.",
                standard=standards.display_name,
            )
        )

    def _classification_notification(self, message, reload=False):
        params = {"type": "info", "message": message}
        if reload:
            params["next"] = {"type": "ir.actions.client", "tag": "soft_reload"}
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}

    def action_remove_classification_override(self):
        """Back to the engine's class, from the partner's Classification tab (Managers)."""
        results = self.commercial_partner_id.classification_id
        results.action_remove_override()
        return True

    def action_open_classification_override(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Override the class of %(partner)s", partner=self.display_name),
            "res_model": "customer.classification.override.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_partner_ids": [self.commercial_partner_id.id]},
        }

    def action_view_classification_history(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Classification History"),
            "res_model": "customer.classification.history",
            "view_mode": "list,form",
            # changes of class and score, as counted on the button; codes have their history
            "domain": [
                ("partner_id", "=", self.commercial_partner_id.id),
                ("origin", "!=", "code"),
            ],
        }

    def action_log_tracking_record(self):
        """Quick logging from the partner form: a visit, a call, a complaint..."""
        self.ensure_one()
        record_type = self.env.context.get("tracking_record_type") or "call"
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Complaint")
            if record_type == "complaint"
            else self.env._("Log a Contact"),
            "res_model": "customer.tracking.record",
            "view_mode": "form",
            "views": [
                (
                    self.env.ref("customer_classification.customer_tracking_record_view_form").id,
                    "form",
                )
            ],
            "target": "new",
            "context": {"default_partner_id": self.id, "default_record_type": record_type},
        }

    def action_view_tracking_records(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Tracking Records"),
            "res_model": "customer.tracking.record",
            "view_mode": "list,form",
            "domain": [("commercial_partner_id", "=", self.commercial_partner_id.id)],
            "context": {"default_partner_id": self.id},
        }
