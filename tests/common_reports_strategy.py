"""A small hand-made data set for the strategy effectiveness and cost to serve reports.

Fifteen months of snapshots (January 2024 to March 2025) of company A, a few of company
B for the same customers, and tracking records of March and April 2025.
"""

from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from odoo.tests import TransactionCase, new_test_user
from odoo.tools import SQL

#: January 2024 = M0 ... March 2025 = M14
MONTHS = [date(2024, 1, 1) + relativedelta(months=n) for n in range(15)]
MARCH, FEBRUARY, APRIL = MONTHS[14], MONTHS[13], date(2025, 4, 1)

STRATEGY_FIGURES = [
    "customer_count:sum",
    "repurchase_base:sum",
    "repurchase_count:sum",
    "repurchase_rate:avg",
    "goal_repurchase_rate:avg",
    "revenue:sum",
    "revenue_last_year:sum",
    "revenue_growth:avg",
    "goal_revenue_growth:avg",
    "growth_gap:avg",
    "followups_done:sum",
    "followups_on_time:sum",
    "followup_on_time_rate:avg",
    "complaints:sum",
    "complaints_in_time:sum",
    "complaint_in_time_rate:avg",
]
COST_FIGURES = [
    "record_count:sum",
    "effort_hours:sum",
    "cost:sum",
    "revenue:sum",
    "revenue_per_hour:avg",
    "cost_ratio:avg",
]


class StrategyReportCase(TransactionCase):
    """Companies A and B, six customers, their snapshots and tracking records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company_a = cls.env["res.company"].create(
            {"name": "Report Company A", "customer_cost_hourly_rate": 50.0}
        )
        cls.company_b = cls.env["res.company"].create(
            {"name": "Report Company B", "customer_cost_hourly_rate": 80.0}
        )
        cls.strategic = cls.env.ref("customer_classification.class_strategic")
        cls.potential = cls.env.ref("customer_classification.class_potential")
        cls.strategic.write({"goal_revenue_growth": 10.0, "goal_repurchase_rate": 50.0})
        cls.potential.write({"goal_revenue_growth": 20.0, "goal_repurchase_rate": 60.0})
        cls.optimization = cls.env.ref("customer_classification.class_optimization")
        cls.optimization.write({"goal_revenue_growth": 5.0, "goal_repurchase_rate": 30.0})
        cls.followup = cls.env.ref("customer_classification.class_followup_strategic_visit")
        cls.c1, cls.c2, cls.c3, cls.c4, cls.c5, cls.c6, cls.c7 = cls.env["res.partner"].create(
            [{"name": f"Report C{n}", "is_company": True, "customer_rank": 1} for n in range(1, 8)]
        )
        cls._create_snapshots()
        cls._create_records()
        # current classes in A, for the months without snapshots (April 2025)
        cls._set_current_class(cls.c4 | cls.c6, cls.company_a, cls.strategic)
        cls.manager = new_test_user(
            cls.env,
            "report_manager",
            groups="base.group_user,customer_classification.group_manager",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )
        cls.user = new_test_user(
            cls.env,
            "report_user",
            groups="base.group_user,customer_classification.group_user",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )

    @classmethod
    def _create_snapshots(cls):
        s_id, p_id = cls.strategic.id, cls.potential.id
        rows = []

        def customer(partner, company, months, klass, r_score, **cells):
            """Snapshots of ``months``: window revenue 100, month revenue 50, no order,
            unless ``cells`` ({field: {month index: value}}) says otherwise."""
            for n in months:
                rows.append(
                    {
                        "month": MONTHS[n],
                        "company_id": company.id,
                        "partner_id": partner.id,
                        "class_id": klass(n),
                        "r_score": r_score(n),
                        "revenue_window": cells.get("revenue_window", {}).get(n, 100.0),
                        "revenue_month": cells.get("revenue_month", {}).get(n, 50.0),
                        "order_count": cells.get("order_count", {}).get(n, 0),
                    }
                )

        a, b = cls.company_a, cls.company_b
        everything = range(15)
        # C1: strategic, ordered before the quarter, orders in January 2025 (M12)
        customer(
            cls.c1,
            a,
            everything,
            lambda n: s_id,
            lambda n: 4,
            order_count={12: 1},
            revenue_window={2: 1000.0, 14: 1200.0},
            revenue_month={14: 400.0},
        )
        # C2: strategic, last order in December 2024 (M11, just before the quarter);
        # window revenue 8000 and 9000 in the months next to March 2024 (M2)
        customer(
            cls.c2,
            a,
            everything,
            lambda n: s_id,
            lambda n: 3,
            order_count={11: 1},
            revenue_window={1: 8000.0, 2: 500.0, 3: 9000.0, 14: 300.0},
            revenue_month={14: 100.0},
        )
        # C3: strategic from June 2024 (M5), first order in January 2025 (M12): no
        # R score until then
        customer(
            cls.c3,
            a,
            range(5, 15),
            lambda n: s_id,
            lambda n: 5 if n >= 12 else None,
            order_count={12: 1},
            revenue_window={14: 500.0},
            revenue_month={14: 500.0},
        )
        # C4: strategic until January 2025, potential from February (M13), orders then
        customer(
            cls.c4,
            a,
            everything,
            lambda n: p_id if n >= 13 else s_id,
            lambda n: 2,
            order_count={13: 1},
            revenue_window={2: 400.0, 14: 800.0},
            revenue_month={14: 200.0},
        )
        # C5: strategic a year before March 2025, gone since November 2024 (M10)
        customer(cls.c5, a, range(11), lambda n: s_id, lambda n: 3, revenue_window={2: 9999.0})
        # C6: never classified in A
        customer(cls.c6, a, everything, lambda n: None, lambda n: 3)
        # C7: optimization, a snapshot in April 2024 (M3) and again from January 2025
        # (M12): no snapshot in December 2024 nor in March 2024
        customer(
            cls.c7,
            a,
            (3, 12, 13, 14),
            lambda n: cls.optimization.id,
            lambda n: 2,
            order_count={13: 1},
            revenue_window={3: 700.0, 14: 600.0},
            revenue_month={14: 60.0},
        )
        # company B: C1 and C3 in a few months, with figures that would show in A's if
        # the companies were mixed (C3 with an R score in December 2024, 5000 in March 2024)
        customer(
            cls.c1,
            b,
            (11, 14),
            lambda n: s_id,
            lambda n: None if n == 11 else 4,
            revenue_window={14: 7777.0},
            revenue_month={14: 777.0},
        )
        customer(
            cls.c3,
            b,
            (2, 11, 14),
            lambda n: s_id,
            lambda n: 3,
            order_count={2: 1, 11: 1},
            revenue_window={2: 5000.0},
            revenue_month={14: 23.0},
        )
        cls.env["customer.classification.snapshot"].sudo().create(rows)

    @classmethod
    def _create_records(cls):
        Record = cls.env["customer.tracking.record"].sudo()
        a, b = cls.company_a, cls.company_b

        def record(partner, company, when, record_type="call", hours=0.0, **vals):
            record = Record.create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "date": when,
                    "record_type": record_type,
                    "summary": "Report test",
                    "duration": hours,
                    "followup_id": vals.get("followup_deadline") and cls.followup.id,
                    "followup_deadline": vals.get("followup_deadline"),
                }
            )
            # the answer and the deadline as they were then (they are set by the
            # model's actions at the time, and from the class's response hours)
            answer = {k: vals[k] for k in ("deadline", "answered_date") if k in vals}
            if answer:
                record.write(answer)
            return record

        dt = datetime
        # C1 (strategic in A): follow-ups on time, on time on the due day (23:30 UTC),
        # a day late (00:30 UTC the next day)
        record(cls.c1, a, dt(2025, 3, 5, 10), "visit", 1.5, followup_deadline=date(2025, 3, 10))
        record(
            cls.c1, a, dt(2025, 3, 20, 23, 30), "visit", 1.5, followup_deadline=date(2025, 3, 20)
        )
        record(cls.c1, a, dt(2025, 3, 21, 0, 30), "visit", 1.5, followup_deadline=date(2025, 3, 20))
        # C2: a complaint answered in time; C3: one answered late, one not answered,
        # and a call
        record(
            cls.c2,
            a,
            dt(2025, 3, 3, 9),
            "complaint",
            0.5,
            deadline=dt(2025, 3, 4, 12),
            answered_date=dt(2025, 3, 4, 11),
        )
        record(
            cls.c3,
            a,
            dt(2025, 3, 10, 9),
            "complaint",
            2.0,
            deadline=dt(2025, 3, 11, 12),
            answered_date=dt(2025, 3, 11, 13),
        )
        record(cls.c3, a, dt(2025, 3, 12, 9), "complaint", 1.0, deadline=dt(2025, 3, 13, 12))
        record(cls.c3, a, dt(2025, 3, 14, 9), "call", 3.0)
        # C4 (potential in March): a complaint answered at its deadline, a follow-up at
        # the last second of March; one on April 1st at midnight (no snapshot: its
        # current class, strategic), a day late
        record(
            cls.c4,
            a,
            dt(2025, 3, 2, 9),
            "complaint",
            0.25,
            deadline=dt(2025, 3, 3, 12),
            answered_date=dt(2025, 3, 3, 12),
        )
        record(cls.c4, a, dt(2025, 3, 31, 23, 59, 59), "call", 0.75, followup_deadline=APRIL)
        record(cls.c4, a, dt(2025, 4, 1), "call", 0.5, followup_deadline=date(2025, 3, 31))
        # C6: no class in March (its snapshot has none): counted nowhere
        record(
            cls.c6,
            a,
            dt(2025, 3, 15, 9),
            "complaint",
            5.0,
            deadline=dt(2025, 3, 16, 12),
            answered_date=dt(2025, 3, 15, 12),
        )
        record(cls.c6, a, dt(2025, 3, 16, 9), "visit", 5.0, followup_deadline=date(2025, 3, 20))
        # company B: C1's follow-up on time and complaint answered late
        record(cls.c1, b, dt(2025, 3, 6, 9), "visit", 4.0, followup_deadline=date(2025, 3, 7))
        record(
            cls.c1,
            b,
            dt(2025, 3, 8, 9),
            "complaint",
            1.0,
            deadline=dt(2025, 3, 9, 12),
            answered_date=dt(2025, 3, 10, 9),
        )

    @classmethod
    def _set_current_class(cls, partners, company, klass):
        """The engine's effective class of ``partners`` in ``company`` (it is set by the
        classification engine only)."""
        partners.flush_recordset()
        cls.env.cr.execute(
            SQL(
                "UPDATE res_partner SET customer_class_id = COALESCE(customer_class_id, "
                "'{}'::jsonb) || jsonb_build_object(%s::text, %s) WHERE id = ANY(%s)",
                company.id,
                klass.id,
                partners.ids,
            )
        )
        partners.invalidate_recordset(["customer_class_id"])

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def figures(self, model, company, month, klass, aggregates, env=None):
        """The aggregates of ``model``'s row of ``company``, ``month`` and ``klass`` (one
        row: the report's grain)."""
        Report = (env or self.env)[model]
        [(count, *values)] = Report._read_group(
            [("company_id", "=", company.id), ("month", "=", month), ("class_id", "=", klass.id)],
            [],
            ["__count", *aggregates],
        )
        self.assertEqual(count, 1)
        return {name.split(":")[0]: value for name, value in zip(aggregates, values, strict=True)}

    def assertFigures(self, actual, expected):
        self.assertEqual(set(actual), set(expected))
        for name, value in expected.items():
            if value is None:
                # an average of NULLs only (no figure): False
                self.assertIs(actual[name], False, name)
            else:
                self.assertAlmostEqual(actual[name], value, places=2, msg=name)

    def strategy(self, company, month, klass, env=None):
        return self.figures(
            "customer.strategy.report", company, month, klass, STRATEGY_FIGURES, env
        )

    def cost(self, company, month, klass, env=None):
        return self.figures("customer.cost.report", company, month, klass, COST_FIGURES, env)
