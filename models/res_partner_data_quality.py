"""Customer data quality on the partner: the registration number, the normalised keys
that phone search and duplicate detection compare (stored, indexed), the completeness
of the data its class requires, and the validation of what is typed (Chinese USCC and
ID numbers, phone numbers, cooperation start)."""

import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from ..engine import uscc
from ..engine.normalize import name_key

try:
    import phonenumbers
except ImportError:  # pragma: no cover - an external dependency of the manifest
    phonenumbers = None

#: a phone search of fewer digits than this does not look into the E.164 keys
PHONE_SEARCH_MIN_DIGITS = 4
NEGATIVE_OPERATORS = expression.NEGATIVE_TERM_OPERATORS
COMPLETENESS_FIELDS = [
    "customer_completeness",
    "customer_missing_data",
    "customer_has_missing_data",
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_registration_number = fields.Char(
        string="ID / Registration No.",
        copy=False,
        help="Company registration number (in China the Unified Social Credit Code, "
        "统一社会信用代码) or a person's ID number. Masked for users without the "
        "Sensitive customer data group.",
    )
    customer_name_key = fields.Char(
        compute="_compute_customer_name_key",
        store=True,
        index="trigram",
        help="The name without case, full-width characters, punctuation and legal-form "
        "words: what duplicate detection compares.",
    )
    customer_phone_e164 = fields.Char(
        string="Phone (E.164)",
        compute="_compute_customer_phone_e164",
        store=True,
        index="btree_not_null",
    )
    customer_mobile_e164 = fields.Char(
        string="Mobile (E.164)",
        compute="_compute_customer_phone_e164",
        store=True,
        index="btree_not_null",
    )
    customer_phone_search = fields.Char(
        string="Phone Number",
        compute="_compute_customer_phone_search",
        search="_search_customer_phone_search",
        help="Search only (always empty): finds a phone or mobile number however it was "
        "typed, e.g. +86 138 1234 5678, 13812345678 or 138-1234-5678.",
    )
    customer_completeness = fields.Integer(
        string="Completeness (%)",
        compute="_compute_customer_completeness",
        help="Share of the data required by the customer's class (in the current "
        "company) that is filled in; 100 when the class requires nothing.",
    )
    customer_missing_data = fields.Char(
        string="Missing Data",
        compute="_compute_customer_completeness",
        help="The data the customer's class requires that is still empty.",
    )
    customer_has_missing_data = fields.Boolean(
        string="Has Missing Data",
        compute="_compute_customer_completeness",
        search="_search_customer_has_missing_data",
    )

    @api.depends("name")
    def _compute_customer_name_key(self):
        for partner in self:
            partner.customer_name_key = name_key(partner.name) or False

    @api.depends("phone", "mobile", "country_id")
    def _compute_customer_phone_e164(self):
        for partner in self:
            partner.customer_phone_e164 = partner._customer_e164(partner.phone)
            partner.customer_mobile_e164 = partner._customer_e164(partner.mobile)

    def _customer_e164(self, number):
        """``number`` in E.164 (``+8613812345678``) for the partner's country (else the
        company's), or False when it is not a possible number. Odoo's formatting keeps
        only valid numbers (an assigned prefix); a number of the right length in an
        unassigned range is still the same number however it is typed, so it gets its key
        too."""
        self.ensure_one()
        if not number:
            return False
        country = self.country_id or self.env.company.country_id
        e164 = self._phone_format(
            number=number, country=country, force_format="E164", raise_exception=False
        )
        if e164 or not phonenumbers:
            return e164 or False
        try:
            parsed = phonenumbers.parse(number, country.code or None)
        except phonenumbers.NumberParseException:
            return False
        if not phonenumbers.is_possible_number(parsed):
            return False
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    # ------------------------------------------------------------------
    # Phone search
    # ------------------------------------------------------------------
    def _compute_customer_phone_search(self):
        # a search-only field: its value would only repeat (and leak) the phone numbers
        self.customer_phone_search = False

    def _search_customer_phone_search(self, operator, value):
        """Phone or mobile, typed in any format: the E.164 form of ``value`` (in the
        current company's country), its digits inside the E.164 keys, or the raw text."""
        if operator not in ("=", "!=", "ilike", "not ilike", "like", "not like"):
            raise ValidationError(
                self.env._("The phone search does not support %(operator)s.", operator=operator)
            )
        if not value or not isinstance(value, str):
            # no number at all (= False), or any number (!= False)
            combine = expression.OR if operator in NEGATIVE_OPERATORS else expression.AND
            return combine([[("phone", operator, value)], [("mobile", operator, value)]])
        domains = [[("phone", "ilike", value)], [("mobile", "ilike", value)]]
        e164 = self._phone_format(
            number=value, country=self.env.company.country_id, force_format="E164"
        )
        if e164:
            domains += [[("customer_phone_e164", "=", e164)], [("customer_mobile_e164", "=", e164)]]
        digits = re.sub(r"\D", "", value)
        if len(digits) >= PHONE_SEARCH_MIN_DIGITS:
            domains += [
                [("customer_phone_e164", "like", digits)],
                [("customer_mobile_e164", "like", digits)],
            ]
        domain = expression.OR(domains)
        return ["!", *domain] if operator in NEGATIVE_OPERATORS else domain

    # ------------------------------------------------------------------
    # Completeness of the data required by the class
    # ------------------------------------------------------------------
    @api.depends("customer_class_id")
    @api.depends_context("company")
    def _compute_customer_completeness(self):
        names = self._customer_required_fields()
        # whether a field is empty, not its value: also for fields the user may not read
        for partner, data in zip(self, self.sudo(), strict=True):
            required = names.get(partner.customer_class_id.id, {})
            missing = [label for name, label in required.items() if not data[name]]
            partner.customer_missing_data = ", ".join(missing) or False
            partner.customer_has_missing_data = bool(missing)
            partner.customer_completeness = (
                round(100 * (len(required) - len(missing)) / len(required)) if required else 100
            )

    @api.model
    def _customer_required_fields(self):
        """``{class id: {field name: field label}}`` of the classes (archived ones too,
        customers may still hold them) that require data; labels in the user's language."""
        classes = (
            self.env["customer.class"]
            .sudo()
            .with_context(active_test=False)
            .search([("required_field_ids", "!=", False)])
        )
        return {
            klass.id: {
                field.name: field.field_description
                for field in klass.required_field_ids.sorted(lambda f: (f.field_description, f.id))
                if field.name in self._fields
            }
            for klass in classes
        }

    @api.model
    def _customer_missing_data_domain(self):
        """Domain of the partners lacking data that their class (in the current company)
        requires: an OR over the classes of ``[class = C and (f1 empty or f2 empty …)]``,
        a pure ORM domain (one query whatever the number of partners)."""
        domains = [
            expression.AND(
                [
                    [("customer_class_id", "=", class_id)],
                    expression.OR([[(name, "=", False)] for name in required]),
                ]
            )
            for class_id, required in self._customer_required_fields().items()
            if required
        ]
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN

    def _search_customer_has_missing_data(self, operator, value):
        if operator not in ("=", "!="):
            raise ValidationError(
                self.env._(
                    "Search missing data with = or != only, not %(operator)s.", operator=operator
                )
            )
        domain = self._customer_missing_data_domain()
        return domain if (operator == "=") == bool(value) else ["!", *domain]

    # ------------------------------------------------------------------
    # Validation of what is typed
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._customer_normalize_ids(vals) for vals in vals_list])

    def write(self, vals):
        res = super().write(self._customer_normalize_ids(vals))
        # which fields the completeness depends on is configuration, not declared depends
        self.invalidate_recordset(COMPLETENESS_FIELDS)
        return res

    @api.model
    def _customer_normalize_ids(self, vals):
        """``vals`` with a USCC or resident ID typed in lower case or with spaces stored
        upper-cased and without spaces; other values (e.g. a foreign VAT number) as typed."""
        changes = {}
        for name in ("vat", "customer_registration_number"):
            value = vals.get(name)
            if not value or not isinstance(value, str):
                continue
            code = uscc.normalize(value)
            if code != value and (uscc.is_valid_uscc(code) or uscc.is_valid_resident_id(code)):
                changes[name] = code
        return {**vals, **changes} if changes else vals

    @api.constrains("vat", "country_id", "is_company")
    def _check_customer_vat_uscc(self):
        """A Chinese company's tax ID, if set, is its Unified Social Credit Code."""
        for partner in self._customer_chinese().filtered("is_company"):
            partner._customer_check_id("vat", uscc.is_valid_uscc)

    @api.constrains("customer_registration_number", "country_id", "is_company")
    def _check_customer_registration_number(self):
        """In China, a company's registration number is its USCC, a person's their
        18-character resident ID (GB 11643-1999)."""
        for partner in self._customer_chinese():
            check = uscc.is_valid_uscc if partner.is_company else uscc.is_valid_resident_id
            partner._customer_check_id("customer_registration_number", check)

    def _customer_chinese(self):
        china = self.env.ref("base.cn", raise_if_not_found=False)
        return self.filtered(lambda partner: china and partner.country_id == china)

    def _customer_check_id(self, name, check):
        self.ensure_one()
        value = self[name]
        if not value or check(uscc.normalize(value)):
            return
        if self.is_company:
            message = self.env._(
                "The %(field)s %(value)s of %(partner)s is not a valid Unified Social Credit "
                "Code (统一社会信用代码): 18 characters, digits and capital letters except I, "
                "O, S, V and Z, the last one a check character (GB 32100-2015).",
                field=self._fields[name].get_description(self.env)["string"],
                value=value,
                partner=self.display_name,
            )
        else:
            message = self.env._(
                "The %(field)s %(value)s of %(partner)s is not a valid Chinese resident ID "
                "number: 17 digits holding the birth date, then a check digit or X "
                "(GB 11643-1999).",
                field=self._fields[name].get_description(self.env)["string"],
                value=value,
                partner=self.display_name,
            )
        raise ValidationError(message)

    @api.constrains("phone")
    def _check_customer_phone(self):
        for partner in self:
            partner._customer_check_phone("phone")

    @api.constrains("mobile")
    def _check_customer_mobile(self):
        for partner in self:
            partner._customer_check_phone("mobile")

    def _customer_check_phone(self, name):
        """Refuse a number that cannot be a phone number at all in the partner's (else the
        company's) country; a possible but unassigned number is accepted as typed."""
        self.ensure_one()
        number = self[name]
        # the stored E.164 key is the check: it exists for every possible number
        if not number or not phonenumbers or self[f"customer_{name}_e164"]:
            return
        country = self.country_id or self.env.company.country_id
        # without a country, a national number cannot be judged
        if not country and not number.strip().startswith("+"):
            return
        raise ValidationError(
            self.env._(
                "The %(field)s %(value)s of %(partner)s cannot be a phone number (country: "
                "%(country)s). Type it as dialled in that country, or with + and the "
                "country code.",
                field=self._fields[name].get_description(self.env)["string"],
                value=number,
                partner=self.display_name,
                country=country.name or self.env._("none"),
            )
        )

    @api.constrains("classification_cooperation_start")
    def _check_classification_cooperation_start(self):
        """A relationship cannot have started after today (the engine's calendar)."""
        today = self.env["customer.classification"]._today()
        for partner in self:
            start = partner.classification_cooperation_start
            if start and start > today:
                raise ValidationError(
                    self.env._(
                        "The cooperation with %(partner)s cannot start in the future "
                        "(%(date)s): today is %(today)s.",
                        partner=partner.display_name,
                        date=start,
                        today=today,
                    )
                )
