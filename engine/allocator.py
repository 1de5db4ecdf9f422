"""Allocation: customers -> salespersons of sales teams, within their capacity.

Plain Python over plain data, no database. The caller finds the first
allocation :class:`Rule` that matches each customer, reads the memberships of
the sales teams and the current load of every salesperson (Σ of the class
weights of all their customers), and gets back one :class:`Proposal` per
customer from :func:`allocate`, plus the loads before and after.

The result only depends on the input, not on the order of the customers or of
the members: customers are processed by rule priority, then heavier first,
then by id; the candidates of a rule are sorted by user id.
"""

import statistics
from dataclasses import dataclass

LEVELS = ("director", "manager", "specialist", "assistant")  # most senior first
METHODS = ("keep", "least_loaded", "round_robin")
REASONS = ("kept", "least_loaded", "round_robin", "no_rule", "no_candidate", "full")
ASSIGNED = ("kept", "least_loaded", "round_robin")
_MOVED = {"keep": "least_loaded", "least_loaded": "least_loaded", "round_robin": "round_robin"}
EPSILON = 1e-9  # float sums such as 0.1 + 0.2 still fit a capacity of 0.3


@dataclass(frozen=True)
class Member:
    """One salesperson's membership of one sales team."""

    user_id: int
    team_id: int
    level: str | None  # one of LEVELS, or None
    capacity: float  # maximum load, >= 0


@dataclass(frozen=True)
class Rule:
    """Customers matching it go to a member of ``team_id`` with one of ``levels``."""

    id: int
    team_id: int
    levels: frozenset  # allowed levels, a subset of LEVELS
    method: str  # one of METHODS


@dataclass(frozen=True)
class Customer:
    """A customer to allocate, with its current owner and the rule it matches."""

    id: int
    user_id: int | None  # current salesperson
    team_id: int | None  # current sales team
    weight: float  # weight of its class, >= 0
    rule_id: int | None  # first matching rule; None: no rule matches


@dataclass(frozen=True)
class Proposal:
    customer_id: int
    old_user_id: int | None
    old_team_id: int | None
    new_user_id: int | None  # the old one when nothing changes
    new_team_id: int | None
    rule_id: int | None
    reason: str  # one of REASONS

    @property
    def changed(self):
        return self.new_user_id != self.old_user_id or self.new_team_id != self.old_team_id

    @property
    def assigned(self):
        return self.reason in ASSIGNED


@dataclass(frozen=True)
class Fairness:
    ratio: float | None  # maximum / minimum; None when the minimum is 0 or no user
    stdev: float  # population standard deviation
    maximum: float
    minimum: float
    mean: float


@dataclass
class Allocation:
    proposals: list[Proposal]  # one per customer, in processing order
    loads_before: dict[int, float]  # user id -> load, every user of the members
    loads_after: dict[int, float]
    capacities: dict[int, float]  # user id -> largest capacity over their memberships

    def fairness(self, after=True):
        """How evenly the load is spread over the users of the members."""
        loads = list((self.loads_after if after else self.loads_before).values())
        if not loads:
            return Fairness(ratio=None, stdev=0.0, maximum=0.0, minimum=0.0, mean=0.0)
        maximum, minimum = max(loads), min(loads)
        return Fairness(
            ratio=maximum / minimum if minimum > 0 else None,
            stdev=statistics.pstdev(loads),
            maximum=maximum,
            minimum=minimum,
            mean=statistics.fmean(loads),
        )


def _validate(customers, rules, members):
    for rule in rules:
        if rule.method not in METHODS:
            raise ValueError(f"Unknown allocation method {rule.method!r} (rule {rule.id}).")
        unknown = set(rule.levels) - set(LEVELS)
        if unknown:
            raise ValueError(f"Unknown level {sorted(unknown)[0]!r} (rule {rule.id}).")
    seen = set()
    for member in members:
        if member.level is not None and member.level not in LEVELS:
            raise ValueError(f"Unknown level {member.level!r} (user {member.user_id}).")
        if member.capacity < 0:
            raise ValueError(f"Negative capacity {member.capacity} (user {member.user_id}).")
        if (member.user_id, member.team_id) in seen:
            raise ValueError(f"User {member.user_id} is twice a member of team {member.team_id}.")
        seen.add((member.user_id, member.team_id))
    rule_ids = {rule.id for rule in rules}
    for customer in customers:
        if customer.weight < 0:
            raise ValueError(f"Negative weight {customer.weight} (customer {customer.id}).")
        if customer.rule_id is not None and customer.rule_id not in rule_ids:
            raise ValueError(f"Unknown rule {customer.rule_id} (customer {customer.id}).")


def _choose(method, candidates, running, weight, cursors, rule_id):
    """The candidate ``(user id, capacity)`` that takes ``weight``, or None if all are full."""

    def has_room(candidate):
        user_id, capacity = candidate
        return capacity > 0 and running[user_id] + weight <= capacity + EPSILON

    if method == "round_robin":
        start = cursors.get(rule_id, 0)
        for step in range(len(candidates)):
            index = (start + step) % len(candidates)
            if has_room(candidates[index]):
                cursors[rule_id] = (index + 1) % len(candidates)
                return candidates[index]
        return None
    fitting = [c for c in candidates if has_room(c)]
    if not fitting:
        return None
    return min(fitting, key=lambda c: (running[c[0]] / c[1], running[c[0]], c[0]))


def _place(customer, rule, candidates, running, loads, cursors):
    """``(new user id, new team id, reason)`` for one customer; updates ``running``."""
    owner, team = customer.user_id, customer.team_id
    if rule is None:
        return owner, team, "no_rule"
    allowed = candidates[rule.id]
    if not allowed:
        return owner, team, "no_candidate"
    if rule.method == "keep":
        capacity = dict(allowed).get(owner)
        if capacity is not None and running.get(owner, 0.0) <= capacity + EPSILON:
            return owner, rule.team_id, "kept"
    weight = float(customer.weight)
    owner_load = running.get(owner)
    if owner in loads:
        running[owner] -= weight
    chosen = _choose(rule.method, allowed, running, weight, cursors, rule.id)
    if chosen is None:
        if owner in loads:
            running[owner] = owner_load  # exactly as it was, no float drift
        return owner, team, "full"
    running[chosen[0]] += weight
    return chosen[0], rule.team_id, _MOVED[rule.method]


def allocate(customers, rules, members, loads):
    """One :class:`Proposal` per customer; no load goes above capacity because of it.

    ``rules`` in priority order, ``loads`` user id -> current load (missing: 0).
    """
    customers, rules, members = list(customers), list(rules), list(members)
    _validate(customers, rules, members)
    priority = {rule.id: index for index, rule in enumerate(rules)}
    rules_by_id = {rule.id: rule for rule in rules}
    users = sorted({member.user_id for member in members})
    capacities = dict.fromkeys(users, 0.0)
    for member in members:
        capacities[member.user_id] = max(capacities[member.user_id], float(member.capacity))
    running = dict.fromkeys(users, 0.0) | {user: float(load) for user, load in loads.items()}
    loads_before = {user_id: running[user_id] for user_id in users}
    candidates = {
        rule.id: sorted(
            (m.user_id, float(m.capacity))
            for m in members
            if m.team_id == rule.team_id and m.level in rule.levels
        )
        for rule in rules
    }
    cursors = {}
    proposals = []
    order = sorted(customers, key=lambda c: (priority.get(c.rule_id, len(rules)), -c.weight, c.id))
    for customer in order:
        rule = rules_by_id.get(customer.rule_id)
        user_id, team_id, reason = _place(customer, rule, candidates, running, loads, cursors)
        proposals.append(
            Proposal(
                customer_id=customer.id,
                old_user_id=customer.user_id,
                old_team_id=customer.team_id,
                new_user_id=user_id,
                new_team_id=team_id,
                rule_id=rule.id if rule else None,
                reason=reason,
            )
        )
    return Allocation(
        proposals=proposals,
        loads_before=loads_before,
        loads_after={user_id: running[user_id] for user_id in users},
        capacities=capacities,
    )
