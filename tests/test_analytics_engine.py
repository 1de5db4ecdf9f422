"""The pure analytics engine (RFM, ABC, lifecycle, lifetime value), without a database."""

import dataclasses
import itertools
import random
from datetime import date, timedelta
from unittest import TestCase

from ..engine import analytics as an

D = date(2025, 6, 30)
SETTINGS = an.Settings()  # new 90 days, at risk at 2 * the usual interval, churn 365 days


def ago(days):
    return D - timedelta(days=days)


def facts(last=None, first=None, orders=None, revenue=0.0, median=None, back=None, **window):
    """Facts of a customer whose orders are ``last`` and ``first`` days ago."""
    if last is None:
        return an.Facts()
    first = last if first is None else first
    return an.Facts(
        last_order=ago(last),
        first_order=ago(first),
        lifetime_orders=orders if orders is not None else (1 if first == last else 2),
        lifetime_revenue=revenue,
        window_orders=window.get("window_orders", 0),
        window_revenue=window.get("window_revenue", 0.0),
        median_interval=median,
        last_return=ago(back) if back is not None else None,
    )


def brute_quintiles(values, higher_is_better=True):
    """The rule written out, O(n²): 1 + floor(5 × worse / n)."""
    n = len(values)
    scores = {}
    for key, value in values.items():
        if higher_is_better:
            worse = sum(1 for other in values.values() if other < value)
        else:
            worse = sum(1 for other in values.values() if other > value)
        scores[key] = 1 + (5 * worse) // n
    return scores


class TestRfmScores(TestCase):
    def test_quintiles_of_distinct_values(self):
        values = {pid: pid * 10.0 for pid in range(1, 11)}
        scores = an.quintile_scores(values)
        self.assertEqual([scores[pid] for pid in range(1, 11)], [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        five = an.quintile_scores({1: 7, 2: 3, 3: 9, 4: 1, 5: 5})
        self.assertEqual(five, {1: 4, 2: 2, 3: 5, 4: 1, 5: 3})

    def test_quintile_ties_share_a_score(self):
        # 10, 10, 20, 30: nobody is worse than 10 -> 1; two are worse than 20 -> 1 + 10 // 4 = 3;
        # three are worse than 30 -> 1 + 15 // 4 = 4
        scores = an.quintile_scores({1: 10, 2: 10, 3: 20, 4: 30})
        self.assertEqual(scores, {1: 1, 2: 1, 3: 3, 4: 4})
        same = an.quintile_scores(dict.fromkeys(range(1, 8), 42.0))
        self.assertEqual(set(same.values()), {1})
        self.assertEqual(an.quintile_scores({1: 5}), {1: 1})
        self.assertEqual(an.quintile_scores({}), {})

    def test_quintiles_ignore_the_input_order(self):
        rng = random.Random(12)
        values = {pid: rng.choice([0, 1, 1, 2, 3, 5, 8, 8, 8, 13, 200]) for pid in range(1, 301)}
        expected = an.quintile_scores(values)
        self.assertEqual(expected, brute_quintiles(values))
        self.assertEqual(
            an.quintile_scores(values, higher_is_better=False),
            brute_quintiles(values, higher_is_better=False),
        )
        items = list(values.items())
        for _round in range(5):
            rng.shuffle(items)
            self.assertEqual(an.quintile_scores(dict(items)), expected)
        for pid, value in values.items():
            for other, other_value in values.items():
                if value == other_value:
                    self.assertEqual(expected[pid], expected[other])

    def test_recency_fewer_days_score_higher(self):
        days = {1: 3, 2: 3, 3: 40, 4: 200, 5: 900}
        scores = an.quintile_scores(days, higher_is_better=False)
        # worse = customers with strictly more days: 3 -> 3 of 5, 40 -> 2, 200 -> 1, 900 -> 0
        self.assertEqual(scores, {1: 4, 2: 4, 3: 3, 4: 2, 5: 1})

    def test_threshold_scores_at_the_cut_points(self):
        recency = SETTINGS.recency_cuts  # 30, 90, 180, 365 days
        self.assertEqual(
            [an.threshold_score(d, recency, False) for d in (0, 30, 31, 90, 91, 180, 181)],
            [5, 5, 4, 4, 3, 3, 2],
        )
        self.assertEqual([an.threshold_score(d, recency, False) for d in (365, 366)], [2, 1])
        frequency = SETTINGS.frequency_cuts  # 2, 4, 8, 12 orders
        self.assertEqual(
            [an.threshold_score(n, frequency, True) for n in (0, 1, 2, 3, 4, 7, 8, 12, 99)],
            [1, 1, 2, 2, 3, 3, 4, 5, 5],
        )
        monetary = SETTINGS.monetary_cuts  # 10,000 50,000 200,000 1,000,000
        self.assertEqual(
            [an.threshold_score(v, monetary, True) for v in (-5.0, 9999.99, 10000.0, 1e6, 2e6)],
            [1, 1, 2, 5, 5],
        )

    def test_fm_is_the_average_rounded_half_up(self):
        cases = {(1, 1): 1, (1, 2): 2, (2, 3): 3, (1, 5): 3, (2, 5): 4, (4, 5): 5, (5, 5): 5}
        for (f, m), fm in cases.items():
            self.assertEqual(an.fm_score(f, m), fm, (f, m))
            self.assertEqual(an.fm_score(m, f), fm, (m, f))


class TestSegmentMap(TestCase):
    def test_default_map_covers_the_grid_exactly_once(self):
        self.assertEqual(an.map_overlaps(an.DEFAULT_MAP), [])
        self.assertEqual(an.map_gaps(an.DEFAULT_MAP), [])
        self.assertEqual(
            [cell[0] for cell in an.DEFAULT_MAP], [code for code, _label in an.SEGMENTS]
        )

    def test_every_default_segment_is_reachable_from_scores(self):
        reached = {
            an.segment_for(r, an.fm_score(f, m), an.DEFAULT_MAP)
            for r in range(1, 6)
            for f in range(1, 6)
            for m in range(1, 6)
        }
        self.assertEqual(reached, {code for code, _label in an.SEGMENTS})

    def test_default_segments(self):
        cases = {
            (5, 5): "champions",
            (4, 4): "champions",
            (3, 5): "loyal",
            (5, 2): "potential_loyalist",
            (5, 1): "new",
            (4, 1): "promising",
            (3, 3): "need_attention",
            (3, 2): "about_to_sleep",
            (2, 4): "at_risk",
            (1, 5): "cannot_lose",
            (2, 1): "hibernating",
            (1, 2): "lost",
        }
        for (r, fm), segment in cases.items():
            self.assertEqual(an.segment_for(r, fm, an.DEFAULT_MAP), segment, (r, fm))

    def test_bad_maps(self):
        overlapping = (*an.DEFAULT_MAP, ("vip", 5, 5, 5, 5), ("sleepy", 1, 1, 1, 1))
        self.assertEqual(an.map_overlaps(overlapping), [(0, 11), (10, 12)])
        self.assertEqual(an.segment_for(5, 5, overlapping), "champions")  # first cell wins
        without_lost = an.DEFAULT_MAP[:-1]
        self.assertEqual(an.map_gaps(without_lost), [(1, 1), (1, 2)])
        self.assertIs(an.segment_for(1, 1, without_lost), False)
        self.assertEqual(len(an.map_gaps(())), 25)
        self.assertEqual(an.map_overlaps([("a", 1, 2, 1, 2), ("b", 2, 3, 2, 3)]), [(0, 1)])
        self.assertEqual(an.map_overlaps([("a", 1, 2, 1, 2), ("b", 3, 3, 1, 2)]), [])

    def test_parse_cuts(self):
        self.assertEqual(an.parse_cuts("30,90,180,365"), (30.0, 90.0, 180.0, 365.0))
        self.assertEqual(an.parse_cuts(" 0, 1.5 ,2,  1e6 "), (0.0, 1.5, 2.0, 1000000.0))
        bad = ("", "1,2,3", "1,2,3,4,5", "a,b,c,d", "-1,2,3,4", "1,1,2,3", "4,3,2,1", "1,2,3,nan")
        for text in bad:
            with self.assertRaises(ValueError, msg=text) as caught:
                an.parse_cuts(text)
            self.assertTrue(str(caught.exception))


class TestAbc(TestCase):
    def test_the_customer_crossing_the_a_share_is_a(self):
        # shares before: 0, 50, 80, 95 -> A, A (crosses 80 %), B (starts at 80 %), C
        result = an.abc_classes({1: 50.0, 2: 30.0, 3: 15.0, 4: 5.0}, 80, 15)
        self.assertEqual(result, {1: ("A", 0.0), 2: ("A", 50.0), 3: ("B", 80.0), 4: ("C", 95.0)})
        # 60, 30, 10: the second starts at 60 % -> A, the third at 90 % -> B
        result = an.abc_classes({7: 10.0, 8: 60.0, 9: 30.0}, 80, 15)
        self.assertEqual(result, {8: ("A", 0.0), 9: ("A", 60.0), 7: ("B", 90.0)})

    def test_zero_and_negative_revenue_is_c(self):
        result = an.abc_classes({1: 100.0, 2: 0.0, 3: -20.0}, 80, 15)
        self.assertEqual(result, {1: ("A", 0.0), 2: ("C", 100.0), 3: ("C", 100.0)})
        self.assertEqual(
            an.abc_classes({1: 0.0, 2: -5.0}, 80, 15), {1: ("C", None), 2: ("C", None)}
        )
        self.assertEqual(an.abc_classes({}, 80, 15), {})

    def test_equal_revenues_rank_by_partner_id(self):
        result = an.abc_classes({5: 50.0, 3: 50.0}, 40, 15)
        self.assertEqual(result, {3: ("A", 0.0), 5: ("B", 50.0)})

    def test_float_noise_does_not_move_a_boundary(self):
        # (0.6 + 0.3) / 1.2 is 75 % exactly, 74.99999999999999 in floats: B, not A
        result = an.abc_classes({1: 0.6, 2: 0.3, 3: 0.2, 4: 0.1}, 75, 20)
        self.assertEqual(result[3], ("B", 75.0))
        self.assertEqual(result[1], ("A", 0.0))
        self.assertEqual(result[2], ("A", 50.0))
        self.assertEqual(result[4], ("B", 91.6667))  # 1.1 / 1.2, below 75 + 20


class TestLifecycle(TestCase):
    def stage(self, value):
        return an.lifecycle_stage(value, D, SETTINGS)

    def test_prospect(self):
        self.assertEqual(self.stage(None), "prospect")
        self.assertEqual(self.stage(an.Facts()), "prospect")
        refunds_only = an.Facts(lifetime_revenue=-50.0, window_revenue=-50.0)
        self.assertEqual(self.stage(refunds_only), "prospect")

    def test_new_until_the_new_period(self):
        self.assertEqual(self.stage(facts(last=0)), "new")
        self.assertEqual(self.stage(facts(last=10, first=89, median=79)), "new")
        self.assertEqual(self.stage(facts(last=10, first=90, median=80)), "active")

    def test_churned_at_the_churn_period(self):
        self.assertEqual(self.stage(facts(last=365, first=900, median=100)), "churned")
        self.assertEqual(self.stage(facts(last=364, first=900, median=100)), "at_risk")
        self.assertEqual(self.stage(facts(last=364, first=900, median=200)), "active")
        # churned comes first, whatever the usual interval
        self.assertEqual(self.stage(facts(last=400, first=2000, median=500)), "churned")

    def test_at_risk_after_twice_the_usual_interval(self):
        self.assertEqual(self.stage(facts(last=60, first=600, median=30)), "at_risk")
        self.assertEqual(self.stage(facts(last=59, first=600, median=30)), "active")
        self.assertEqual(self.stage(facts(last=45, first=600, median=22.5)), "at_risk")
        # one order date: the usual interval is the new-customer period (90 days)
        self.assertEqual(self.stage(facts(last=180)), "at_risk")
        self.assertEqual(self.stage(facts(last=179)), "active")
        # at risk comes before new: two quick orders, then silence
        self.assertEqual(self.stage(facts(last=20, first=30, median=10)), "at_risk")

    def test_reactivated_for_the_new_period_after_a_return(self):
        old = {"first": 1500, "median": 60}
        self.assertEqual(self.stage(facts(last=5, back=5, **old)), "reactivated")
        self.assertEqual(self.stage(facts(last=5, back=89, **old)), "reactivated")
        self.assertEqual(self.stage(facts(last=5, back=90, **old)), "active")
        # a returning customer can still be at risk or churned
        self.assertEqual(self.stage(facts(last=130, back=130, **old)), "at_risk")

    def test_a_customer_through_its_life(self):
        def on(day, dates):
            """The stage on ``day`` (days after the first order) of orders on ``dates``."""
            seen = sorted(d for d in dates if d <= day)
            if not seen:
                return an.lifecycle_stage(None, D, SETTINGS)
            gaps = sorted(b - a for a, b in itertools.pairwise(seen))
            median = None
            if gaps:
                half = len(gaps) // 2
                median = gaps[half] if len(gaps) % 2 else (gaps[half - 1] + gaps[half]) / 2
            returns = [b for a, b in itertools.pairwise(seen) if b - a >= 365]
            value = an.Facts(
                last_order=D - timedelta(days=day - seen[-1]),
                first_order=D - timedelta(days=day - seen[0]),
                lifetime_orders=len(seen),
                median_interval=median,
                last_return=D - timedelta(days=day - returns[-1]) if returns else None,
            )
            return an.lifecycle_stage(value, D, SETTINGS)

        dates = [0, 30, 60, 90, 120, 700, 730, 760, 790]
        timeline = [(d, on(d, dates)) for d in (-1, 0, 89, 90, 150, 179, 180, 485, 700, 789, 790)]
        self.assertEqual(
            timeline,
            [
                (-1, "prospect"),
                (0, "new"),
                (89, "new"),
                (90, "active"),
                (150, "active"),
                (179, "active"),
                (180, "at_risk"),  # 60 days since the last order, twice the usual 30
                (485, "churned"),  # 365 days since the last order
                (700, "reactivated"),
                (789, "reactivated"),
                (790, "active"),
            ],
        )


class TestLifetimeValue(TestCase):
    def value(self, value, settings=SETTINGS):
        return an.lifetime_value(value, D, settings)

    def test_value_by_the_formula(self):
        # 10 orders, 12,000 over 730 days: AOV 1,200, 10 / (730 / 365.25) = 5.00342 a year;
        # last order 30 days ago, within the usual 60 days: risk 0, 3 years ahead
        steady = facts(last=30, first=730, orders=10, revenue=12000.0, median=60)
        value = self.value(steady)
        self.assertEqual(value["average_order_value"], 1200.0)
        self.assertAlmostEqual(value["orders_per_year"], 3652.5 / 730)
        self.assertEqual(value["churn_risk"], 0.0)
        self.assertEqual(value["expected_years"], 3.0)
        self.assertEqual(value["historical_value"], 12000.0)
        self.assertEqual(value["predicted_value"], 18012.33)  # 1,200 * 5.00342 * 3
        self.assertEqual(value["lifetime_value"], 30012.33)
        self.assertEqual(value["usual_interval"], 60.0)
        # 120 days: risk (120 - 60) / (365 - 60) = 0.1967, 3 * 0.8033 = 2.4099 years ahead
        late = dataclasses.replace(steady, last_order=ago(120))
        value = self.value(late)
        self.assertEqual(value["churn_risk"], 0.1967)
        self.assertEqual(value["expected_years"], 2.4099)
        self.assertEqual(value["predicted_value"], 14469.3)
        self.assertEqual(value["lifetime_value"], 26469.3)

    def test_one_year_at_least_and_no_negative_prediction(self):
        young = self.value(facts(last=10, first=100, orders=4, revenue=1000.0, median=30))
        self.assertEqual(young["orders_per_year"], 4.0)  # 100 days count as a year
        self.assertEqual(young["predicted_value"], 250.0 * 4 * 3)
        refunded = self.value(facts(last=10, first=400, orders=2, revenue=-300.0, median=30))
        self.assertEqual(refunded["predicted_value"], 0.0)
        self.assertEqual(refunded["lifetime_value"], -300.0)
        self.assertEqual(refunded["average_order_value"], -150.0)

    def test_churned_customer_keeps_its_history_only(self):
        value = self.value(facts(last=365, first=1000, orders=8, revenue=4000.0, median=90))
        self.assertEqual(value["churn_risk"], 1.0)
        self.assertEqual(value["expected_years"], 0.0)
        self.assertEqual(value["predicted_value"], 0.0)
        self.assertEqual(value["lifetime_value"], 4000.0)

    def test_churn_risk_is_clamped(self):
        def risk(last, median):
            return self.value(facts(last=last, first=2000, orders=5, median=median))["churn_risk"]

        self.assertEqual(risk(0, 60), 0.0)
        self.assertEqual(risk(60, 60), 0.0)  # within the usual interval
        self.assertEqual(risk(364, 60), 0.9967)  # 304 / 305
        self.assertEqual(risk(365, 60), 1.0)
        self.assertEqual(risk(5000, 60), 1.0)
        # a usual interval beyond the churn period: 0 until churned, then 1
        self.assertEqual(risk(364, 500), 0.0)
        self.assertEqual(risk(365, 500), 1.0)
        self.assertEqual(risk(365, 365), 1.0)
        # one order date: the usual interval is the new-customer period, 90 days
        self.assertEqual(risk(90, None), 0.0)
        self.assertEqual(risk(200, None), 0.4)  # (200 - 90) / (365 - 90)

    def test_prospect_has_no_value(self):
        value = self.value(None)
        self.assertIsNone(value["churn_risk"])
        self.assertIsNone(value["usual_interval"])
        self.assertEqual(value["lifetime_value"], 0.0)
        self.assertEqual(set(value), set(an.VALUE_FIELDS))
        self.assertEqual(self.value(an.Facts(lifetime_revenue=-10.0)), value)


class TestAnalyse(TestCase):
    def customers(self):
        return {
            1: facts(
                last=5,
                first=700,
                orders=30,
                revenue=90000.0,
                median=20,
                window_orders=15,
                window_revenue=50000.0,
            ),
            2: facts(
                last=40,
                first=800,
                orders=12,
                revenue=24000.0,
                median=60,
                window_orders=6,
                window_revenue=12000.0,
            ),
            3: facts(
                last=200,
                first=1200,
                orders=5,
                revenue=5000.0,
                median=200,
                window_orders=1,
                window_revenue=1000.0,
            ),
            4: facts(last=500, first=1500, orders=3, revenue=900.0, median=300),
            5: facts(last=10, window_orders=1, window_revenue=500.0, revenue=500.0),
            6: None,
            7: an.Facts(),
        }

    def test_all_partners_at_once(self):
        results = an.analyse(self.customers(), D, SETTINGS)
        self.assertEqual(sorted(results), [1, 2, 3, 4, 5, 6, 7])
        for pid in (6, 7):
            self.assertEqual(results[pid], an.Result())
            self.assertEqual(results[pid].lifecycle_stage, "prospect")
            self.assertIs(results[pid].segment, False)
            self.assertIsNone(results[pid].r_score)
        best = results[1]
        self.assertEqual((best.recency, best.frequency, best.monetary), (5, 15, 50000.0))
        # 5 scored customers: 1 is better than the 4 others on R (tied with none), F and M
        self.assertEqual((best.r_score, best.f_score, best.m_score, best.fm_score), (5, 5, 5, 5))
        self.assertEqual(best.segment, "champions")
        self.assertEqual((best.abc_class, best.share_before), ("A", 0.0))
        self.assertEqual(best.lifecycle_stage, "active")
        # 4: last order 500 days ago, nothing in the window
        lost = results[4]
        self.assertEqual((lost.r_score, lost.f_score, lost.m_score), (1, 1, 1))
        self.assertEqual(
            (lost.segment, lost.abc_class, lost.lifecycle_stage), ("lost", "C", "churned")
        )
        self.assertEqual(lost.lifetime_value, 900.0)
        # window revenue 63,500: 1 (0 %) and 2 (78.74 %) A, 3 (97.64 %), 5 (99.21 %) and 4 C
        self.assertEqual(results[2].abc_class, "A")
        self.assertEqual(results[2].share_before, round(50000 / 63500 * 100, 4))
        self.assertEqual(results[5].share_before, round(63000 / 63500 * 100, 4))
        self.assertEqual(results[5].lifecycle_stage, "new")
        self.assertEqual(results[3].lifecycle_stage, "active")
        for pid in (1, 2, 3, 4, 5):
            value = an.lifetime_value(self.customers()[pid], D, SETTINGS)
            result = results[pid]
            self.assertEqual({name: getattr(result, name) for name in an.VALUE_FIELDS}, value)
            self.assertEqual(
                result.lifecycle_stage, an.lifecycle_stage(self.customers()[pid], D, SETTINGS)
            )
            self.assertEqual(result.fm_score, an.fm_score(result.f_score, result.m_score))
            self.assertEqual(
                result.segment, an.segment_for(result.r_score, result.fm_score, an.DEFAULT_MAP)
            )

    def test_same_results_whatever_the_order(self):
        items = list(self.customers().items())
        expected = an.analyse(dict(items), D, SETTINGS)
        rng = random.Random(3)
        for _round in range(5):
            rng.shuffle(items)
            self.assertEqual(an.analyse(dict(items), D, SETTINGS), expected)

    def test_threshold_method(self):
        settings = an.Settings(method="threshold")
        results = an.analyse(self.customers(), D, settings)
        # 1: 5 days -> R5, 15 orders -> F5, 50,000 -> M3 (reaches 10,000 and 50,000)
        self.assertEqual((results[1].r_score, results[1].f_score, results[1].m_score), (5, 5, 3))
        self.assertEqual(results[1].fm_score, 4)
        # 3: 200 days -> R2, 1 order -> F1, 1,000 -> M1: hibernating
        self.assertEqual((results[3].r_score, results[3].fm_score), (2, 1))
        self.assertEqual(results[3].segment, "hibernating")
        with self.assertRaises(ValueError):
            an.analyse(self.customers(), D, an.Settings(method="median"))

    def test_custom_map_and_shares(self):
        settings = an.Settings(
            segment_map=(("vip", 5, 5, 1, 5),), a_share=50, b_share=30, c_share=20
        )
        results = an.analyse(self.customers(), D, settings)
        self.assertEqual(results[1].segment, "vip")
        self.assertIs(results[4].segment, False)
        self.assertEqual(results[2].abc_class, "B")  # starts at 78.74 %: below 50 + 30

    def test_results_are_frozen_dataclasses(self):
        result = an.analyse(self.customers(), D, SETTINGS)[1]
        with self.assertRaises(dataclasses.FrozenInstanceError):
            result.segment = "lost"
        rebuilt = an.Result(**dataclasses.asdict(result))
        self.assertEqual(rebuilt, result)
        self.assertEqual(repr(rebuilt), repr(result))
        self.assertEqual(hash(rebuilt), hash(result))
