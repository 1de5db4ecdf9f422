"""The classification standard of a company, as a versioned document.

A standard holds the dimensions (weights, levels, conditions), the ordered class rules
and the tag rules of one company. It is drafted, checked, previewed and activated like
an Odoo document: only drafts are edited (``customer.standard.mixin`` guards the parts),
exactly one standard per company is active (the database enforces it), and activation
archives the previous version and queues a full run recorded as a configuration change.
Indicators and classes are shared building blocks, not part of a standard.

The standard also keeps the state of the company's scheduled full run (a cursor and the
counts of the run under way), so that a killed run resumes and a finished one is reported.
Only the run writes it, under its company's lock; asking for a run (an activation, a
setting, Reclassify All) inserts a ``customer.standard.run.request`` that the next batch
answers, and a failing run is noted here for the company's administrators.
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..engine import classifier
from .customer_standard_mixin import by_sequence

STATES = [("draft", "Draft"), ("active", "Active"), ("archived", "Archived")]
RUN_ORIGINS = [
    ("schedule", "Scheduled evaluation"),
    ("manual", "Manual"),
    ("config", "Configuration change"),
]
#: ``run_cursor`` of a standard whose full run is finished
RUN_DONE = -1

_logger = logging.getLogger(__name__)


def strongest_origin(origins):
    """The origin a full run records when several asked for it (False: none)."""
    ranked = [origin for origin, _label in reversed(RUN_ORIGINS) if origin in origins]
    return ranked[0] if ranked else False


class CustomerStandard(models.Model):
    _name = "customer.standard"
    _description = "Classification Standard"
    _inherit = ["mail.thread", "mail.activity.mixin", "customer.input.mixin"]
    _order = "company_id, version desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    version = fields.Integer(readonly=True, copy=False, help="Numbered per company, from 1.")
    state = fields.Selection(
        STATES, required=True, default="draft", readonly=True, copy=False, tracking=True
    )
    activated_by_id = fields.Many2one("res.users", string="Activated by", readonly=True, copy=False)
    activated_at = fields.Datetime(string="Activated on", readonly=True, copy=False)
    dimension_ids = fields.One2many("customer.dimension", "standard_id", string="Dimensions")
    class_rule_ids = fields.One2many("customer.class.rule", "standard_id", string="Class Rules")
    tag_rule_ids = fields.One2many("customer.tag.rule", "standard_id", string="Tag Rules")
    description = fields.Text(translate=True, help="What changed in this version, and why.")
    weight_total = fields.Float(
        compute="_compute_problems",
        digits=(5, 2),
        string="Total Weight",
        help="The weights of the dimensions, as edited; they must total 100 %.",
    )
    problems = fields.Text(
        compute="_compute_problems",
        help="What must be fixed before this draft can be previewed or activated.",
    )
    # the scheduled full run of the company, written by the engine
    run_cursor = fields.Integer(
        readonly=True,
        copy=False,
        help="The last partner evaluated by the full run under way (0: to start, -1: done).",
    )
    run_origin = fields.Selection(RUN_ORIGINS, readonly=True, copy=False)
    run_evaluated = fields.Integer(readonly=True, copy=False)
    run_changed = fields.Integer(readonly=True, copy=False)
    last_run_at = fields.Datetime(string="Last Full Run", readonly=True, copy=False)
    last_run_evaluated = fields.Integer(string="Customers Evaluated", readonly=True, copy=False)
    last_run_changed = fields.Integer(string="Changed Class", readonly=True, copy=False)
    run_request_ids = fields.One2many(
        "customer.standard.run.request", "standard_id", string="Queued Restarts", readonly=True
    )
    run_queued = fields.Selection(
        RUN_ORIGINS,
        compute="_compute_run_queued",
        string="Full Run Queued",
        help="A full run is asked for and starts from the beginning at the next call of the "
        "scheduled action.",
    )
    run_error = fields.Text(
        string="Run Failure",
        readonly=True,
        copy=False,
        help="Why the runs of this company fail: its customers keep their classes until "
        "it is fixed (usually with a new version); other companies are not affected.",
    )

    _sql_constraints = [
        (
            "version_uniq",
            "UNIQUE(company_id, version)",
            "A version number is used once per company.",
        ),
        (
            "one_active_per_company",
            "EXCLUDE (company_id WITH =) WHERE (state = 'active')",
            "A company has exactly one active standard.",
        ),
    ]

    @api.depends("name", "version")
    def _compute_display_name(self):
        for standard in self:
            standard.display_name = (
                f"{standard.name} (v{standard.version})" if standard.version else standard.name
            )

    @api.depends(
        "dimension_ids.name",
        "dimension_ids.weight",
        "dimension_ids.level_ids.name",
        "dimension_ids.level_ids.sequence",
        "dimension_ids.level_ids.condition_ids.indicator_id.kind",
        "dimension_ids.level_ids.condition_ids.indicator_id.active",
        "dimension_ids.level_ids.condition_ids.indicator_id.field_id",
        "dimension_ids.level_ids.condition_ids.operator",
        "dimension_ids.level_ids.condition_ids.value",
        "dimension_ids.level_ids.condition_ids.value_to",
        "dimension_ids.level_ids.condition_ids.value_text",
        "class_rule_ids.sequence",
        "class_rule_ids.class_id",
        "class_rule_ids.level_ids",
        "class_rule_ids.score_min",
        "class_rule_ids.score_max",
        "class_rule_ids.condition_ids.indicator_id.kind",
        "class_rule_ids.condition_ids.indicator_id.active",
        "class_rule_ids.condition_ids.operator",
        "class_rule_ids.condition_ids.value",
        "class_rule_ids.condition_ids.value_to",
        "class_rule_ids.condition_ids.value_text",
        "class_rule_ids.class_id.active",
        "tag_rule_ids.level_ids",
        "tag_rule_ids.condition_ids.indicator_id.kind",
        "tag_rule_ids.condition_ids.indicator_id.active",
        "tag_rule_ids.condition_ids.operator",
        "tag_rule_ids.condition_ids.value",
        "tag_rule_ids.condition_ids.value_to",
        "tag_rule_ids.condition_ids.value_text",
    )
    def _compute_problems(self):
        """Live, while the draft is edited: the weights and everything still wrong."""
        for standard in self:
            standard.weight_total = round(sum(standard.dimension_ids.mapped("weight")), 2)
            problems = standard._problems()
            standard.problems = "\n".join(f"• {problem}" for problem in problems) or False

    # ------------------------------------------------------------------
    # Checks: a draft may be incomplete, a standard in force never is
    # ------------------------------------------------------------------
    def _problems(self):
        """Everything that keeps this standard from classifying, each naming its place."""
        self.ensure_one()
        problems = []

        def check(function, *args):
            try:
                function(*args, _=self.env._)
            except classifier.StandardError as err:
                problems.append(str(err))

        dimensions = self.dimension_ids.sorted(by_sequence)
        if not dimensions:
            problems.append(self.env._("The standard has no dimension."))
        check(classifier.check_weights, dimensions.mapped("weight"))
        for dim in dimensions:
            levels = dim.level_ids.sorted(by_sequence)
            check(
                classifier.check_levels,
                dim.name,
                [(lv.name, bool(lv.condition_ids)) for lv in levels],
            )
            check(
                classifier.check_bands,
                dim.name,
                [
                    (lv.name, c.indicator_id.code, c.value, c.value_to)
                    for lv in levels
                    for c in lv.condition_ids
                    if c.operator == "between"
                ],
            )
            for level in levels:
                where = self.env._("level %(level)s of %(dim)s", level=level.name, dim=dim.name)
                problems += level.condition_ids._problems(where)
        rules = self.class_rule_ids.sorted(by_sequence)
        if not rules:
            problems.append(self.env._("The standard has no class rule."))
        elif not rules[-1]._is_fallback():
            problems.append(
                self.env._(
                    "The last class rule, %(rule)s, must be a fallback (no levels, score range "
                    "or conditions), so that every customer gets a class.",
                    rule=rules[-1].name,
                )
            )
        own_levels = self.dimension_ids.level_ids
        for rule in rules:
            where = self.env._("rule %(rule)s", rule=rule.name)
            if rule.class_id and not rule.class_id.active:
                problems.append(
                    self.env._(
                        "The rule %(rule)s gives the archived class %(cls)s.",
                        rule=rule.name,
                        cls=rule.class_id.name,
                    )
                )
            if rule.level_ids - own_levels:
                problems.append(
                    self.env._("The rule %(rule)s uses levels of another standard.", rule=rule.name)
                )
            problems += rule.condition_ids._problems(where)
        for tag_rule in self.tag_rule_ids:
            where = self.env._("tag rule %(rule)s", rule=tag_rule.name)
            if tag_rule.level_ids - own_levels:
                problems.append(
                    self.env._(
                        "The tag rule %(rule)s uses levels of another standard.", rule=tag_rule.name
                    )
                )
            problems += tag_rule.condition_ids._problems(where)
        return problems

    def _check_complete(self):
        """Refuse a standard that cannot classify, listing every problem."""
        for standard in self:
            problems = standard._problems()
            if problems:
                raise ValidationError(
                    self.env._(
                        "The standard %(standard)s cannot be used yet:\n%(problems)s",
                        standard=standard.display_name,
                        problems="\n".join(f"• {problem}" for problem in problems),
                    )
                )

    def _to_engine(self):
        """The plain :class:`~..engine.classifier.Standard` the engine evaluates with."""
        self.ensure_one()
        try:
            self._check_complete()
        except ValidationError as err:
            raise UserError(
                self.env._(
                    "%(company)s: %(error)s", company=self.company_id.name, error=err.args[0]
                )
            ) from None
        # in their order, also for parts created in this transaction (the cache keeps
        # a one2many in the order records were added)
        return classifier.Standard(
            dimensions=self.dimension_ids.sorted(by_sequence)._to_engine(),
            rules=self.class_rule_ids.sorted(by_sequence)._to_engine(),
            tag_rules=self.tag_rule_ids.sorted(by_sequence)._to_engine(),
            id=self.id,
        )

    @api.model
    def _active_for(self, company):
        """The standard in force in ``company`` (an empty recordset if it has none)."""
        return self.search([("company_id", "=", company.id), ("state", "=", "active")], limit=1)

    def _check_admin(self):
        if not self.env.user.has_group("customer_classification.group_admin"):
            raise AccessError(
                self.env._("Only Customer Classification Administrators can change a standard.")
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("version"):
                company_id = vals.get("company_id") or self.env.company.id
                vals["version"] = self._next_version(company_id)
        return super().create(vals_list)

    @api.model
    def _next_version(self, company_id):
        rows = self.sudo()._read_group(
            [("company_id", "=", company_id)], aggregates=["version:max"]
        )
        return (rows[0][0] or 0) + 1

    def write(self, vals):
        if "company_id" in vals and any(s.state != "draft" for s in self):
            raise UserError(self.env._("Only a draft standard can move to another company."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_force(self):
        if any(standard.state != "draft" for standard in self):
            raise UserError(
                self.env._(
                    "Only drafts can be deleted: active and archived standards stay readable "
                    "for the history that names them."
                )
            )

    # ------------------------------------------------------------------
    # Versions and copies
    # ------------------------------------------------------------------
    def _copy_into(self, company, name=None, copies=None):
        """A draft copy in ``company``: dimensions, levels, conditions, rules and tag rules.

        ``copies``, when given, receives ``{source record: its copy}`` for the standard, its
        dimensions, levels and rules.
        """
        self.ensure_one()
        copies = {} if copies is None else copies
        new = copies[self] = self.copy({"company_id": company.id, "name": name or self.name})
        for dim in self.dimension_ids:
            new_dim = copies[dim] = dim.copy({"standard_id": new.id})
            for level in dim.level_ids:
                new_level = copies[level] = level.copy({"dimension_id": new_dim.id})
                for condition in level.condition_ids:
                    condition.copy({"level_id": new_level.id})
        for owner, rules in (("rule_id", self.class_rule_ids), ("tag_rule_id", self.tag_rule_ids)):
            for rule in rules:
                level_ids = [copies[lv].id for lv in rule.level_ids if lv in copies]
                new_rule = copies[rule] = rule.copy(
                    {"standard_id": new.id, "level_ids": [fields.Command.set(level_ids)]}
                )
                for condition in rule.condition_ids:
                    condition.copy({owner: new_rule.id})
        return new

    @api.model
    def _copy_with_xmlids(self, source_id, xmlid):
        """For data files: a draft copy of ``source_id`` named ``xmlid``, whose dimensions,
        levels and rules are named ``<xmlid>__<name of their source>``, so that later
        records of the file can edit the draft (weights, new levels) and activate it."""
        source = self.browse(source_id)
        copies = {}
        draft = source._copy_into(source.company_id, copies=copies)
        Data = self.env["ir.model.data"]
        names = {
            record: data.name
            for record in copies
            for data in Data.search(
                [("model", "=", record._name), ("res_id", "=", record.id)], limit=1
            )
        }
        Data.create(
            [
                {
                    "module": "customer_classification",
                    "name": xmlid
                    if record == source
                    else f"{xmlid}__{names[record].split('__')[-1]}",
                    "model": new._name,
                    "res_id": new.id,
                    "noupdate": True,
                }
                for record, new in copies.items()
                if record == source or record in names
            ]
        )
        return draft

    def action_new_version(self):
        """A draft copy of this standard, opened for editing."""
        self.ensure_one()
        self._check_admin()
        draft = self._copy_into(self.company_id)
        draft.message_post(
            body=self.env._("Drafted from %(standard)s.", standard=self.display_name)
        )
        return draft._open_form()

    def _open_form(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_copy_to_companies(self):
        """Choose companies that get a draft copy of this standard."""
        self.ensure_one()
        self._check_admin()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Copy to Companies"),
            "res_model": "customer.standard.copy.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_standard_id": self.id},
        }

    @api.model
    def _install_default_standard(self):
        """At install: the shipped standard in force in the main company, copies elsewhere."""
        default = self.env.ref("customer_classification.standard_default")
        if default.state == "draft":
            default._check_complete()
            default._activate(queue_run=False)
        self._ensure_company_standards()

    @api.model
    def _ensure_company_standards(self, companies=None):
        """Every company has a standard: a copy of the default one, active, for those without."""
        companies = companies or self.env["res.company"].search([])  # pylint: disable=no-search-all
        default = self.env.ref("customer_classification.standard_default", raise_if_not_found=False)
        if not default:
            return self.browse()
        have = set(self.with_context(active_test=False).search([]).company_id.ids)  # pylint: disable=no-search-all
        created = self.browse()
        for company in companies.filtered(lambda c: c.id not in have):
            standard = default._copy_into(company)
            standard._activate(queue_run=False)
            created |= standard
        return created

    # ------------------------------------------------------------------
    # Preview and activation
    # ------------------------------------------------------------------
    def action_preview(self):
        """Who would move where, with the revenue involved; writes nothing but the preview."""
        self.ensure_one()
        self._check_admin()
        self._check_draft_state()
        self._check_complete()
        preview = self.env["customer.standard.preview"].sudo()._compute_for(self)
        return preview.with_env(self.env)._open_form()

    def action_activate(self):
        """Put this draft in force; the previous version is archived, everyone re-evaluated."""
        self._check_admin()
        for standard in self:
            standard._check_draft_state()
            standard._check_complete()
            standard.sudo()._activate()
        return True

    def _check_draft_state(self):
        for standard in self:
            if standard.state != "draft":
                raise UserError(
                    self.env._(
                        "The standard %(standard)s is not a draft.", standard=standard.display_name
                    )
                )

    def _activate(self, queue_run=True):
        """Archive the company's active standard, activate this one, queue a full run."""
        self.ensure_one()
        previous = self._active_for(self.company_id)
        if previous:
            previous.write({"state": "archived", "run_cursor": RUN_DONE})
            previous._clear_run_failure()
            # the database allows one active standard per company: archive it first
            previous.flush_recordset()
        self.write(
            {
                "state": "active",
                "activated_by_id": self.env.uid,
                "activated_at": fields.Datetime.now(),
            }
        )
        body = (
            self.env._(
                "Activated; it replaces %(previous)s, which stays readable.",
                previous=previous.display_name,
            )
            if previous
            else self.env._("Activated.")
        )
        if queue_run:
            self._queue_run("config")
            body += " " + self.env._(
                "Every customer is re-evaluated in the background; the result is noted here."
            )
        self.message_post(body=body)

    @api.depends("run_request_ids")
    def _compute_run_queued(self):
        for standard in self:
            standard.run_queued = strongest_origin(standard.run_request_ids.mapped("origin"))

    def _queue_run(self, origin, trigger=True):
        """Start the full run of these standards' companies from the beginning, soon.

        A request is inserted, never a write on the standard: a run may be writing it, and
        asking must neither wait for it nor fail with it. The next batch of the full run
        starts over from the first partner (see :meth:`_start_run`).
        """
        self.env["customer.standard.run.request"].sudo().create(
            [{"standard_id": standard.id, "origin": origin} for standard in self]
        )
        cron = self.env.ref("customer_classification.ir_cron_reclassify", raise_if_not_found=False)
        if cron and trigger:
            cron.sudo()._trigger()

    def _start_run(self):
        """Called by the full run under its company's lock: start over if asked to.

        Queued requests restart the run from the beginning, the strongest origin winning
        (a configuration change under way stays one). Only the requests read here are
        answered: one inserted meanwhile restarts the run again at the next batch.
        """
        self.ensure_one()
        requests = self.run_request_ids
        if not requests:
            return
        origins = requests.mapped("origin")
        if self.run_cursor != RUN_DONE and self.run_origin:
            origins.append(self.run_origin)
        self.write(
            {
                "run_cursor": 0,
                "run_origin": strongest_origin(origins),
                "run_evaluated": 0,
                "run_changed": 0,
            }
        )
        requests.unlink()

    def _stop_run(self):
        """The run of this standard's company failed: it is over, its requests answered."""
        self.run_request_ids.unlink()
        self.run_cursor = RUN_DONE

    def _run_pending(self):
        """Whether these standards' full run is under way or asked for."""
        return bool(self.run_request_ids) or any(s.run_cursor != RUN_DONE for s in self)

    def _add_run_counts(self, cursor, evaluated, changed):
        """One batch of the full run is done: move the cursor, add its counts."""
        self.ensure_one()
        self.write(
            {
                "run_cursor": cursor,
                "run_evaluated": self.run_evaluated + evaluated,
                "run_changed": self.run_changed + changed,
            }
        )

    def _finish_run(self):
        """The full run of this standard's company is done: say what happened."""
        self.ensure_one()
        self.write(
            {
                "run_cursor": RUN_DONE,
                "last_run_at": fields.Datetime.now(),
                "last_run_evaluated": self.run_evaluated,
                "last_run_changed": self.run_changed,
            }
        )
        if self.run_error:
            self._clear_run_failure()
        if self.run_origin in ("config", "manual"):
            # asked for by someone (an activation, Reclassify All): tell them here
            self.message_post(
                body=self.env._(
                    "Full run finished. Customers re-evaluated: %(count)s. Changed class: "
                    "%(changed)s.",
                    count=self.run_evaluated,
                    changed=self.run_changed,
                )
            )

    @api.model
    def _queue_company_runs(self, origin="config"):
        """Restart the full run of every company from the beginning: something every
        evaluation reads changed (a setting, an indicator)."""
        self.sudo().search([("state", "=", "active")])._queue_run(origin)

    # ------------------------------------------------------------------
    # Failures: one company's, noted once, never stopping the others
    # ------------------------------------------------------------------
    def _note_run_failure(self, error):
        """A run of this standard's company failed: tell its administrators, once.

        The failure is logged, posted on the standard and given as an activity to an
        administrator, the first time it happens; the same failure again is only counted
        as known. The run of the company is skipped, the other companies go on.
        """
        if not self:
            return
        self.ensure_one()
        if isinstance(error, UserError):
            message = error.args[0]
        else:
            message = self.env._(
                "Unexpected error (%(error)s): %(detail)s",
                error=type(error).__name__,
                detail=str(error),
            )
        if self.run_error == message:
            return
        _logger.warning(
            "Classification runs skip the company %s: %s",
            self.company_id.name,
            message,
            exc_info=not isinstance(error, UserError) and error,
        )
        self.run_error = message
        self.message_post(
            body=self.env._(
                "The classification of this company's customers failed and is skipped "
                "until this is fixed: %(error)s",
                error=message,
            )
        )
        self.activity_schedule(
            "mail.mail_activity_data_warning",
            summary=self.env._("Classification runs fail"),
            note=message,
            user_id=self._failure_recipient().id,
        )

    def _failure_recipient(self):
        """Who fixes a failing standard: whoever activated it, else an administrator."""
        admins = (
            self.env.ref("customer_classification.group_admin")
            .sudo()
            .users.filtered(lambda user: self.company_id in user.company_ids and not user.share)
        )
        if self.activated_by_id in admins:
            return self.activated_by_id
        return admins[:1] or self.env.ref("base.user_admin")

    def _clear_run_failure(self):
        for standard in self.filtered("run_error"):
            standard.run_error = False
            standard.activity_unlink(["mail.mail_activity_data_warning"])
            standard.message_post(body=self.env._("The classification runs work again."))


class CustomerStandardRunRequest(models.Model):
    """A full run asked for (an activation, a setting, Reclassify All), until it starts.

    Insert-only, like the marks of the light run: asking never writes the standard, which
    the run under way may be writing, so it never waits for it nor fails with it.
    """

    _name = "customer.standard.run.request"
    _description = "Queued Full Run"
    _log_access = False

    standard_id = fields.Many2one(
        "customer.standard", required=True, index=True, ondelete="cascade"
    )
    origin = fields.Selection(RUN_ORIGINS, required=True)
