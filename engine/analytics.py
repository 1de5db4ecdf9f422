"""Customer analytics: RFM scores and segment, ABC class, lifecycle stage, lifetime value.

Plain Python over plain data, no database. ``models/analytics_sql.py`` reads the
sales :class:`Facts` of every partner as of a date D; :func:`analyse` turns them,
for all partners at once, into one :class:`Result` each. A partner without any
order up to D (or without facts) is a *prospect*: no scores, no segment, no ABC
class, values 0.

RFM (customers with at least one order):

- recency R = days from the last order to D, frequency F = orders in the window,
  monetary M = net revenue in the window;
- quintiles: score = 1 + floor(5 × worse / n), n = number of customers, worse =
  how many have a strictly worse value (more days; fewer orders; less revenue).
  Equal values share a score, whatever the order of the input;
- thresholds: recency scores 5 up to the first cut point (inclusive), 4 up to the
  second, … 1 beyond the fourth; frequency and monetary score 1 + the number of
  cut points they reach;
- FM = (F + M + 1) // 2 (the average, rounded half up); the segment is the first
  cell of the map with r_min <= R <= r_max and fm_min <= FM <= fm_max.

ABC (customers with at least one order), on the window's revenue ranked from
highest to lowest (then by partner id): the share before a customer is the
positive revenue of the customers above it / the total positive revenue × 100.
Revenue <= 0 is C; otherwise A while the share before is below the A share, B
while it is below A + B, C after. The customer that crosses 80 % is A; one that
starts at exactly 80 % is B.

Lifecycle, first match: prospect (no order); churned (R >= churn days); at risk
(R >= factor × usual interval, the median of the days between order dates, or
the new-customer period with fewer than two dates); new (first order fewer than
new days ago); reactivated (came back after a churn gap fewer than new days ago);
active.

Lifetime value = historical + predicted, where historical = lifetime net revenue,
average order value = historical / orders, orders per year = orders / max(1,
years since the first order), churn risk = 1 once R >= churn days, else
(R - usual interval) / (churn days - usual interval) within 0..1, and predicted
= max(0, average order value × orders per year × expected years), expected years
= horizon × (1 - churn risk).

Amounts are rounded to 2 decimals; the churn risk, the expected years and the
share before to 4. The share is compared once rounded: float noise such as
0.6 + 0.3 = 0.8999999999999999 never moves an ABC boundary.
"""

import bisect
import datetime
import itertools
import math
import re
from dataclasses import dataclass

SEGMENTS = (
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential_loyalist", "Potential Loyalist"),
    ("new", "New"),
    ("promising", "Promising"),
    ("need_attention", "Need Attention"),
    ("about_to_sleep", "About to Sleep"),
    ("at_risk", "At Risk"),
    ("cannot_lose", "Cannot Lose Them"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
)
#: (segment, r_min, r_max, fm_min, fm_max): covers the 5x5 grid exactly once
DEFAULT_MAP = (
    ("champions", 4, 5, 4, 5),
    ("loyal", 3, 3, 4, 5),
    ("potential_loyalist", 4, 5, 2, 3),
    ("new", 5, 5, 1, 1),
    ("promising", 4, 4, 1, 1),
    ("need_attention", 3, 3, 3, 3),
    ("about_to_sleep", 3, 3, 1, 2),
    ("at_risk", 1, 2, 3, 4),
    ("cannot_lose", 1, 2, 5, 5),
    ("hibernating", 2, 2, 1, 2),
    ("lost", 1, 1, 1, 2),
)
LIFECYCLE_STAGES = (
    ("prospect", "Prospect"),
    ("new", "New"),
    ("active", "Active"),
    ("at_risk", "At Risk"),
    ("churned", "Churned"),
    ("reactivated", "Reactivated"),
)
ABC_CLASSES = (("A", "A"), ("B", "B"), ("C", "C"))
METHODS = ("quintile", "threshold")
SCORES = range(1, 6)
DAYS_PER_YEAR = 365.25
SHARE_DIGITS = 4  # shares are compared once rounded: float noise never moves a boundary
_SEPARATORS = re.compile(r"[\s,;，；]+")


@dataclass(frozen=True)
class Settings:
    """The analytics settings of one company (defaults: those of a new company)."""

    method: str = "quintile"  # one of METHODS
    recency_cuts: tuple = (30.0, 90.0, 180.0, 365.0)  # days
    frequency_cuts: tuple = (2.0, 4.0, 8.0, 12.0)  # orders
    monetary_cuts: tuple = (10000.0, 50000.0, 200000.0, 1000000.0)
    a_share: float = 80.0  # percent
    b_share: float = 15.0
    c_share: float = 5.0
    new_days: int = 90
    at_risk_factor: float = 2.0
    churn_days: int = 365
    horizon_years: float = 3.0
    segment_map: tuple = DEFAULT_MAP


@dataclass(frozen=True)
class Facts:
    """Sales of one partner up to D (inclusive); orders are invoices or confirmed orders."""

    last_order: datetime.date | None = None
    first_order: datetime.date | None = None
    lifetime_orders: int = 0
    lifetime_revenue: float = 0.0  # net of refunds
    window_orders: int = 0
    window_revenue: float = 0.0
    median_interval: float | None = None  # days between order dates; None below 2 dates
    last_return: datetime.date | None = None  # last order after a gap >= churn days


@dataclass(frozen=True)
class Result:
    """Everything the engine says about one partner."""

    recency: int | None = None  # days since the last order
    frequency: int | None = None
    monetary: float | None = None
    r_score: int | None = None
    f_score: int | None = None
    m_score: int | None = None
    fm_score: int | None = None
    segment: str | bool = False
    abc_class: str | bool = False
    share_before: float | None = None  # percent
    lifecycle_stage: str = "prospect"
    usual_interval: float | None = None  # days
    churn_risk: float | None = None  # 0..1
    expected_years: float = 0.0
    average_order_value: float = 0.0
    orders_per_year: float = 0.0
    historical_value: float = 0.0
    predicted_value: float = 0.0
    lifetime_value: float = 0.0


PROSPECT = Result()  # what a partner without any order gets


def _quintile_table(values, higher_is_better):
    """``{value: score}`` of a collection of values (repeats count)."""
    # sorted from the worst, the first index of a value is the number of strictly worse ones
    ordered = sorted(values, reverse=not higher_is_better)
    count = len(ordered)
    table = {}
    for worse, value in enumerate(ordered):
        if value not in table:
            table[value] = 1 + 5 * worse // count
    return table


def quintile_scores(values, higher_is_better=True):
    """``{key: value}`` -> ``{key: 1..5}``: 1 + floor(5 × worse / n), ties share a score."""
    table = _quintile_table(values.values(), higher_is_better)
    return {key: table[value] for key, value in values.items()}


def threshold_score(value, cuts, higher_is_better):
    """1..5 from four increasing cut points; a value on a cut point reaches it."""
    if higher_is_better:
        return 1 + bisect.bisect_right(cuts, value)
    return 5 - bisect.bisect_left(cuts, value)


def fm_score(f_score, m_score):
    """The average of F and M, rounded half up."""
    return (f_score + m_score + 1) // 2


def segment_for(r, fm, segment_map):
    """The segment of the first cell holding (R, FM), or False."""
    for segment, r_min, r_max, fm_min, fm_max in segment_map:
        if r_min <= r <= r_max and fm_min <= fm <= fm_max:
            return segment
    return False


def map_overlaps(cells):
    """Pairs ``(i, j)``, i < j, of indexes of cells that share a grid position."""
    return [
        (i, j)
        for i, (_s1, r1, r2, f1, f2) in enumerate(cells)
        for j, (_s2, r3, r4, f3, f4) in enumerate(cells[i + 1 :], i + 1)
        if max(r1, r3) <= min(r2, r4) and max(f1, f3) <= min(f2, f4)
    ]


def map_gaps(cells):
    """The ``(r, fm)`` positions of the 5 × 5 grid that no cell covers."""
    return [(r, fm) for r in SCORES for fm in SCORES if segment_for(r, fm, cells) is False]


def parse_cuts(text):
    """``"30,90,180,365"`` -> four floats, non-negative and strictly increasing."""
    parts = [part for part in _SEPARATORS.split(text or "") if part]
    try:
        cuts = tuple(float(part) for part in parts)
    except ValueError:
        raise ValueError(f"Not a number in {text!r}.") from None
    if len(cuts) != 4:
        raise ValueError(f"Four cut points are needed, not {len(cuts)}.")
    if not all(math.isfinite(cut) for cut in cuts):
        raise ValueError(f"Not a number in {text!r}.")
    if cuts[0] < 0:
        raise ValueError("A cut point cannot be negative.")
    if any(low >= high for low, high in itertools.pairwise(cuts)):
        raise ValueError("The cut points must increase strictly.")
    return cuts


def abc_classes(revenues, a, b):
    """``{partner_id: revenue}`` -> ``{partner_id: (class, share before in %)}``."""
    total = sum(revenue for revenue in revenues.values() if revenue > 0)
    if total <= 0:
        return dict.fromkeys(revenues, ("C", None))
    # highest revenue first, then by partner id: a reversed sort keeps equal keys in order
    ranking = sorted(sorted(revenues), key=revenues.__getitem__, reverse=True)
    result = {}
    above = 0.0
    for pid in ranking:
        revenue = revenues[pid]
        share = round(above * 100 / total, SHARE_DIGITS)
        if revenue <= 0:
            result[pid] = ("C", share)
            continue
        result[pid] = ("A" if share < a else "B" if share < a + b else "C", share)
        above += revenue
    return result


def _ordered(facts):
    return facts is not None and facts.last_order is not None


def _usual_interval(facts, settings):
    if facts.median_interval is None:
        return float(settings.new_days)
    return float(facts.median_interval)


def _stage(facts, recency, usual, as_of, settings):
    if recency >= settings.churn_days:
        return "churned"
    if recency >= settings.at_risk_factor * usual:
        return "at_risk"
    if (as_of - facts.first_order).days < settings.new_days:
        return "new"
    if facts.last_return and (as_of - facts.last_return).days < settings.new_days:
        return "reactivated"
    return "active"


def lifecycle_stage(facts, as_of, settings):
    """One of LIFECYCLE_STAGES, the first that applies."""
    if not _ordered(facts):
        return "prospect"
    recency = (as_of - facts.last_order).days
    return _stage(facts, recency, _usual_interval(facts, settings), as_of, settings)


#: what :func:`_value` returns, in order: fields of :class:`Result`
VALUE_FIELDS = (
    "usual_interval",
    "churn_risk",
    "expected_years",
    "average_order_value",
    "orders_per_year",
    "historical_value",
    "predicted_value",
    "lifetime_value",
)


def _value(facts, recency, usual, as_of, settings):
    churn_days = settings.churn_days
    orders = facts.lifetime_orders
    historical = round(facts.lifetime_revenue, 2)
    aov = facts.lifetime_revenue / orders if orders else 0.0
    years = (as_of - facts.first_order).days / DAYS_PER_YEAR
    per_year = orders / years if years > 1.0 else float(orders)  # over one year at least
    if recency >= churn_days:
        risk, expected, predicted = 1.0, 0.0, 0.0
    else:
        # 0 within the usual interval, then up to 1 at the churn period
        risk = 0.0 if recency <= usual else round((recency - usual) / (churn_days - usual), 4)
        expected = round(settings.horizon_years * (1.0 - risk), 4)
        predicted = aov * per_year * expected
        predicted = round(predicted, 2) if predicted > 0 else 0.0
    ltv = round(historical + predicted, 2) if predicted else historical
    return usual, risk, expected, round(aov, 2), per_year, historical, predicted, ltv


def lifetime_value(facts, as_of, settings):
    """The lifetime value and its parts, ``{name in VALUE_FIELDS: value}``."""
    if not _ordered(facts):
        return {name: getattr(PROSPECT, name) for name in VALUE_FIELDS}
    recency = (as_of - facts.last_order).days
    value = _value(facts, recency, _usual_interval(facts, settings), as_of, settings)
    return dict(zip(VALUE_FIELDS, value, strict=True))


def _score_tables(recencies, frequencies, monetaries, settings):
    """``{value: score}`` of R, F and M, by the settings' method."""
    if settings.method == "quintile":
        return (
            _quintile_table(recencies, higher_is_better=False),
            _quintile_table(frequencies, higher_is_better=True),
            _quintile_table(monetaries, higher_is_better=True),
        )
    if settings.method != "threshold":
        raise ValueError(f"Unknown RFM method {settings.method!r}.")
    return tuple(
        {value: threshold_score(value, cuts, better) for value in set(values)}
        for values, cuts, better in (
            (recencies, settings.recency_cuts, False),
            (frequencies, settings.frequency_cuts, True),
            (monetaries, settings.monetary_cuts, True),
        )
    )


def _new_result(values):
    """A :class:`Result` of ``values``, all its fields, set at once: a frozen ``__init__``
    sets them one by one through ``object.__setattr__``, 3 times slower."""
    result = object.__new__(Result)
    object.__setattr__(result, "__dict__", values)
    return result


def analyse(facts_by_partner, as_of, settings):
    """``{partner_id: Facts or None}`` as of ``as_of`` -> ``{partner_id: Result}``."""
    customers = {pid: facts for pid, facts in facts_by_partner.items() if _ordered(facts)}
    recency = {pid: (as_of - facts.last_order).days for pid, facts in customers.items()}
    monetary = {pid: round(facts.window_revenue, 2) for pid, facts in customers.items()}
    frequencies = [facts.window_orders for facts in customers.values()]
    r_of, f_of, m_of = _score_tables(recency.values(), frequencies, monetary.values(), settings)
    grid = {(r, fm): segment_for(r, fm, settings.segment_map) for r in SCORES for fm in SCORES}
    abc = abc_classes(monetary, settings.a_share, settings.b_share)
    results = {}
    for pid, facts in facts_by_partner.items():
        days = recency.get(pid)
        if days is None:
            results[pid] = PROSPECT
            continue
        usual, risk, expected, aov, per_year, historical, predicted, ltv = _value(
            facts, days, _usual_interval(facts, settings), as_of, settings
        )
        money = monetary[pid]
        r, f, m = r_of[days], f_of[facts.window_orders], m_of[money]
        fm = (f + m + 1) // 2
        abc_class, share = abc[pid]
        results[pid] = _new_result(
            {
                "recency": days,
                "frequency": facts.window_orders,
                "monetary": money,
                "r_score": r,
                "f_score": f,
                "m_score": m,
                "fm_score": fm,
                "segment": grid.get((r, fm), False),
                "abc_class": abc_class,
                "share_before": share,
                "lifecycle_stage": _stage(facts, days, usual, as_of, settings),
                "usual_interval": usual,
                "churn_risk": risk,
                "expected_years": expected,
                "average_order_value": aov,
                "orders_per_year": per_year,
                "historical_value": historical,
                "predicted_value": predicted,
                "lifetime_value": ltv,
            }
        )
    return results
