from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..engine import code_pattern

#: values used to show an example code on the scheme form
EXAMPLE_VALUES = {"class": "S", "region": "BJ", "industry": "MFG"}


class CustomerCodeScheme(models.Model):
    """How customer codes look, and which partners get which look.

    Schemes are tried in order; the first whose domain matches a partner
    gives it its code. This model also holds the set-based assignment:
    :meth:`_assign_codes` turns a recordset of partners into codes with a
    fixed number of queries per scheme and per series.
    """

    _name = "customer.code.scheme"
    _inherit = ["customer.input.mixin"]
    _description = "Customer Code Scheme"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to use this scheme in every company.",
    )
    domain = fields.Char(
        string="Applies To",
        required=True,
        default="[]",
        help="Partners this scheme codes; the first scheme whose domain matches wins.",
    )
    pattern = fields.Char(
        required=True,
        default="C{year}{seq:4}",
        help="Literal text and tokens: {class} (class prefix), {region} (the state's "
        "region in customer codes, else its code, else the country code), {industry} "
        "(industry code), {year} (year of assignment), {seq:N} (serial, N digits). Write "
        "{{ and }} for literal braces.",
    )
    default_class_prefix = fields.Char(
        help="Text used for {class} when the partner has no class (yet)."
    )
    missing_value = fields.Char(
        string="Missing Region/Industry",
        default="XX",
        help="Text used for {region} or {industry} when the partner has none.",
    )
    validation_regex = fields.Char(
        string="Validation Expression",
        help="Optional regular expression that a code typed by hand must match "
        "entirely, e.g. C\\d{8}.",
    )
    example_code = fields.Char(compute="_compute_example_code")
    series_ids = fields.One2many("customer.code.series", "scheme_id")

    @api.depends("pattern", "default_class_prefix")
    def _compute_example_code(self):
        year = str(fields.Date.context_today(self).year)
        for scheme in self:
            try:
                parts = code_pattern.parse_pattern(scheme.pattern)
            except code_pattern.PatternError:
                scheme.example_code = False
                continue
            key = code_pattern.series_key(parts, dict(EXAMPLE_VALUES, year=year))
            scheme.example_code = code_pattern.render_code(key, code_pattern.seq_width(parts), 1)

    @api.constrains("pattern")
    def _check_pattern(self):
        for scheme in self:
            try:
                code_pattern.parse_pattern(scheme.pattern, _=self.env._)
            except code_pattern.PatternError as err:
                raise ValidationError(str(err)) from err

    @api.constrains("pattern", "default_class_prefix", "missing_value")
    def _check_token_fallbacks(self):
        """A token that can render empty gives malformed codes ("-XX-0001"): each needs
        its fallback text."""
        for scheme in self:
            try:
                parts = code_pattern.parse_pattern(scheme.pattern)
            except code_pattern.PatternError:
                continue  # _check_pattern says what is wrong
            tokens = {token for token, _arg in parts}
            if "class" in tokens and not (scheme.default_class_prefix or "").strip():
                raise ValidationError(
                    self.env._(
                        "The pattern %(pattern)s uses {class}: set a Default Class Prefix for "
                        "partners without a class (or whose class has no prefix).",
                        pattern=scheme.pattern,
                    )
                )
            if tokens & {"region", "industry"} and not (scheme.missing_value or "").strip():
                raise ValidationError(
                    self.env._(
                        "The pattern %(pattern)s uses {region} or {industry}: set the text "
                        "used for partners without one (Missing Region/Industry).",
                        pattern=scheme.pattern,
                    )
                )

    @api.constrains("validation_regex")
    def _check_validation_regex(self):
        for scheme in self:
            try:
                code_pattern.check_regex(scheme.validation_regex, _=self.env._)
            except code_pattern.PatternError as err:
                raise ValidationError(str(err)) from err

    @api.constrains("domain")
    def _check_domain(self):
        for scheme in self:
            try:
                self.env["res.partner"]._check_domain_text(scheme.domain)
            except Exception as err:
                raise ValidationError(
                    self.env._(
                        "The domain %(domain)s of the code scheme %(scheme)s is not valid: "
                        "%(error)s",
                        domain=scheme.domain,
                        scheme=scheme.name,
                        error=str(err),
                    )
                ) from err

    def _get_domain(self):
        """The scheme's domain as a list."""
        self.ensure_one()
        return self.env["res.partner"]._domain_from_text(self.domain)

    def _partner_domain(self):
        """The partners this scheme codes: its domain, within its company if it has one."""
        self.ensure_one()
        domain = self._get_domain()
        if self.company_id:
            domain.append(("company_id", "in", [False, self.company_id.id]))
        return domain

    @api.model
    def _available(self):
        """Active schemes of the current companies, and shared ones, in order."""
        return self.search([("company_id", "in", [False, *self.env.companies.ids])])

    # ------------------------------------------------------------------
    # Which scheme codes which partner
    # ------------------------------------------------------------------
    @api.model
    def _match_partners(self, partners):
        """Split ``partners`` by the first matching active scheme: ``{scheme: partners}``."""
        Partner = self.env["res.partner"].with_context(active_test=False)
        remaining = set(partners.ids)
        matches = {}
        for scheme in self._available():
            if not remaining:
                break
            domain = [("id", "in", list(remaining)), *scheme._partner_domain()]
            matched = Partner.search(domain)
            if matched:
                matches[scheme] = matched
                remaining.difference_update(matched.ids)
        return matches

    @api.model
    def _scheme_for(self, partner):
        """The scheme that codes ``partner``, or an empty recordset."""
        return next(iter(self._match_partners(partner)), self.browse())

    # ------------------------------------------------------------------
    # Set-based assignment
    # ------------------------------------------------------------------
    @api.model
    def _assign_codes(self, partners, origin="auto"):
        """Give a code to every partner of ``partners`` that matches a scheme and has none.

        Returns the partners actually coded. Queries: one search per scheme,
        one per new series, one draw per series, one collision check, one
        update and one history insert, whatever the number of partners.
        """
        Partner = self.env["res.partner"]
        if not partners:
            return Partner
        partners.flush_recordset(["customer_code"])
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM res_partner WHERE id = ANY(%s) AND customer_code IS NULL",
                partners.ids,
            )
        )
        partners = Partner.browse(row[0] for row in rows)
        if not partners:
            return Partner
        codes = {}
        for scheme, matched in self.sudo()._match_partners(partners).items():
            codes.update(scheme._plan_codes(matched))
        if not codes:
            return Partner
        coded_ids = Partner._write_codes_sql(codes)
        self.env["customer.code.history"].sudo()._log_sql(
            [(pid, None, codes[pid]) for pid in coded_ids], origin
        )
        return Partner.browse(coded_ids)

    def _plan_codes(self, partners):
        """New codes for ``partners`` under this scheme: ``{partner_id: code}``."""
        self.ensure_one()
        parts = code_pattern.parse_pattern(self.pattern, _=self.env._)
        width = code_pattern.seq_width(parts)
        year = str(fields.Date.context_today(self).year)
        class_prefixes = partners._customer_code_class_prefixes()
        missing = self.missing_value or ""
        by_key = defaultdict(list)
        for partner_id, region, industry in self._token_values(partners):
            values = {
                "class": class_prefixes.get(partner_id) or self.default_class_prefix or "",
                "region": region or missing,
                "industry": industry or missing,
                "year": year,
            }
            by_key[code_pattern.series_key(parts, values)].append(partner_id)
        all_series = self.env["customer.code.series"].sudo()._get_or_create(self, by_key)
        codes = {}
        for key, partner_ids in by_key.items():
            series = all_series[key]
            pending = list(partner_ids)
            # Codes typed by hand or used before may sit on the serial's path:
            # skip them, drawing again, so a code is never given twice.
            while pending:
                drawn = [
                    code_pattern.render_code(key, width, serial)
                    for serial in series._draw(len(pending))
                ]
                taken = self._taken_codes(drawn)
                free = [code for code in drawn if code not in taken]
                for partner_id, code in zip(pending, free, strict=False):
                    codes[partner_id] = code
                pending = pending[len(free) :]
        return codes

    @api.model
    def _token_values(self, partners):
        """``(partner_id, region, industry)`` rows for ``partners``, in one query, by id."""
        self.env["res.partner"].flush_model(["state_id", "country_id", "industry_id"])
        self.env["res.country.state"].flush_model(["code", "customer_code_region"])
        self.env["res.country"].flush_model(["code"])
        self.env["res.partner.industry"].flush_model(["classification_code"])
        return self.env.execute_query(
            SQL(
                """
                SELECT p.id, COALESCE(s.customer_code_region, s.code, c.code),
                       i.classification_code
                  FROM res_partner p
             LEFT JOIN res_country_state s ON s.id = p.state_id
             LEFT JOIN res_country c ON c.id = p.country_id
             LEFT JOIN res_partner_industry i ON i.id = p.industry_id
                 WHERE p.id = ANY(%s)
              ORDER BY p.id
                """,
                partners.ids,
            )
        )

    @api.model
    def _taken_codes(self, codes):
        """Which of ``codes`` a partner holds now or held before."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT customer_code FROM res_partner WHERE customer_code = ANY(%(codes)s)
                UNION
                SELECT old_code FROM customer_code_history WHERE old_code = ANY(%(codes)s)
                """,
                codes=list(codes),
            )
        )
        return {row[0] for row in rows}
