"""The strategy effectiveness and cost to serve reports, on the data set of
:mod:`.common_reports_strategy`: every expected figure is worked out by hand in the
comments next to it."""

from odoo.exceptions import AccessError

from .common_reports_strategy import APRIL, FEBRUARY, MARCH, StrategyReportCase


class TestStrategyReports(StrategyReportCase):
    # ------------------------------------------------------------------
    # Strategy effectiveness
    # ------------------------------------------------------------------
    def test_strategy_strategic_march(self):
        self.assertFigures(
            self.strategy(self.company_a, MARCH, self.strategic),
            {
                # C1, C2, C3 (C4 is potential in March, C5 gone, C6 unclassified)
                "customer_count": 3,
                # R score in December 2024: C1, C2 (C3 had not ordered yet)
                "repurchase_base": 2,
                # ordered in January-March 2025: C1 (C2's order was in December)
                "repurchase_count": 1,
                "repurchase_rate": 50.0,
                "goal_repurchase_rate": 50.0,
                # 1200 + 300 + 500
                "revenue": 2000.0,
                # March 2024: C1 1000 + C2 500 + C3 none (C5's 9999: not a customer now)
                "revenue_last_year": 1500.0,
                # (2000 - 1500) / 1500 x 100
                "revenue_growth": 33.33,
                "goal_revenue_growth": 10.0,
                "growth_gap": 23.33,
                # C1's three follow-ups, the last one a day late
                "followups_done": 3,
                "followups_on_time": 2,
                "followup_on_time_rate": 66.67,
                # C2's in time, C3's late and unanswered
                "complaints": 3,
                "complaints_in_time": 1,
                "complaint_in_time_rate": 33.33,
            },
        )

    def test_strategy_potential_march(self):
        self.assertFigures(
            self.strategy(self.company_a, MARCH, self.potential),
            {
                "customer_count": 1,
                # C4: R score in December, ordered in February
                "repurchase_base": 1,
                "repurchase_count": 1,
                "repurchase_rate": 100.0,
                "goal_repurchase_rate": 60.0,
                # C4 now 800, a year before 400 (strategic then: the same customer counts)
                "revenue": 800.0,
                "revenue_last_year": 400.0,
                "revenue_growth": 100.0,
                "goal_revenue_growth": 20.0,
                "growth_gap": 80.0,
                # the follow-up of 31 March 23:59:59 (due 1 April), the complaint answered
                # at its deadline
                "followups_done": 1,
                "followups_on_time": 1,
                "followup_on_time_rate": 100.0,
                "complaints": 1,
                "complaints_in_time": 1,
                "complaint_in_time_rate": 100.0,
            },
        )

    def test_strategy_months_without_snapshot(self):
        """C7 has no snapshot three nor twelve months before March: no earlier buyer, no
        revenue a year before (its snapshots two and eleven months before do not count)."""
        self.assertFigures(
            self.strategy(self.company_a, MARCH, self.optimization),
            {
                "customer_count": 1,
                "repurchase_base": 0,
                "repurchase_count": 0,
                "repurchase_rate": None,
                "goal_repurchase_rate": 30.0,
                "revenue": 600.0,
                "revenue_last_year": 0.0,
                "revenue_growth": None,
                "goal_revenue_growth": 5.0,
                "growth_gap": None,
                "followups_done": 0,
                "followups_on_time": 0,
                "followup_on_time_rate": None,
                "complaints": 0,
                "complaints_in_time": 0,
                "complaint_in_time_rate": None,
            },
        )

    def test_strategy_current_month_takes_current_class(self):
        """April has no snapshot: C4's record counts in its current class, strategic."""
        self.assertFigures(
            self.strategy(self.company_a, APRIL, self.strategic),
            {
                "customer_count": 0,
                "repurchase_base": 0,
                "repurchase_count": 0,
                "repurchase_rate": None,
                "goal_repurchase_rate": 50.0,
                "revenue": 0.0,
                "revenue_last_year": 0.0,
                "revenue_growth": None,
                "goal_revenue_growth": 10.0,
                "growth_gap": None,
                "followups_done": 1,
                "followups_on_time": 0,
                "followup_on_time_rate": 0.0,
                "complaints": 0,
                "complaints_in_time": 0,
                "complaint_in_time_rate": None,
            },
        )
        Report = self.env["customer.strategy.report"]
        self.assertFalse(
            Report.search_count([("month", "=", APRIL), ("class_id", "=", self.potential.id)])
        )

    def test_strategy_second_company(self):
        """Company B's own figures; none of them reach company A's above."""
        self.assertFigures(
            self.strategy(self.company_b, MARCH, self.strategic),
            {
                "customer_count": 2,
                # C3 had an R score in B's December 2024, C1 not
                "repurchase_base": 1,
                # C3 ordered in B in December only
                "repurchase_count": 0,
                "repurchase_rate": 0.0,
                "goal_repurchase_rate": 50.0,
                # 7777 + 100
                "revenue": 7877.0,
                # C3's 5000 in B's March 2024
                "revenue_last_year": 5000.0,
                # 2877 / 5000 x 100
                "revenue_growth": 57.54,
                "goal_revenue_growth": 10.0,
                "growth_gap": 47.54,
                "followups_done": 1,
                "followups_on_time": 1,
                "followup_on_time_rate": 100.0,
                "complaints": 1,
                "complaints_in_time": 0,
                "complaint_in_time_rate": 0.0,
            },
        )

    def test_strategy_rates_average_by_month(self):
        """Grouped over February and March, a rate is the average of the months' rates."""
        # February: C1, C2, C3 strategic; R score in November 2024: C1, C2; both ordered
        # in December-February: 100 %. March: 50 % (above).
        [(count, rate)] = self.env["customer.strategy.report"]._read_group(
            [
                ("company_id", "=", self.company_a.id),
                ("class_id", "=", self.strategic.id),
                ("month", "in", [FEBRUARY, MARCH]),
            ],
            [],
            ["customer_count:sum", "repurchase_rate:avg"],
        )
        self.assertEqual(count, 6)
        self.assertAlmostEqual(rate, 75.0, places=2)

    # ------------------------------------------------------------------
    # Cost to serve
    # ------------------------------------------------------------------
    def test_cost_strategic_march(self):
        self.assertFigures(
            self.cost(self.company_a, MARCH, self.strategic),
            {
                # C1's 3 follow-ups, C2's complaint, C3's 2 complaints and call
                "record_count": 7,
                # 3 x 1.5 + 0.5 + 2 + 1 + 3
                "effort_hours": 11.0,
                # 11 h x 50
                "cost": 550.0,
                # March revenue: C1 400 + C2 100 + C3 500
                "revenue": 1000.0,
                # 1000 / 11
                "revenue_per_hour": 90.91,
                # 550 / 1000 x 100
                "cost_ratio": 55.0,
            },
        )

    def test_cost_potential_march(self):
        self.assertFigures(
            self.cost(self.company_a, MARCH, self.potential),
            {
                "record_count": 2,
                "effort_hours": 1.0,
                "cost": 50.0,
                "revenue": 200.0,
                "revenue_per_hour": 200.0,
                "cost_ratio": 25.0,
            },
        )

    def test_cost_without_effort_or_revenue(self):
        # February: no record; revenue 3 x 50
        self.assertFigures(
            self.cost(self.company_a, FEBRUARY, self.strategic),
            {
                "record_count": 0,
                "effort_hours": 0.0,
                "cost": 0.0,
                "revenue": 150.0,
                "revenue_per_hour": None,
                "cost_ratio": 0.0,
            },
        )
        # April: C4's follow-up in its current class, no revenue
        self.assertFigures(
            self.cost(self.company_a, APRIL, self.strategic),
            {
                "record_count": 1,
                "effort_hours": 0.5,
                "cost": 25.0,
                "revenue": 0.0,
                "revenue_per_hour": 0.0,
                "cost_ratio": None,
            },
        )

    def test_cost_second_company(self):
        self.assertFigures(
            self.cost(self.company_b, MARCH, self.strategic),
            {
                "record_count": 2,
                "effort_hours": 5.0,
                # B's rate: 5 h x 80
                "cost": 400.0,
                # 777 + 23
                "revenue": 800.0,
                "revenue_per_hour": 160.0,
                "cost_ratio": 50.0,
            },
        )

    def test_cost_follows_hourly_rate(self):
        self.company_a.customer_cost_hourly_rate = 20.0
        self.env.flush_all()
        figures = self.cost(self.company_a, MARCH, self.strategic)
        self.assertAlmostEqual(figures["cost"], 220.0, places=2)
        self.assertAlmostEqual(figures["cost_ratio"], 22.0, places=2)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_user_cannot_read(self):
        for model in ("customer.strategy.report", "customer.cost.report"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.user).search([])

    def test_manager_reads_own_companies(self):
        for model in ("customer.strategy.report", "customer.cost.report"):
            with self.subTest(model=model):
                rows = self.env[model].with_user(self.manager).search([])
                self.assertTrue(rows)
                self.assertEqual(rows.company_id, self.company_a)
                everyone = self.env[model].search(
                    [("company_id", "in", (self.company_a | self.company_b).ids)]
                )
                self.assertEqual(everyone.company_id, self.company_a | self.company_b)
        manager_env = self.env(user=self.manager)
        self.assertAlmostEqual(
            self.cost(self.company_a, MARCH, self.strategic, env=manager_env)["cost"], 550.0
        )

    def test_menus_for_managers_only(self):
        menus = self.env.ref(
            "customer_classification.customer_strategy_report_menu"
        ) | self.env.ref("customer_classification.customer_cost_report_menu")
        Menu = self.env["ir.ui.menu"]
        self.assertEqual(
            set(Menu.with_user(self.manager)._visible_menu_ids()) & set(menus.ids), set(menus.ids)
        )
        self.assertFalse(set(Menu.with_user(self.user)._visible_menu_ids()) & set(menus.ids))
