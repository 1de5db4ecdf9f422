"""The pure customer-allocation engine, without a database."""

import math
import random
from unittest import TestCase

from ..engine import allocator as al


def member(user, team=1, level="specialist", capacity=10.0):
    return al.Member(user_id=user, team_id=team, level=level, capacity=capacity)


def rule(rid=1, team=1, levels=("specialist",), method="least_loaded"):
    return al.Rule(id=rid, team_id=team, levels=frozenset(levels), method=method)


def customer(cid, user=None, team=None, weight=1.0, rule_id=1):
    return al.Customer(id=cid, user_id=user, team_id=team, weight=weight, rule_id=rule_id)


def owners(allocation):
    return [p.new_user_id for p in allocation.proposals]


def reasons(allocation):
    return [p.reason for p in allocation.proposals]


class TestAllocator(TestCase):
    # ------------------------------------------------------------------
    # capacity
    # ------------------------------------------------------------------
    def test_capacity_never_exceeded(self):
        members = [member(1, capacity=3), member(2, capacity=3)]
        customers = [customer(cid) for cid in range(1, 9)]
        result = al.allocate(customers, [rule()], members, {})
        self.assertEqual(reasons(result).count("least_loaded"), 6)
        self.assertEqual(reasons(result)[6:], ["full", "full"])
        self.assertEqual(owners(result)[6:], [None, None])
        self.assertEqual(result.loads_after, {1: 3.0, 2: 3.0})
        for proposal in result.proposals[6:]:
            self.assertFalse(proposal.changed)
            self.assertFalse(proposal.assigned)

    def test_capacity_zero_never_has_room(self):
        members = [member(1, capacity=0), member(2, capacity=0)]
        for method in al.METHODS:
            result = al.allocate([customer(1, weight=0)], [rule(method=method)], members, {})
            self.assertEqual(reasons(result), ["full"], method)

    def test_heavy_customer_skips_a_member_without_room(self):
        members = [member(1, capacity=10), member(2, capacity=10)]
        result = al.allocate([customer(1, weight=4)], [rule()], members, {1: 0.5, 2: 7})
        # user 2 has the higher ratio anyway; user 1 only has room
        self.assertEqual(owners(result), [1])
        result = al.allocate([customer(1, weight=4)], [rule()], members, {1: 7, 2: 6.5})
        self.assertEqual(reasons(result), ["full"])
        self.assertEqual(result.loads_after, {1: 7.0, 2: 6.5})

    # ------------------------------------------------------------------
    # least loaded
    # ------------------------------------------------------------------
    def test_least_loaded_picks_the_lowest_ratio(self):
        # user 1: 4 / 10 = 0.4, user 2: 3 / 5 = 0.6: the lower load is not the lower ratio
        members = [member(1, capacity=10), member(2, capacity=5)]
        result = al.allocate([customer(1)], [rule()], members, {1: 4, 2: 3})
        self.assertEqual(owners(result), [1])
        self.assertEqual(result.proposals[0].new_team_id, 1)
        self.assertEqual(result.loads_after, {1: 5.0, 2: 3.0})

    def test_least_loaded_ties(self):
        # same ratio 0.5: the lower load wins
        members = [member(1, capacity=4), member(2, capacity=2)]
        result = al.allocate([customer(1, weight=0)], [rule()], members, {1: 2, 2: 1})
        self.assertEqual(owners(result), [2])
        # same ratio and load: the lower user id wins, whatever the order of the members
        members = [member(7), member(3), member(5)]
        result = al.allocate([customer(1)], [rule()], members, {})
        self.assertEqual(owners(result), [3])

    def test_least_loaded_spreads_evenly(self):
        members = [member(1), member(2), member(3)]
        customers = [customer(cid) for cid in range(9)]
        result = al.allocate(customers, [rule()], members, {2: 2})
        self.assertEqual(result.loads_after, {1: 4.0, 2: 4.0, 3: 3.0})
        self.assertEqual(owners(result)[:3], [1, 3, 1])

    # ------------------------------------------------------------------
    # round robin
    # ------------------------------------------------------------------
    def test_round_robin_cycles_in_user_order(self):
        members = [member(30), member(10), member(20)]
        customers = [customer(cid) for cid in range(5)]
        result = al.allocate(customers, [rule(method="round_robin")], members, {10: 5})
        # the load does not matter, only the order
        self.assertEqual(owners(result), [10, 20, 30, 10, 20])
        self.assertEqual(set(reasons(result)), {"round_robin"})

    def test_round_robin_skips_full_candidates(self):
        members = [member(1), member(2, capacity=1), member(3)]
        customers = [customer(cid) for cid in range(6)]
        result = al.allocate(customers, [rule(method="round_robin")], members, {2: 1})
        self.assertEqual(owners(result), [1, 3, 1, 3, 1, 3])
        self.assertEqual(result.loads_after[2], 1.0)

    def test_round_robin_cursor_per_rule(self):
        rules = [rule(1, method="round_robin"), rule(2, method="round_robin")]
        members = [member(1), member(2), member(3)]
        customers = [customer(1, rule_id=1), customer(2, rule_id=2), customer(3, rule_id=2)]
        result = al.allocate(customers, rules, members, {})
        # rule 1 takes user 1; rule 2 starts again from the first candidate
        self.assertEqual(owners(result), [1, 1, 2])

    # ------------------------------------------------------------------
    # keep
    # ------------------------------------------------------------------
    def test_keep_a_fitting_owner(self):
        members = [member(1), member(2)]
        customers = [customer(1, user=2, team=9, weight=3)]
        result = al.allocate(customers, [rule(method="keep")], members, {1: 0, 2: 8})
        proposal = result.proposals[0]
        self.assertEqual((proposal.new_user_id, proposal.new_team_id), (2, 1))
        self.assertEqual(proposal.reason, "kept")
        self.assertTrue(proposal.changed)  # the team changes
        self.assertTrue(proposal.assigned)
        self.assertEqual(result.loads_after, result.loads_before)

    def test_keep_unchanged_when_owner_and_team_fit(self):
        result = al.allocate(
            [customer(1, user=1, team=1)], [rule(method="keep")], [member(1)], {1: 1}
        )
        self.assertEqual(reasons(result), ["kept"])
        self.assertFalse(result.proposals[0].changed)

    def test_keep_moves_an_owner_not_in_the_team(self):
        members = [member(1), member(2), member(5, team=2)]
        customers = [customer(1, user=5, team=2, weight=2)]
        result = al.allocate(customers, [rule(method="keep")], members, {1: 3, 2: 1, 5: 4})
        proposal = result.proposals[0]
        self.assertEqual((proposal.new_user_id, proposal.new_team_id), (2, 1))
        self.assertEqual(proposal.reason, "least_loaded")
        self.assertEqual(result.loads_after, {1: 3.0, 2: 3.0, 5: 2.0})

    def test_keep_moves_an_owner_whose_level_is_not_allowed(self):
        members = [member(1, level="assistant"), member(2)]
        customers = [customer(1, user=1, team=1)]
        result = al.allocate(customers, [rule(method="keep")], members, {1: 1})
        self.assertEqual(owners(result), [2])
        self.assertEqual(result.loads_after, {1: 0.0, 2: 1.0})

    def test_keep_moves_an_owner_over_capacity(self):
        members = [member(1), member(2)]
        customers = [customer(1, user=1, team=1, weight=3)]
        result = al.allocate(customers, [rule(method="keep")], members, {1: 12, 2: 0})
        self.assertEqual(owners(result), [2])
        self.assertEqual(reasons(result), ["least_loaded"])
        self.assertEqual(result.loads_after, {1: 9.0, 2: 3.0})

    def test_owner_over_capacity_stays_when_nobody_has_room(self):
        members = [member(1), member(2, capacity=2)]
        customers = [customer(1, user=1, team=1, weight=3)]
        result = al.allocate(customers, [rule(method="keep")], members, {1: 12, 2: 0})
        self.assertEqual(reasons(result), ["full"])
        self.assertEqual(owners(result), [1])
        self.assertEqual(result.loads_after, {1: 12.0, 2: 0.0})

    # ------------------------------------------------------------------
    # no rule, no candidate, order
    # ------------------------------------------------------------------
    def test_no_rule_and_no_candidate_are_unchanged(self):
        rules = [rule(1, levels=("director",)), rule(2, team=3)]
        members = [member(1), member(2, level=None), member(3, team=2)]
        customers = [
            customer(1, user=1, team=1, rule_id=None),
            customer(2, user=1, team=1, rule_id=1),
            customer(3, user=2, team=1, rule_id=2),
        ]
        result = al.allocate(customers, rules, members, {1: 2, 2: 1})
        self.assertEqual(
            [(p.customer_id, p.reason) for p in result.proposals],
            [(2, "no_candidate"), (3, "no_candidate"), (1, "no_rule")],
        )
        self.assertEqual(owners(result), [1, 2, 1])
        self.assertFalse(any(p.changed or p.assigned for p in result.proposals))
        self.assertEqual(result.loads_after, result.loads_before)
        self.assertIsNone(result.proposals[2].rule_id)

    def test_processing_order(self):
        rules = [rule(5), rule(3)]
        customers = [
            customer(1, rule_id=3, weight=9),
            customer(2, rule_id=None, weight=9),
            customer(3, rule_id=5, weight=1),
            customer(4, rule_id=5, weight=2),
            customer(5, rule_id=5, weight=1),
        ]
        result = al.allocate(customers, rules, [member(1, capacity=100)], {})
        self.assertEqual([p.customer_id for p in result.proposals], [4, 3, 5, 1, 2])

    def test_deterministic_whatever_the_input_order(self):
        rules = [rule(1, method="round_robin"), rule(2, team=2, method="keep"), rule(3)]
        members = [
            member(user, team, level, capacity)
            for user, team, level, capacity in [
                (1, 1, "specialist", 6),
                (2, 1, "specialist", 5),
                (3, 1, "manager", 9),
                (3, 2, "specialist", 4),
                (4, 2, "specialist", 7),
                (5, 2, None, 3),
            ]
        ]
        rng = random.Random(7)
        customers = [
            customer(
                cid,
                user=rng.choice([None, 1, 2, 3, 4, 5]),
                team=rng.choice([None, 1, 2]),
                weight=rng.choice([0.5, 1, 2, 3]),
                rule_id=rng.choice([None, 1, 2, 3]),
            )
            for cid in range(40)
        ]
        loads = {1: 2, 3: 5, 4: 1}
        expected = al.allocate(customers, rules, members, loads)
        self.assertIn("full", reasons(expected))
        for _ in range(5):
            rng.shuffle(customers)
            rng.shuffle(members)
            result = al.allocate(customers, rules, members, loads)
            self.assertEqual(result.proposals, expected.proposals)
            self.assertEqual(result.loads_after, expected.loads_after)
            self.assertEqual(result.capacities, expected.capacities)

    # ------------------------------------------------------------------
    # loads
    # ------------------------------------------------------------------
    def test_loads_move_exactly_the_weight(self):
        members = [member(1, capacity=20), member(2, capacity=20), member(3, capacity=20)]
        customers = [
            customer(1, user=1, team=1, weight=2.5),
            customer(2, user=1, team=1, weight=1.5),
            customer(3, user=3, team=1, weight=4),
        ]
        loads = {1: 14, 2: 0, 3: 4}
        result = al.allocate(customers, [rule()], members, loads)
        self.assertEqual(result.loads_before, {1: 14.0, 2: 0.0, 3: 4.0})
        self.assertAlmostEqual(sum(result.loads_after.values()), sum(result.loads_before.values()))
        weights = {c.id: c.weight for c in customers}
        for user in result.loads_before:
            moved = sum(
                weights[p.customer_id] * ((p.new_user_id == user) - (p.old_user_id == user))
                for p in result.proposals
            )
            self.assertAlmostEqual(result.loads_after[user], result.loads_before[user] + moved)
        self.assertTrue(any(p.changed for p in result.proposals))

    def test_missing_loads_and_capacities(self):
        members = [member(1, capacity=4), member(1, team=2, capacity=9), member(2, capacity=3)]
        result = al.allocate([], [rule()], members, {1: 2, 8: 5})
        self.assertEqual(result.loads_before, {1: 2.0, 2: 0.0})
        self.assertEqual(result.capacities, {1: 9.0, 2: 3.0})
        self.assertEqual(result.proposals, [])

    def test_capacity_of_the_rule_team_membership(self):
        # user 1 may carry 9 in team 2, but only 4 in the rule's team 1
        members = [member(1, capacity=4), member(1, team=2, capacity=9)]
        result = al.allocate([customer(1, weight=3)], [rule()], members, {1: 2})
        self.assertEqual(reasons(result), ["full"])

    # ------------------------------------------------------------------
    # fairness
    # ------------------------------------------------------------------
    def test_fairness_by_hand(self):
        members = [member(1), member(2), member(3)]
        result = al.allocate([customer(1, weight=2)], [rule()], members, {1: 2, 2: 4, 3: 4})
        # before 2, 4, 4 -> after 4, 4, 4
        before = result.fairness(after=False)
        self.assertEqual((before.maximum, before.minimum), (4.0, 2.0))
        self.assertAlmostEqual(before.ratio, 2.0)
        self.assertAlmostEqual(before.mean, 10 / 3)
        # deviations -4/3, 2/3, 2/3: variance (16 + 4 + 4) / 9 / 3 = 8 / 9
        self.assertAlmostEqual(before.stdev, math.sqrt(8 / 9))
        after = result.fairness()
        self.assertEqual((after.ratio, after.stdev, after.mean), (1.0, 0.0, 4.0))

    def test_fairness_ratio_none(self):
        result = al.allocate([], [rule()], [member(1), member(2)], {1: 3})
        fairness = result.fairness()
        self.assertIsNone(fairness.ratio)
        self.assertEqual((fairness.maximum, fairness.minimum, fairness.mean), (3.0, 0.0, 1.5))
        self.assertAlmostEqual(fairness.stdev, 1.5)
        empty = al.allocate([], [], [], {}).fairness()
        self.assertEqual(empty, al.Fairness(None, 0.0, 0.0, 0.0, 0.0))

    # ------------------------------------------------------------------
    # validation
    # ------------------------------------------------------------------
    def test_validation(self):
        with self.assertRaisesRegex(ValueError, "method"):
            al.allocate([], [rule(method="random")], [], {})
        with self.assertRaisesRegex(ValueError, "level"):
            al.allocate([], [rule(levels=("boss",))], [], {})
        with self.assertRaisesRegex(ValueError, "level"):
            al.allocate([], [rule()], [member(1, level="intern")], {})
        with self.assertRaisesRegex(ValueError, "capacity"):
            al.allocate([], [rule()], [member(1, capacity=-1)], {})
        with self.assertRaisesRegex(ValueError, "weight"):
            al.allocate([customer(1, weight=-0.5)], [rule()], [member(1)], {})
        # a duplicate membership would make the result depend on the order of the members
        with self.assertRaisesRegex(ValueError, "twice"):
            al.allocate([], [rule()], [member(1), member(1, capacity=5)], {})
        with self.assertRaisesRegex(ValueError, "Unknown rule"):
            al.allocate([customer(1, rule_id=99)], [rule()], [member(1)], {})
