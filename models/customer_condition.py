from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang

from ..engine import classifier
from .customer_indicator import NON_NEGATIVE_KINDS

OPERATORS = [
    ("=", "="),
    ("!=", "≠"),
    ("<", "<"),
    ("<=", "≤"),
    (">", ">"),
    (">=", "≥"),
    ("between", "between"),
    ("in", "in"),
]


class CustomerCondition(models.Model):
    """``indicator operator value``, on a dimension level or a class rule."""

    _name = "customer.condition"
    _inherit = ["customer.standard.mixin", "customer.input.mixin"]
    _description = "Classification Condition"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    level_id = fields.Many2one("customer.dimension.level", ondelete="cascade", index=True)
    rule_id = fields.Many2one("customer.class.rule", ondelete="cascade", index=True)
    tag_rule_id = fields.Many2one("customer.tag.rule", ondelete="cascade", index=True)
    indicator_id = fields.Many2one("customer.indicator", required=True, ondelete="restrict")
    operator = fields.Selection(OPERATORS, required=True, default=">=")
    value = fields.Float(digits=(16, 2), help="Threshold for numeric operators.")
    value_to = fields.Float(string="To", digits=(16, 2), help="Upper bound for 'between'.")
    value_text = fields.Char(
        string="Values",
        help="For = and ≠ on a selection indicator, or 'in': comma-separated values, "
        "e.g. low, medium.",
    )

    @api.depends("indicator_id", "operator", "value", "value_to", "value_text")
    def _compute_display_name(self):
        """As people read it: "Revenue ≥ 1,000,000", "Industry risk = low"."""
        labels = dict(self._fields["operator"]._description_selection(self.env))

        def number(value):
            return formatLang(self.env, value, digits=0 if value == int(value) else 2)

        for cond in self:
            indicator = cond.indicator_id
            if cond.operator == "between":
                value = f"{number(cond.value)} – {number(cond.value_to)}"
            elif cond.operator == "in" or (indicator and not indicator.is_numeric):
                value = cond.value_text or ""
            else:
                value = number(cond.value)
            cond.display_name = f"{indicator.name or ''} {labels.get(cond.operator, '')} {value}"

    @api.constrains("indicator_id", "operator", "value", "value_to", "value_text")
    def _check_condition(self):
        for cond in self:
            # a field gone with its module is reported in the draft, not refused: the new
            # version that replaces the condition must be possible
            problem = cond._problem(check_field=False)
            if problem:
                raise ValidationError(problem)

    def _unusable_indicator_problem(self, check_field=True):
        """An archived indicator; in a draft, a partner field that no longer exists (a
        standard in force goes on without it: runs skip the indicator and log it once)."""
        indicator = self.indicator_id
        if not indicator.active:
            return self.env._("The indicator %(indicator)s is archived.", indicator=indicator.name)
        if (
            check_field
            and indicator.kind == "partner_field"
            and not indicator._partner_field()
            and "active" not in self._standards().mapped("state")
        ):
            return self.env._(
                "The indicator %(indicator)s reads a partner field that does not exist (any more).",
                indicator=indicator.name,
            )
        return None

    def _problem(self, check_field=True):
        """Why this condition cannot be evaluated (an operator or value that does not fit
        its indicator), or None."""
        self.ensure_one()
        indicator = self.indicator_id
        if not indicator:
            return self.env._("A condition has no indicator.")
        unusable = self._unusable_indicator_problem(check_field)
        if unusable:
            return unusable
        try:
            classifier.check_condition(
                self.operator,
                self.value,
                self.value_to,
                self._values(),
                indicator.is_numeric,
                _=self.env._,
            )
        except classifier.StandardError as err:
            return self.env._("%(indicator)s: %(error)s", indicator=indicator.name, error=str(err))
        if not indicator.is_numeric and self.operator in ("=", "!=") and not self.value_text:
            return self.env._(
                "The indicator %(indicator)s takes text values: fill in Values.",
                indicator=indicator.name,
            )
        if indicator.kind in NON_NEGATIVE_KINDS and (self.value < 0 or self.value_to < 0):
            return self.env._(
                "The indicator %(indicator)s cannot be compared with a negative value.",
                indicator=indicator.name,
            )
        return None

    def _problems(self, where):
        """The problems of these conditions, each saying ``where`` it stands."""
        return [
            self.env._("In the %(where)s: %(problem)s", where=where, problem=problem)
            for problem in (cond._problem() for cond in self)
            if problem
        ]

    def _standards(self):
        return (
            self.level_id.dimension_id.standard_id
            | self.rule_id.standard_id
            | self.tag_rule_id.standard_id
        )

    def _values(self):
        self.ensure_one()
        return tuple(v.strip() for v in (self.value_text or "").split(",") if v.strip())

    def _to_engine(self):
        """Plain :class:`~..engine.classifier.Condition` objects for the engine."""
        conditions = []
        for cond in self:
            numeric = cond.indicator_id.is_numeric
            text_value = cond._values()[0] if cond._values() else None
            conditions.append(
                classifier.Condition(
                    indicator=cond.indicator_id._value_key(),
                    operator=cond.operator,
                    value=cond.value if numeric or cond.operator not in ("=", "!=") else text_value,
                    value_to=cond.value_to,
                    values=cond._values(),
                )
            )
        return tuple(conditions)
