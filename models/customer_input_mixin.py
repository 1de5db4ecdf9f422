"""Bad input gets a clear error before it reaches the ORM or PostgreSQL.

Values that would crash on save with an error nobody can read (NaN, infinities, numbers
out of range, text for a number, a NUL character, a choice that is not offered, a record
that does not exist) are refused with a translated :class:`ValidationError` naming the
field, and nothing is saved.
"""

import math
from numbers import Number

from odoo import api, fields, models
from odoo.exceptions import ValidationError

#: PostgreSQL's ``integer``
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
#: no configuration number needs more; beyond, floats lose their cents
FLOAT_LIMIT = 1e15


def check_input(model, vals, names=None):
    """Refuse bad values of ``vals`` for ``model`` (only ``names`` when given)."""
    ranges = getattr(model, "_input_ranges", {})
    for name, value in vals.items():
        field = model._fields.get(name)
        if field is None or (names is not None and name not in names):
            continue
        problem = _problem(model, field, value, ranges.get(name))
        if problem:
            raise ValidationError(
                model.env._(
                    "%(field)s: %(problem)s",
                    field=field.get_description(model.env)["string"],
                    problem=problem,
                )
            )


def _problem(model, field, value, bounds):
    """What is wrong with ``value`` for ``field`` (None: nothing)."""
    if value is None or (value is False and field.type != "boolean"):
        return None
    check = _CHECKS.get(field.type)
    return check(model.env, field, value, bounds) if check else None


def _number_problem(env, field, value, bounds):
    if isinstance(value, bool) or not isinstance(value, Number):
        return env._("a number is expected, not %(value)r.", value=value)
    if not math.isfinite(value):
        return env._("%(value)s is not a number one can use.", value=value)
    if field.type == "integer" and (value != int(value) or not INT_MIN <= value <= INT_MAX):
        return env._("%(value)s is not a whole number in range.", value=value)
    low, high = bounds or (-FLOAT_LIMIT, FLOAT_LIMIT)
    if not low <= value <= high:
        return env._(
            "%(value)s is out of range (%(low)s to %(high)s).", value=value, low=low, high=high
        )
    return None


def _text_problem(env, field, value, bounds):
    if not isinstance(value, str):
        return env._("a text is expected, not %(value)r.", value=value)
    if "\x00" in value:
        return env._("the text holds a NUL character.")
    return None


def _boolean_problem(env, field, value, bounds):
    if value not in (True, False, 0, 1):
        return env._("yes or no is expected, not %(value)r.", value=value)
    return None


def _selection_problem(env, field, value, bounds):
    if not isinstance(value, str) or value not in dict(field._description_selection(env)):
        return env._("%(value)r is not one of the choices.", value=value)
    return None


def _record_problem(env, field, value, bounds):
    if isinstance(value, models.BaseModel):
        value = value.id
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= INT_MAX:
        return env._("%(value)r is not a record.", value=value)
    records = env[field.comodel_name].sudo().with_context(active_test=False)
    if not records.browse(value).exists():
        return env._("the record %(value)s does not exist.", value=value)
    return None


def _date_problem(env, field, value, bounds):
    try:
        (fields.Date.to_date if field.type == "date" else fields.Datetime.to_datetime)(value)
    except (TypeError, ValueError):
        return env._("%(value)r is not a date.", value=value)
    return None


_CHECKS = {
    "float": _number_problem,
    "monetary": _number_problem,
    "integer": _number_problem,
    "char": _text_problem,
    "text": _text_problem,
    "html": _text_problem,
    "boolean": _boolean_problem,
    "selection": _selection_problem,
    "many2one": _record_problem,
    "date": _date_problem,
    "datetime": _date_problem,
}


class CustomerInputMixin(models.AbstractModel):
    """Configuration records check what they are given before saving it."""

    _name = "customer.input.mixin"
    _description = "Checked Configuration Input"
    #: ``{field: (lowest, highest)}`` of numbers narrower than the defaults
    _input_ranges = {}

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_input(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_input(self, vals)
        return super().write(vals)
