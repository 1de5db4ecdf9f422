"""The pure classification engine, without a database."""

from unittest import TestCase

from ..engine import classifier as cl


def level(lid, points, *conditions, match_all=True, name=None):
    return cl.Level(
        id=lid, name=name or str(lid), points=points, conditions=conditions, match_all=match_all
    )


class TestClassifier(TestCase):
    def setUp(self):
        super().setUp()
        value = cl.Dimension(
            id=1,
            name="Value",
            weight=60,
            levels=(
                level(11, 100, cl.Condition("revenue", ">=", 1_000_000)),
                level(12, 60, cl.Condition("revenue", ">=", 500_000)),
                level(13, 20),
            ),
        )
        stability = cl.Dimension(
            id=2,
            name="Stability",
            weight=40,
            levels=(
                level(21, 100, cl.Condition("years", ">=", 2), cl.Condition("complaints", "=", 0)),
                level(
                    22,
                    20,
                    cl.Condition("years", "<", 1),
                    cl.Condition("complaints", ">=", 2),
                    match_all=False,
                ),
                level(23, 60),
            ),
        )
        rules = (
            cl.Rule(
                id=1, name="Top", class_id=100, levels={1: frozenset({11}), 2: frozenset({21})}
            ),
            cl.Rule(id=2, name="Scored", class_id=200, score_min=50),
            cl.Rule(
                id=3,
                name="Risk",
                class_id=300,
                conditions=(cl.Condition("risk", "in", values=("high", "medium")),),
            ),
            cl.Rule(id=4, name="Fallback", class_id=400),
        )
        self.standard = cl.Standard(dimensions=(value, stability), rules=rules)

    def test_first_matching_level_and_rule(self):
        result = self.standard.evaluate({"revenue": 1_200_000, "years": 3, "complaints": 0})
        self.assertEqual(result.levels, {1: 11, 2: 21})
        self.assertEqual(result.score, 100)
        self.assertEqual((result.class_id, result.rule_id), (100, 1))

    def test_any_condition(self):
        result = self.standard.evaluate({"revenue": 0, "years": 5, "complaints": 3})
        self.assertEqual(result.levels[2], 22)

    def test_score_range_then_conditions_then_fallback(self):
        self.assertEqual(
            self.standard.evaluate({"revenue": 600_000, "years": 1.5, "complaints": 0}).class_id,
            200,
        )
        self.assertEqual(
            self.standard.evaluate(
                {"revenue": 0, "years": 0, "complaints": 0, "risk": "high"}
            ).class_id,
            300,
        )
        self.assertEqual(
            self.standard.evaluate({"revenue": 0, "years": 0, "complaints": 0}).class_id, 400
        )

    def test_missing_value_never_matches_a_comparison(self):
        self.assertFalse(cl.Condition("growth", ">=", 0).matches({"growth": None}))
        # a missing value is not "different from 5": it is unknown
        self.assertFalse(cl.Condition("growth", "!=", 5).matches({}))

    def test_between_is_inclusive(self):
        cond = cl.Condition("x", "between", 1, 2)
        self.assertEqual(
            [cond.matches({"x": v}) for v in (0.99, 1, 2, 2.01)], [False, True, True, False]
        )

    def test_explanation(self):
        values = {"revenue": 1_200_000, "years": 3, "complaints": 0}
        result = self.standard.evaluate(values)
        explanation = result.explanation(self.standard, values)
        self.assertEqual(explanation["rule"], "Top")
        self.assertEqual([d["contribution"] for d in explanation["dimensions"]], [60, 40])

    def test_checks(self):
        cl.check_weights([60, 30, 10])
        with self.assertRaisesRegex(cl.StandardError, "total 100"):
            cl.check_weights([60, 30])
        with self.assertRaisesRegex(cl.StandardError, "catch-all"):
            cl.check_levels("Value", [("High", True), ("Low", True)])
        with self.assertRaisesRegex(cl.StandardError, "never be reached"):
            cl.check_levels("Value", [("All", False), ("Low", False)])
        with self.assertRaisesRegex(cl.StandardError, "no level"):
            cl.check_levels("Value", [])
        with self.assertRaisesRegex(cl.StandardError, "inverted"):
            cl.check_condition("between", 10, 5, (), True)
        with self.assertRaisesRegex(cl.StandardError, "numeric"):
            cl.check_condition(">=", 1, 0, (), False)
        with self.assertRaisesRegex(cl.StandardError, "at least one value"):
            cl.check_condition("in", 0, 0, (), False)
        with self.assertRaisesRegex(cl.StandardError, "overlapping"):
            cl.check_bands("Value", [("A", "revenue", 0, 100), ("B", "revenue", 50, 200)])
        cl.check_bands("Value", [("A", "revenue", 0, 100), ("B", "revenue", 101, 200)])
