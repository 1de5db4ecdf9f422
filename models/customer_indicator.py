import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_amount, formatLang

KINDS = [
    ("revenue", "Revenue"),
    ("revenue_growth", "Revenue growth (%)"),
    ("order_count", "Order count"),
    ("avg_order_value", "Average order value"),
    ("days_since_last_order", "Days since last order"),
    ("relationship_years", "Relationship (years)"),
    ("lifetime_orders", "Orders ever"),
    ("complaint_count", "Complaints"),
    ("growth_months", "Months of rising revenue"),
    ("overdue_amount", "Overdue receivable"),
    ("industry_risk", "Industry risk"),
    ("rfm_segment", "RFM segment"),
    ("abc_class", "ABC class"),
    ("lifecycle_stage", "Lifecycle stage"),
    ("customer_lifetime_value", "Lifetime value"),
    ("partner_field", "Partner field"),
]
#: kinds whose thresholds can never be negative (amounts, counts, durations)
# revenue and average order are net of refunds: below zero when refunds exceed invoices
NON_NEGATIVE_KINDS = {
    "order_count",
    "days_since_last_order",
    "relationship_years",
    "lifetime_orders",
    "complaint_count",
    "growth_months",
    "overdue_amount",
}
#: kinds whose values are amounts in the company currency
AMOUNT_KINDS = {"revenue", "avg_order_value", "overdue_amount", "customer_lifetime_value"}
#: kinds read from the customer analytics (``customer.analytics``, refreshed daily)
ANALYTICS_KINDS = {"rfm_segment", "abc_class", "lifecycle_stage", "customer_lifetime_value"}
#: kinds whose values are codes, compared as text
TEXT_KINDS = {"industry_risk", "rfm_segment", "abc_class", "lifecycle_stage"}
#: kinds counted in whole numbers
COUNT_KINDS = {"order_count", "lifetime_orders", "complaint_count"}
NUMERIC_FIELD_TYPES = ("integer", "float", "monetary", "boolean")
FIELD_TYPES = (*NUMERIC_FIELD_TYPES, "selection")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")


#: groups of the fields holding money figures: the users who may read invoices
AMOUNT_GROUPS = (
    "account.group_account_invoice,account.group_account_readonly,sales_team.group_sale_salesman"
)


class CustomerIndicator(models.Model):
    """A measure computed for all partners at once (see ``models/indicator_sql.py``)."""

    _name = "customer.indicator"
    _inherit = ["customer.input.mixin"]
    _input_ranges = {"window_months": (0, 120)}
    _description = "Classification Indicator"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical name used in rules and explanations: lower case, digits, _.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(KINDS, required=True, default="revenue")
    unit = fields.Char(help="Shown next to the value, e.g. CNY, %, days.")
    window_months = fields.Integer(
        string="Window (months)",
        help="Evaluation window of the measures that use one (revenue, orders, complaints), "
        "from 1 to 120 months; empty (0): the Evaluation Window of the Settings.",
    )
    field_id = fields.Many2one(
        "ir.model.fields",
        string="Partner Field",
        # a field removed (its module uninstalled) leaves the indicator without one: runs
        # skip it and drafts report it, rather than losing the indicator and its conditions
        ondelete="set null",
        domain="[('model', '=', 'res.partner'), ('store', '=', True), "
        "('ttype', 'in', ('integer', 'float', 'monetary', 'boolean', 'selection'))]",
        help="For partner field indicators: the numeric or selection field to read.",
    )
    is_numeric = fields.Boolean(compute="_compute_is_numeric")
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("code_uniq", "UNIQUE(code)", "An indicator code must be unique."),
        (
            "window_range",
            "CHECK(window_months >= 0 AND window_months <= 120)",
            "The window of an indicator is 1 to 120 months (0: the Evaluation Window of "
            "the Settings).",
        ),
    ]

    @api.depends("kind", "field_id")
    def _compute_is_numeric(self):
        for indicator in self:
            if indicator.kind == "partner_field":
                indicator.is_numeric = indicator.field_id.ttype in NUMERIC_FIELD_TYPES
            else:
                indicator.is_numeric = indicator.kind not in TEXT_KINDS

    @api.constrains("code")
    def _check_code(self):
        for indicator in self:
            if not CODE_RE.match(indicator.code or ""):
                raise ValidationError(
                    self.env._(
                        "The indicator code %(code)s may only hold lower-case letters, "
                        "digits and underscores, starting with a letter.",
                        code=indicator.code,
                    )
                )

    @api.constrains("kind", "field_id")
    def _check_field(self):
        for indicator in self.filtered(lambda i: i.kind == "partner_field"):
            field = indicator.field_id
            model_field = self.env["res.partner"]._fields.get(field.name) if field else None
            if (
                not field
                or field.model != "res.partner"
                or field.ttype not in FIELD_TYPES
                or not model_field
                or not model_field.store
                or model_field.company_dependent
            ):
                raise ValidationError(
                    self.env._(
                        "The indicator %(name)s needs a stored numeric or selection field "
                        "of the partner (not company-dependent); %(field)s is not one.",
                        name=indicator.name,
                        field=field.name or self.env._("no field"),
                    )
                )

    def _value_key(self):
        """The key of this indicator's value in the computed indicator values."""
        self.ensure_one()
        return self.code

    def write(self, vals):
        meaning = {"code", "kind", "field_id"} & set(vals)
        if meaning:
            # a standard in force never changes under its feet
            self._check_not_used(self)
        res = super().write(vals)
        if meaning:
            # the drafts' conditions must still fit the indicator
            conditions = (
                self.env["customer.condition"].sudo().search([("indicator_id", "in", self.ids)])
            )
            conditions._check_condition()
        if {"code", "kind", "window_months", "field_id", "active"} & set(vals):
            # the values standards in force read changed: every company re-evaluates
            self.env["customer.standard"]._queue_company_runs("config")
        return res

    @api.constrains("active")
    def _check_used_by_standards(self):
        """An indicator that a standard in force reads stays active."""
        self._check_not_used(self.filtered(lambda i: not i.active))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used_by_standards(self):
        self._check_not_used(self)

    def _check_not_used(self, indicators):
        conditions = (
            self.env["customer.condition"].sudo().search([("indicator_id", "in", indicators.ids)])
        )
        standards = conditions._standards().filtered(lambda s: s.state == "active")
        if standards:
            raise ValidationError(
                self.env._(
                    "The standard %(standard)s in force reads the indicator %(indicator)s: "
                    "make a new version of the standard without it first.",
                    standard=standards[0].display_name,
                    indicator=", ".join(indicators.mapped("name")),
                )
            )

    def _partner_field(self):
        """The stored partner field this indicator reads (None: it has none any more)."""
        self.ensure_one()
        field = self.env["res.partner"]._fields.get(self.field_id.name or "")
        return field if field is not None and field.store else None

    @api.model
    def _user_sees_amounts(self):
        """Money figures (revenue, average order, overdue…) are for users who may read
        invoices; others see classes, levels and points, not the amounts."""
        return self.env.su or (
            not self.env.user.share and self.env["account.move"].has_access("read")
        )

    @api.model
    def _hidden_amount_codes(self):
        """Codes of the money indicators the user may not see (none if they may read
        invoices): read once, for all the records a compute shows."""
        if self._user_sees_amounts():
            return frozenset()
        indicators = self.sudo().with_context(active_test=False).search([])  # pylint: disable=no-search-all
        return frozenset(
            indicator.code
            for indicator in indicators
            if indicator.kind in AMOUNT_KINDS
            or (indicator.kind == "partner_field" and indicator.field_id.ttype == "monetary")
        )

    @api.model
    def _without_amounts(self, data, money):
        """``data`` (an explanation or a history snapshot) without the values of the
        indicators ``money`` (:meth:`_hidden_amount_codes`)."""
        if not data or not money:
            return data
        data = dict(data)
        data["indicators"] = {
            code: value
            for code, value in (data.get("indicators") or {}).items()
            if code not in money
        }
        data["dimensions"] = [
            dict(
                row,
                values={
                    code: value
                    for code, value in (row.get("values") or {}).items()
                    if code not in money
                },
            )
            for row in data.get("dimensions") or []
        ]
        return data

    @api.model
    def _format_values(self, values, currency):
        """``[(name, text)]`` of indicator values ``{code: value}``, written for people:
        names in the user's language, amounts with the currency, years, days, labels."""
        by_code = {
            indicator.code: indicator
            for indicator in self.with_context(active_test=False).search(
                [("code", "in", list(values))]
            )
        }
        return [
            (indicator.name, indicator._format_value(values[code], currency))
            if indicator
            else (code, str(values[code]))
            for code, indicator in ((code, by_code.get(code)) for code in values)
        ]

    def _format_value(self, value, currency):
        """One value of this indicator as a person reads it ("¥1,200,000.00", "2.9 years")."""
        self.ensure_one()
        env, kind = self.env, self.kind
        if value is None or (value is False and kind != "partner_field"):
            return env._("no data")
        if kind in AMOUNT_KINDS:
            return format_amount(env, value, currency)
        if kind in COUNT_KINDS:
            return formatLang(env, value, digits=0)
        formatters = {
            "relationship_years": lambda: env._(
                "%(value)s years", value=formatLang(env, value, digits=1)
            ),
            "days_since_last_order": lambda: env._(
                "%(value)s days", value=formatLang(env, value, digits=0)
            ),
            "growth_months": lambda: env._(
                "%(value)s months", value=formatLang(env, value, digits=0)
            ),
            "revenue_growth": lambda: f"{formatLang(env, value, digits=1)} %",
            "industry_risk": lambda: dict(
                env["res.partner.industry"]
                ._fields["classification_risk"]
                ._description_selection(env)
            ).get(value, value),
            **{
                name: lambda name=name: dict(
                    env["customer.analytics"]._fields[name]._description_selection(env)
                ).get(value, value)
                for name in ("rfm_segment", "abc_class", "lifecycle_stage")
            },
        }
        return formatters[kind]() if kind in formatters else self._format_field_value(value)

    def _format_field_value(self, value):
        field = self.env["res.partner"]._fields.get(self.field_id.name)
        if field is None:
            return str(value)
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value or "-")
        if field.type == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        text = formatLang(self.env, value, digits=0 if field.type == "integer" else 2)
        return f"{text} {self.unit}" if self.unit else text
