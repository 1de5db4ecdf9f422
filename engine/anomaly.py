"""Anomaly rules of the data quality report: plain Python over plain data, no database.

``models/customer_anomaly.py`` reads the revenue sums and the codes of a company's
customers in a few queries and asks these functions which of them are anomalies.
"""

import re

from . import code_pattern

JUMP, DROP = "revenue_jump", "revenue_drop"

#: what a value token of a code pattern may have rendered when the code was made
_ANY_VALUE = r"\S+?"


def revenue_change(previous, recent, factor):
    """``JUMP``, ``DROP`` or None: the revenue of the recent period against the one before.

    A jump is a recent revenue at least ``factor`` times the previous one; a drop is a
    previous revenue at least ``factor`` times the recent one, a drop to zero (or below)
    included. Only a positive previous revenue is compared: a customer who starts buying
    is new, not anomalous, and a negative previous period is reported as negative net
    revenue.
    """
    if factor <= 1:
        raise ValueError(f"The factor must be above 1, not {factor}.")
    if previous <= 0:
        return None
    if recent >= previous * factor:
        return JUMP
    if recent * factor <= previous:
        return DROP
    return None


def pattern_regex(pattern, class_prefixes=()):
    """A compiled expression matching every code ``pattern`` can render, or None when the
    pattern does not parse.

    ``{class}`` renders one of ``class_prefixes`` (any non-blank text when none are
    given), ``{region}`` and ``{industry}`` some non-blank text, ``{year}`` four digits
    and ``{seq:N}`` at least N digits (a serial outgrows its padding).
    """
    try:
        parts = code_pattern.parse_pattern(pattern)
    except code_pattern.PatternError:
        return None
    prefixes = sorted({p for p in class_prefixes if p}, key=len, reverse=True)
    out = []
    for kind, arg in parts:
        if kind == "text":
            out.append(re.escape(arg))
        elif kind == code_pattern.SEQ_TOKEN:
            out.append(rf"\d{{{arg},}}")
        elif kind == "year":
            out.append(r"\d{4}")
        elif kind == "class" and prefixes:
            out.append("(?:" + "|".join(re.escape(p) for p in prefixes) + ")")
        else:
            out.append(_ANY_VALUE)
    return re.compile("".join(out))


def code_matches(code, schemes):
    """Whether ``code`` fits one of ``schemes``: ``(pattern expression, validation
    expression)`` pairs, either of them None. A code fits a scheme when its pattern could
    have rendered it, or when it matches the scheme's validation expression (a code typed
    by hand is checked against that expression only)."""
    for pattern_re, validation in schemes:
        if pattern_re is not None and pattern_re.fullmatch(code):
            return True
        if validation and re.fullmatch(validation, code):
            return True
    return False
