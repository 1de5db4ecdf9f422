"""Classification: indicator values -> dimension levels -> score -> class rule.

Plain Python over plain data, no database. ``models/customer_classification.py``
builds a :class:`Standard` from the configuration of one company, feeds it the
indicator values computed in SQL by ``models/indicator_sql.py``, and stores the
:class:`Result` of :meth:`Standard.evaluate` for every partner.
"""

# Messages are translated by the caller's ``_`` (``env._``), passed in as an argument.
# pylint: disable=prefer-env-translation

import itertools
import operator
from dataclasses import dataclass, field

NUMERIC_OPERATORS = ("<", "<=", ">", ">=", "between")
OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "between", "in")
WEIGHT_TOTAL = 100.0
WEIGHT_TOLERANCE = 0.01
_COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


class StandardError(ValueError):
    """A classification standard that cannot be used; ``str()`` is the reason."""


def _plain(source, **params):
    return source % params if params else source


def _number(value):
    """``value`` as a number, or None when it is not one."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Condition:
    """``indicator operator value``; ``value_to`` for between, ``values`` for in."""

    indicator: str
    operator: str
    value: object = None
    value_to: object = None
    values: tuple = ()

    def matches(self, indicators):
        actual = indicators.get(self.indicator)
        op = self.operator
        compare = _COMPARE.get(op)
        if compare:
            return actual is not None and compare(actual, self.value)
        if actual is None:
            # a missing value matches no condition, ≠ included
            return False
        if op == "in":
            if isinstance(actual, int | float) and not isinstance(actual, bool):
                # numbers compare as numbers: 3 is in "3.0, 4"
                return any(_number(value) == actual for value in self.values)
            return actual in self.values or str(actual) in self.values
        if op in ("=", "!="):
            equal = actual == self.value or str(actual) == str(self.value)
            return equal if op == "=" else not equal
        # between
        return actual is not None and self.value <= actual <= self.value_to

    def label(self):
        if self.operator == "between":
            return f"{self.indicator} between {self.value} and {self.value_to}"
        if self.operator == "in":
            return f"{self.indicator} in {', '.join(map(str, self.values))}"
        return f"{self.indicator} {self.operator} {self.value}"


def _match(conditions, match_all, indicators):
    """No condition matches everything; else all or any of them."""
    # plain loops, no generator: this runs a million times on a full run
    if match_all:
        for condition in conditions:  # noqa: SIM110
            if not condition.matches(indicators):
                return False
        return True
    for condition in conditions:
        if condition.matches(indicators):
            return True
    return not conditions


@dataclass(frozen=True)
class Level:
    id: int
    name: str
    points: float
    conditions: tuple = ()
    match_all: bool = True


@dataclass(frozen=True)
class Dimension:
    id: int
    name: str
    weight: float
    levels: tuple  # ordered: first match wins

    def indicator_keys(self):
        """The indicators its levels look at, in the order they appear."""
        keys = (cond.indicator for level in self.levels for cond in level.conditions)
        return tuple(dict.fromkeys(keys))

    def evaluate(self, indicators):
        for level in self.levels:
            if _match(level.conditions, level.match_all, indicators):
                return level
        return None


@dataclass(frozen=True)
class Rule:
    """Class rule: required levels (any of them per dimension), a score range, conditions."""

    id: int
    name: str
    class_id: int
    levels: dict = field(default_factory=dict)  # dimension id -> frozenset of level ids
    score_min: float | None = None
    score_max: float | None = None
    conditions: tuple = ()
    match_all: bool = True

    def matches(self, levels, score, indicators):
        for dimension_id, allowed in self.levels.items():
            if levels.get(dimension_id) not in allowed:
                return False
        if self.score_min is not None and score < self.score_min:
            return False
        if self.score_max is not None and score > self.score_max:
            return False
        return _match(self.conditions, self.match_all, indicators)


@dataclass(frozen=True)
class TagRule:
    """Tag rule: the effective class, a reached level and conditions -> a tag."""

    id: int
    tag_id: int
    class_ids: frozenset = frozenset()  # empty: any class
    level_ids: frozenset = frozenset()  # empty: any level; else one of them reached
    conditions: tuple = ()
    match_all: bool = True

    def matches(self, class_id, level_ids, indicators):
        if self.class_ids and class_id not in self.class_ids:
            return False
        if self.level_ids and self.level_ids.isdisjoint(level_ids):
            return False
        return _match(self.conditions, self.match_all, indicators)


@dataclass(frozen=True)
class Result:
    class_id: int | None
    rule_id: int | None
    score: float
    levels: dict  # dimension id -> level id
    matched: tuple = ()  # the matched Level (or None) of each dimension, in order

    def explanation(self, standard, indicators):
        """Everything the partner form shows: values, levels, points, weights, rule."""
        dims = []
        matched = self.matched or [
            next((lv for lv in dim.levels if lv.id == self.levels.get(dim.id)), None)
            for dim in standard.dimensions
        ]
        for dim, level in zip(standard.dimensions, matched, strict=True):
            points = level.points if level else 0.0
            dims.append(
                {
                    "dimension": dim.name,
                    "weight": dim.weight,
                    "level": level.name if level else None,
                    "points": points,
                    "contribution": round(dim.weight * points / WEIGHT_TOTAL, 2),
                }
            )
        rule = next((r for r in standard.rules if r.id == self.rule_id), None)
        return {
            "indicators": dict(sorted(indicators.items())),
            "dimensions": dims,
            "rule": rule.name if rule else None,
        }


@dataclass(frozen=True)
class Standard:
    dimensions: tuple
    rules: tuple  # ordered: first match wins
    tag_rules: tuple = ()  # every matching rule adds its tag
    id: int | None = None  # the ``customer.standard`` it was built from

    def tags(self, class_id, result, indicators):
        """Tags that ``result`` (and the effective ``class_id``) earn."""
        levels = result.levels.values()
        return {
            rule.tag_id for rule in self.tag_rules if rule.matches(class_id, levels, indicators)
        }

    def managed_tags(self):
        return {rule.tag_id for rule in self.tag_rules}

    def evaluate(self, indicators):
        """Levels, score (0-100, Σ weight × points / 100) and class for one partner."""
        levels = {}
        matched = []
        score = 0.0
        for dim in self.dimensions:
            level = dim.evaluate(indicators)
            matched.append(level)
            if level:
                levels[dim.id] = level.id
                score += dim.weight * level.points / WEIGHT_TOTAL
        score = round(score, 2)
        rule = None
        for candidate in self.rules:
            if candidate.matches(levels, score, indicators):
                rule = candidate
                break
        return Result(
            class_id=rule.class_id if rule else None,
            rule_id=rule.id if rule else None,
            score=score,
            levels=levels,
            matched=tuple(matched),
        )


# ----------------------------------------------------------------------
# Validation of a standard, shared by the configuration models
# ----------------------------------------------------------------------
def check_weights(weights, _=_plain):
    """Weights of the dimensions of a standard must total 100."""
    total = round(sum(weights), 4)
    if weights and abs(total - WEIGHT_TOTAL) > WEIGHT_TOLERANCE:
        shown = f"{total:g}"
        raise StandardError(
            _(
                "The weights of the dimensions must total 100 %%, not %(total)s %%.",
                total=shown,
            )
        )


def check_condition(operator, value, value_to, values, numeric, _=_plain):
    """An operator that fits its indicator, and values of the right type and order."""
    if operator not in OPERATORS:
        raise StandardError(_("Unknown operator %(operator)s.", operator=operator))
    if operator in NUMERIC_OPERATORS and not numeric:
        raise StandardError(
            _(
                "The operator %(operator)s needs a numeric indicator.",
                operator=operator,
            )
        )
    if operator == "in" and not values:
        raise StandardError(_("The operator 'in' needs at least one value."))
    if operator == "between" and value is not None and value_to is not None and value > value_to:
        raise StandardError(
            _(
                "The range %(low)s to %(high)s is inverted.",
                low=value,
                high=value_to,
            )
        )


def check_levels(dimension_name, levels, _=_plain):
    """A dimension needs levels, the last one a catch-all, and no unreachable level.

    ``levels`` is an ordered list of ``(name, has_conditions)``.
    """
    if not levels:
        raise StandardError(_("The dimension %(dim)s has no level.", dim=dimension_name))
    if levels[-1][1]:
        raise StandardError(
            _(
                "The last level of the dimension %(dim)s must be a catch-all level "
                "(a level without conditions).",
                dim=dimension_name,
            )
        )
    catch_alls = [name for name, has_conditions in levels[:-1] if not has_conditions]
    if catch_alls:
        raise StandardError(
            _(
                "The level %(level)s of the dimension %(dim)s has no conditions, so the "
                "levels after it can never be reached.",
                level=catch_alls[0],
                dim=dimension_name,
            )
        )


def check_bands(dimension_name, bands, _=_plain):
    """Numeric ``between`` bands on one indicator may not overlap.

    ``bands`` is a list of ``(level name, indicator, low, high)``.
    """
    by_indicator = {}
    for name, indicator, low, high in bands:
        by_indicator.setdefault(indicator, []).append((low, high, name))
    for indicator, items in by_indicator.items():
        items.sort()
        for (low1, high1, name1), (low2, _high2, name2) in itertools.pairwise(items):
            if low2 <= high1 and low1 <= low2:
                raise StandardError(
                    _(
                        "In the dimension %(dim)s, the levels %(a)s and %(b)s have "
                        "overlapping ranges of %(indicator)s.",
                        dim=dimension_name,
                        a=name1,
                        b=name2,
                        indicator=indicator,
                    )
                )
