from contextlib import contextmanager

import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, mute_logger, sql
from odoo.tools.safe_eval import safe_eval

from ..engine import code_pattern

PARAM_ASSIGNMENT = "customer_classification.code_assignment"
PARAM_SCOPE = "customer_classification.code_unique_scope"
PARAM_CONTACT_CODES = "customer_classification.contact_own_code"
PARAM_BULK_REQUESTED = "customer_classification.bulk_assign_requested"
#: unique index name for each uniqueness scope
UNIQUE_INDEXES = {
    "global": "res_partner_customer_code_global_uniq",
    "company": "res_partner_customer_code_company_uniq",
}
BATCH_SIZE = 5000
#: commercial entities: companies, and individuals without a parent company
COMMERCIAL_DOMAIN = ["|", ("is_company", "=", True), ("parent_id", "=", False)]


class ResPartner(models.Model):
    _inherit = "res.partner"
    _rec_names_search = [
        "complete_name",
        "email",
        "ref",
        "vat",
        "company_registry",
        "customer_code",
    ]

    customer_code = fields.Char(
        copy=False,
        index=False,  # the unique index of the chosen scope serves searches
        help="Unique customer code. Once assigned, only a Manager can change it, "
        "through the Re-code wizard.",
    )
    customer_code_display = fields.Char(
        string="Code",
        compute="_compute_customer_code_display",
        help="The partner's own code or, for a contact without codes of its own, "
        "its company's code.",
    )
    customer_code_locked = fields.Boolean(
        compute="_compute_customer_code_locked",
        help="The saved partner has a code: only the Re-code action changes it.",
    )
    customer_code_is_own = fields.Boolean(
        compute="_compute_customer_code_is_own",
        help="The partner carries a code of its own (not its company's).",
    )
    customer_code_history_ids = fields.One2many(
        "customer.code.history", "partner_id", string="Code History"
    )
    customer_code_history_count = fields.Integer(compute="_compute_customer_code_history_count")

    @api.depends("customer_code", "commercial_partner_id.customer_code")
    @api.depends_context("company")
    def _compute_customer_code_display(self):
        own_codes = self._contacts_have_own_code()
        for partner in self:
            partner.customer_code_display = partner.customer_code or (
                not own_codes and partner.commercial_partner_id.customer_code
            )

    def _compute_customer_code_locked(self):
        for partner in self:
            partner.customer_code_locked = bool(partner._origin.customer_code)

    @api.depends("is_company", "parent_id", "customer_code")
    def _compute_customer_code_is_own(self):
        own_codes = self._contacts_have_own_code()
        for partner in self:
            partner.customer_code_is_own = bool(
                own_codes or partner.customer_code or partner.is_company or not partner.parent_id
            )

    def _compute_customer_code_history_count(self):
        counts = dict(
            self.env["customer.code.history"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.customer_code_history_count = counts.get(partner, 0)

    @api.model
    def _search_display_name(self, operator, value):
        """Old codes find their partner too, for everyone who may search partners."""
        domain = super()._search_display_name(operator, value)
        if (
            isinstance(value, str)
            and value
            and operator in ("=", "ilike", "=ilike", "like", "=like")
        ):
            # sudo: the history itself is for classification users only
            groups = (
                self.env["customer.code.history"]
                .sudo()
                ._read_group([("old_code", operator, value)], ["partner_id"])
            )
            if groups:
                domain = expression.OR([domain, [("id", "in", [p.id for (p,) in groups])]])
        return domain

    @api.model
    def _domain_from_text(self, text):
        """A partner domain typed by an administrator (schemes, settings), as a list."""
        domain = safe_eval(text or "[]", {"uid": self.env.uid})
        if not isinstance(domain, list | tuple):
            raise ValueError(self.env._("a domain must be a list"))
        return list(domain)

    @api.model
    def _check_domain_text(self, text):
        """Run a domain typed by an administrator once: one that parses but fails in SQL
        (``[('id', '=', 'abc')]``) is refused now, not at the next run or invoice.
        Raises ``ValueError`` with PostgreSQL's or the parser's words."""
        if "\x00" in (text or ""):
            raise ValueError(self.env._("the domain holds a NUL character"))
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                self.sudo().with_context(active_test=False).search_count(
                    self._domain_from_text(text), limit=1
                )
        except psycopg2.Error as err:
            raise ValueError(str(err.diag.message_primary or err)) from None

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    @api.model
    def _get_code_param(self, key, default):
        return self.env["ir.config_parameter"].sudo().get_param(key, default)

    @api.model
    def _contacts_have_own_code(self):
        return bool(self._get_code_param(PARAM_CONTACT_CODES, False))

    @api.model
    def _code_assignment_is_auto(self):
        return self._get_code_param(PARAM_ASSIGNMENT, "auto") == "auto"

    # ------------------------------------------------------------------
    # Uniqueness: a unique index, per company or global
    # ------------------------------------------------------------------
    def init(self):
        res = super().init()
        self._apply_code_unique_index(self._get_code_param(PARAM_SCOPE, "global"))
        return res

    @api.model
    def _apply_code_unique_index(self, scope):
        """Make the database enforce unique codes in ``scope`` ('global' or 'company')."""
        cr = self.env.cr
        wanted = UNIQUE_INDEXES[scope]
        if not sql.index_exists(cr, wanted):
            columns = (
                ["customer_code"]
                if scope == "global"
                else [
                    "COALESCE(company_id, 0)",
                    "customer_code",
                ]
            )
            try:
                with mute_logger("odoo.sql_db"), cr.savepoint(flush=False):
                    sql.create_unique_index(cr, wanted, self._table, columns)
            except psycopg2.errors.UniqueViolation as err:
                raise UserError(
                    self.env._(
                        "Customer codes cannot be made unique this way: some partners "
                        "share a code. Re-code them first."
                    )
                ) from err
        for name in UNIQUE_INDEXES.values():
            if name != wanted:
                sql.drop_index(cr, name, self._table)

    @contextmanager
    def _customer_code_guard(self, codes):
        """Run a change of ``codes`` in a savepoint: on any error nothing stays,
        and a unique violation becomes a clear error naming the holder."""
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                yield
        except psycopg2.errors.UniqueViolation:
            holder = (
                self.sudo()
                .with_context(active_test=False)
                .search([("customer_code", "in", codes), ("id", "not in", self.ids)], limit=1)
            )
            code = holder.customer_code or ", ".join(codes)
            if holder and self.browse(holder.id).has_access("read"):
                message = self.env._(
                    "The customer code %(code)s is already used by %(partner)s: choose "
                    "another one.",
                    code=code,
                    partner=holder.display_name,
                )
            else:
                # the holder is not the user's to know
                message = self.env._(
                    "The customer code %(code)s is already taken: choose another one.",
                    code=code,
                )
            raise ValidationError(message) from None

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        codes = [vals["customer_code"] for vals in vals_list if vals.get("customer_code")]
        if not codes:
            partners = super().create(vals_list)
            typed = self.browse()
        else:
            with self._customer_code_guard(codes):
                partners = super().create(vals_list)
                typed = partners.filtered("customer_code")
                typed._validate_typed_codes()
                self.env["customer.code.history"].sudo().create(
                    [partner._code_history_vals(False) for partner in typed]
                )
        if self._code_assignment_is_auto():
            (partners - typed).filtered(lambda p: p.customer_rank > 0)._assign_customer_codes()
        return partners

    def write(self, vals):
        if "customer_code" not in vals:
            res = super().write(vals)
            if vals.get("customer_rank") and self._code_assignment_is_auto():
                self._assign_customer_codes()
            return res
        new_code = (vals["customer_code"] or "").strip() or False
        vals = dict(vals, customer_code=new_code)
        changing = self.filtered(lambda p: p.customer_code != new_code)
        recode = self.env.context.get("customer_code_recode")
        if changing.filtered("customer_code") and not recode:
            raise UserError(
                self.env._(
                    "A customer code cannot be changed once assigned. A Manager can "
                    "change it with the Re-code action."
                )
            )
        if recode and not self.env.user.has_group("customer_classification.group_manager"):
            raise AccessError(self.env._("Only Customer Classification Managers can re-code."))
        old_codes = {partner.id: partner.customer_code for partner in changing}
        with self._customer_code_guard([new_code]):
            res = super().write(vals)
            if changing and new_code:
                changing._validate_typed_codes()
            if changing and not recode:
                self.env["customer.code.history"].sudo().create(
                    [partner._code_history_vals(old_codes[partner.id]) for partner in changing]
                )
        return res

    def unlink(self):
        """A deleted partner's code stays reserved: its history says it was held."""
        coded = self.filtered("customer_code")
        if coded:
            self.env["customer.code.history"].sudo().create(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": partner.company_id.id,
                        "old_code": partner.customer_code,
                        "new_code": False,
                        "origin": "deleted",
                        "reason": self.env._("Partner deleted: the code stays reserved."),
                    }
                    for partner in coded
                ]
            )
        return super().unlink()

    def _code_history_vals(self, old_code):
        self.ensure_one()
        return {
            "partner_id": self.id,
            "company_id": self.company_id.id,
            "old_code": old_code or False,
            "new_code": self.customer_code,
            "origin": "import" if self.env.context.get("import_file") else "manual",
        }

    def _validate_typed_codes(self):
        """Check codes typed by hand: the scheme's expression, and never reuse an old code."""
        Scheme = self.env["customer.code.scheme"].sudo()
        for partner in self:
            scheme = Scheme._scheme_for(partner)
            if scheme.validation_regex:
                try:
                    code_pattern.check_code_format(
                        partner.customer_code, scheme.validation_regex, _=self.env._
                    )
                except code_pattern.PatternError as err:
                    raise ValidationError(str(err)) from None
        previous = (
            self.env["customer.code.history"]
            .sudo()
            .search(
                [
                    ("old_code", "in", self.mapped("customer_code")),
                    ("partner_id", "not in", self.ids),
                ],
                limit=1,
            )
        )
        if previous:
            if self.browse(previous.partner_id.id).has_access("read"):
                message = self.env._(
                    "The customer code %(code)s was used by %(partner)s before; "
                    "codes are never reused.",
                    code=previous.old_code,
                    partner=previous.partner_id.display_name,
                )
            else:
                message = self.env._(
                    "The customer code %(code)s was used before; codes are never reused.",
                    code=previous.old_code,
                )
            raise ValidationError(message)

    # ------------------------------------------------------------------
    # Assignment
    # ------------------------------------------------------------------
    def _customer_code_class_prefixes(self):
        """Prefix for the ``{class}`` token per partner id; classes fill it in."""
        return {}

    @api.model
    def _not_own_partners_domain(self):
        """Never the companies' own partners nor internal users' (codes and classes alike)."""
        # a handful of companies: reading them all is cheap
        company_partners = self.env["res.company"].sudo().search([]).partner_id  # pylint: disable=no-search-all
        return [("id", "not in", company_partners.ids), "!", ("user_ids.share", "=", False)]

    def _customer_code_scope_domain(self):
        """Partners that may receive a code of their own (schemes narrow it further):
        customers as Settings say (a contact: of such a customer), never archived
        partners, never a user's partner (internal, portal or public, archived or not),
        never a company's own; whatever the schemes' domains say."""
        domain = [
            ("customer_code", "=", False),
            ("active", "=", True),
            ("user_ids", "=", False),
            *self._not_own_partners_domain(),
        ]
        customers = self._customer_code_customers_domain()
        if self._contacts_have_own_code():
            return [*domain, ("commercial_partner_id", "any", customers)]
        return [*COMMERCIAL_DOMAIN, *domain, *customers]

    @api.model
    def _customer_code_customers_domain(self):
        """The customers of the classification scope (Settings), as a domain."""
        return []

    def _assign_customer_codes(self, origin="auto"):
        """Code the partners of ``self`` in scope (contacts give way to their company)."""
        partners = self if self._contacts_have_own_code() else self.commercial_partner_id
        if not partners:
            return partners
        in_scope = partners.with_context(active_test=False).filtered_domain(
            self._customer_code_scope_domain()
        )
        return self.env["customer.code.scheme"]._assign_codes(in_scope, origin=origin)

    @api.model
    def _customer_code_candidates_domain(self):
        """Partners in scope, without a code, that an active scheme would code."""
        return self._customer_code_scope_domain() + self._code_candidates_domain()

    @api.model
    def _assign_missing_codes_batch(self, limit=BATCH_SIZE, after_id=0):
        """Code up to ``limit`` candidates with an id above ``after_id``.

        Returns ``(coded, last_id, remaining)``. Each call reads what still has
        no code, so a run that is killed half-way resumes where it stopped.
        """
        Partner = self.with_context(active_test=False)
        domain = self._customer_code_candidates_domain()
        batch = Partner.search([*domain, ("id", ">", after_id)], limit=limit, order="id")
        coded = self.env["customer.code.scheme"]._assign_codes(batch, origin="bulk")
        last_id = batch[-1:].id or after_id
        remaining = Partner.search_count([*domain, ("id", ">", last_id)]) if batch else 0
        return len(coded), last_id, remaining

    @api.model
    def _cron_assign_customer_codes(self):
        """Scheduled bulk assignment: one batch per call, progress reported to the cron.

        Runs in automatic mode (catching partners whose first invoice could not
        lock them), or when the bulk wizard queued a run in manual mode.
        """
        params = self.env["ir.config_parameter"].sudo()
        if not (self._code_assignment_is_auto() or params.get_param(PARAM_BULK_REQUESTED)):
            return
        coded, _last_id, remaining = self._assign_missing_codes_batch()
        if not remaining or not coded:
            params.set_param(PARAM_BULK_REQUESTED, False)
            remaining = 0
        self.env["ir.cron"]._notify_progress(done=coded, remaining=remaining)

    @api.model
    def _code_candidates_domain(self):
        """Partners matched by at least one active scheme."""
        schemes = self.env["customer.code.scheme"]._available()
        if not schemes:
            return [("id", "=", False)]
        return expression.OR([scheme._partner_domain() for scheme in schemes])

    @api.model
    def _write_codes_sql(self, codes):
        """Store ``{partner_id: code}`` in one UPDATE, only where no code exists yet.

        Returns the ids actually updated (a concurrent assignment wins).
        """
        self.flush_model(["customer_code"])
        values = SQL(", ").join(SQL("(%s, %s)", pid, code) for pid, code in codes.items())
        rows = self.env.execute_query(
            SQL(
                """
                UPDATE res_partner p
                   SET customer_code = v.code, write_uid = %(uid)s,
                       write_date = now() at time zone 'UTC'
                  FROM (VALUES %(values)s) AS v(id, code)
                 WHERE p.id = v.id AND p.customer_code IS NULL
             RETURNING p.id
                """,
                uid=self.env.uid,
                values=values,
            )
        )
        ids = [row[0] for row in rows]
        self.browse(ids).invalidate_recordset(["customer_code", "write_uid", "write_date"])
        self.browse(ids).modified(["customer_code"])
        return ids

    def _increase_rank(self, field, n=1):
        """A partner that becomes a customer gets its code (automatic mode)."""
        newcomers = (
            self.filtered(lambda p: not p.customer_rank)
            if field == "customer_rank"
            else self.browse()
        )
        res = super()._increase_rank(field, n=n)
        if newcomers and self._code_assignment_is_auto():
            newcomers.filtered("customer_rank")._assign_customer_codes()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_assign_customer_code(self):
        """Give the partner its code now (manual assignment mode): Users, as the form's
        button (the automatic assignment codes partners whoever creates them)."""
        self._check_classification_group("customer_classification.group_user", self.env._("Users"))
        coded = self._assign_customer_codes(origin="manual")
        if not coded:
            raise UserError(
                self.env._(
                    "No code scheme applies to %(partner)s, or it already has a code.",
                    partner=", ".join(self.mapped("display_name")),
                )
            )
        return True

    def action_open_customer_code_recode(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Re-code %(partner)s", partner=self.display_name),
            "res_model": "customer.code.recode.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    def action_view_customer_code_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_classification.customer_code_history_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
