"""The class overview, class migration and churn reports on the snapshots of
:mod:`.common_reports`: every expected figure is worked out by hand from its tables."""

from odoo.exceptions import AccessError

from .common_reports import ReportsCase


class TestReportsOverview(ReportsCase):
    # ------------------------------------------------------------------
    # Class overview
    # ------------------------------------------------------------------
    def test_overview_month_shares(self):
        """Grouped by month and class, the shares sum to the class's share of the month."""
        domain = [("company_id", "=", self.company_a.id)]
        expected = {
            # January: 4 customers (25 each), revenue 1000
            1: {
                "strategic": (1, 25.0, 60.0, 600),
                "potential": (1, 25.0, 10.0, 100),
                "optimization": (1, 25.0, 30.0, 300),
                None: (1, 25.0, 0.0, 0),
            },
            # March: c1 and c4 strategic, revenue (500 + 400) / 1000
            3: {
                "strategic": (2, 50.0, 90.0, 900),
                "potential": (1, 25.0, 0.0, 0),
                "optimization": (1, 25.0, 10.0, 100),
            },
            # May: 5 customers (20 each), all the revenue (600) from c2
            5: {
                "strategic": (1, 20.0, 0.0, 0),
                "optimization": (2, 40.0, 100.0, 600),
                "potential": (1, 20.0, 0.0, 0),
                None: (1, 20.0, 0.0, 0),
            },
        }
        for month, classes in expected.items():
            groups = self.Overview._read_group(
                [*domain, ("month", "=", self.month(month))],
                ["class_id"],
                [
                    "customer_count:sum",
                    "customer_share:sum",
                    "revenue_share:sum",
                    "revenue_month:sum",
                ],
            )
            got = self.by_class(groups)
            self.assertEqual(set(got), set(classes), month)
            for code, (count, share, revenue_share, revenue) in classes.items():
                self.assertEqual(got[code][0], count, (month, code))
                self.assertAlmostEqual(got[code][1], share, places=6, msg=(month, code))
                self.assertAlmostEqual(got[code][2], revenue_share, places=6, msg=(month, code))
                self.assertAlmostEqual(got[code][3], revenue, places=2, msg=(month, code))

    def test_overview_month_without_revenue(self):
        """June has no revenue: its revenue shares are empty, its customer shares not."""
        rows = self.Overview.search(
            [("company_id", "=", self.company_a.id), ("month", "=", self.month(6))]
        )
        self.assertEqual(len(rows), 5)
        self.assertEqual(set(rows.mapped("customer_share")), {20.0})
        self.assertFalse(any(rows.mapped("revenue_share")))
        self.assertAlmostEqual(rows.mapped("quarter_customer_share")[0], 100.0 / 15)

    def test_overview_quarter_shares(self):
        """Grouped by quarter, the quarter shares are those of the customer-months and the
        revenue of the quarter (12 customer-months and 3000 in Q1, 15 and 1600 in Q2)."""
        expected = {
            self.month(1): {
                "strategic": (4 * 100 / 12, 2300 * 100 / 3000),
                "potential": (3 * 100 / 12, 300 * 100 / 3000),
                "optimization": (3 * 100 / 12, 400 * 100 / 3000),
                None: (2 * 100 / 12, 0.0),
            },
            self.month(4): {
                "strategic": (4 * 100 / 15, 800 * 100 / 1600),
                "potential": (2 * 100 / 15, 0.0),
                "optimization": (7 * 100 / 15, 800 * 100 / 1600),
                "prospect": (1 * 100 / 15, 0.0),
                None: (1 * 100 / 15, 0.0),
            },
        }
        groups = self.Overview._read_group(
            [("company_id", "=", self.company_a.id)],
            ["month:quarter", "class_id"],
            ["quarter_customer_share:sum", "quarter_revenue_share:sum"],
        )
        got = {}
        for quarter, klass, customer_share, revenue_share in groups:
            got.setdefault(quarter, []).append((klass, customer_share, revenue_share))
        self.assertEqual(set(got), set(expected))
        for quarter, classes in expected.items():
            by_class = self.by_class(got[quarter])
            self.assertEqual(set(by_class), set(classes), quarter)
            for code, (customer_share, revenue_share) in classes.items():
                self.assertAlmostEqual(by_class[code][0], customer_share, places=6)
                self.assertAlmostEqual(by_class[code][1] or 0.0, revenue_share, places=6)

    def test_overview_companies_apart(self):
        """Each company's shares are of its own customers: B's January is c1 and c6."""
        groups = self.Overview._read_group(
            [("month", "=", self.month(1))],
            ["company_id", "partner_id"],
            ["customer_share:sum", "revenue_share:sum"],
        )
        got = {(company, partner): values for company, partner, *values in groups}
        c1, c6 = self.partners["c1"], self.partners["c6"]
        self.assertAlmostEqual(got[self.company_b, c1][0], 50.0)
        self.assertAlmostEqual(got[self.company_b, c1][1], 5000 * 100 / 6000)
        self.assertAlmostEqual(got[self.company_b, c6][1], 1000 * 100 / 6000)
        self.assertAlmostEqual(got[self.company_a, c1][0], 25.0)
        self.assertAlmostEqual(got[self.company_a, c1][1], 10.0)
        self.assertEqual(self.Overview.search_count([("company_id", "=", self.company_a.id)]), 27)
        self.assertEqual(self.Overview.search_count([("company_id", "=", self.company_b.id)]), 5)

    # ------------------------------------------------------------------
    # Class migration
    # ------------------------------------------------------------------
    def migration(self, period_type, end_month, groupby, aggregates, company=None):
        return self.Migration._read_group(
            [
                ("company_id", "=", (company or self.company_a).id),
                ("period_type", "=", period_type),
                ("date", "=", self.month(end_month)),
            ],
            groupby,
            aggregates,
        )

    def cells(self, groups):
        """``{(from code, to code): values}`` of groups by from and to class."""
        codes = {klass: code for code, klass in self.classes.items()}
        return {(codes.get(f), codes.get(t)): tuple(values) for f, t, *values in groups}

    def test_migration_quarter(self):
        """Q2: from the classes at the end of March to those at the end of June."""
        groups = self.migration(
            "quarter",
            6,
            ["from_class_id", "to_class_id"],
            ["customer_count:sum", "revenue:sum"],
        )
        self.assertEqual(
            self.cells(groups),
            {
                ("strategic", "strategic"): (1, 1900),  # c1
                ("potential", "prospect"): (1, 2100),  # c2
                ("optimization", "optimization"): (1, 100),  # c3
                ("strategic", "potential"): (1, 6700),  # c4
                (None, "optimization"): (1, 200),  # c5, no snapshot in March
            },
        )
        movements = self.migration("quarter", 6, ["movement"], ["__count"])
        self.assertEqual(dict(movements), {"same": 2, "down": 2, "new": 1})
        # four customers classified at both ends, two of them downgraded
        [(upgrade, downgrade)] = self.migration(
            "quarter", 6, [], ["upgrade_rate:avg", "downgrade_rate:avg"]
        )
        self.assertEqual((upgrade, downgrade), (0.0, 50.0))
        # Q1 starts from December 2024, which has no snapshot: everyone classified is new
        q1 = self.migration("quarter", 3, ["movement"], ["__count"])
        self.assertEqual(dict(q1), {"new": 4})
        # no quarter ends in May
        self.assertFalse(self.migration("quarter", 5, [], ["__count"])[0][0])

    def test_migration_months(self):
        """Month by month: the movements and the rates among customers classified twice."""
        march = self.cells(
            self.migration("month", 3, ["from_class_id", "to_class_id"], ["__count"])
        )
        self.assertEqual(
            march,
            {
                ("potential", "strategic"): (1,),  # c1 up
                ("optimization", "potential"): (1,),  # c2 up
                (None, "optimization"): (1,),  # c3 new
                ("strategic", "strategic"): (1,),  # c4
            },
        )
        groups = self.Migration._read_group(
            [("company_id", "=", self.company_a.id), ("period_type", "=", "month")],
            ["movement"],
            ["customer_count:sum"],
        )
        self.assertEqual(
            dict(groups), {"new": 6, "unclassified": 3, "same": 13, "up": 2, "down": 3}
        )
        # 18 rows classified at both ends (February to June), 2 up and 3 down
        [(upgrade, downgrade)] = self.Migration._read_group(
            [("company_id", "=", self.company_a.id), ("period_type", "=", "month")],
            [],
            ["upgrade_rate:avg", "downgrade_rate:avg"],
        )
        self.assertAlmostEqual(upgrade, 2 * 100 / 18)
        self.assertAlmostEqual(downgrade, 3 * 100 / 18)
        # by start class: from strategic, c4 went down in May out of 7 classified twice
        by_from = self.by_class(
            self.Migration._read_group(
                [("company_id", "=", self.company_a.id), ("period_type", "=", "month")],
                ["from_class_id"],
                ["downgrade_rate:avg", "__count"],
            )
        )
        self.assertAlmostEqual(by_from["strategic"][0], 100 / 7)
        self.assertEqual(by_from["strategic"][1], 7)

    def test_migration_companies_apart(self):
        """c1 stays strategic in B in February, potential in A: no mix of the companies."""
        row_a = self.Migration.search(
            [
                ("company_id", "=", self.company_a.id),
                ("partner_id", "=", self.partners["c1"].id),
                ("period_type", "=", "month"),
                ("date", "=", self.month(2)),
            ]
        )
        row_b = self.Migration.search(
            [
                ("company_id", "=", self.company_b.id),
                ("partner_id", "=", self.partners["c1"].id),
                ("period_type", "=", "month"),
                ("date", "=", self.month(2)),
            ]
        )
        self.assertEqual(
            (row_a.from_class_id, row_a.to_class_id, row_a.movement),
            (self.classes["potential"], self.classes["potential"], "same"),
        )
        self.assertEqual(
            (row_b.from_class_id, row_b.to_class_id, row_b.revenue),
            (self.classes["strategic"], self.classes["strategic"], 50000),
        )

    # ------------------------------------------------------------------
    # Churn
    # ------------------------------------------------------------------
    def test_churn(self):
        """Customers active at the start of each month, and those churned by its end."""
        domain = [("company_id", "=", self.company_a.id)]
        aggregates = [
            "active_count:sum",
            "churned_count:sum",
            "churn_rate:avg",
            "revenue_lost:sum",
        ]
        by_month = {
            month: tuple(values)
            for month, *values in self.Churn._read_group(domain, ["month:month"], aggregates)
        }
        self.assertEqual(
            by_month,
            {
                self.month(2): (3, 0, 0.0, 0),  # c3 was a prospect in January
                self.month(3): (4, 1, 25.0, 2000),  # c2 churned, 2000 in February's window
                self.month(4): (3, 0, 0.0, 0),  # c2 churned already, c5 had no March
                self.month(5): (4, 1, 25.0, 100),  # c3
                self.month(6): (4, 1, 25.0, 200),  # c5, unclassified in May
            },
        )
        [(active, churned, rate, lost)] = self.Churn._read_group(domain, [], aggregates)
        self.assertEqual((active, churned, lost), (18, 3, 2300))
        self.assertAlmostEqual(rate, 3 * 100 / 18)
        # the class at the start: the previous month's
        by_class = self.by_class(self.Churn._read_group(domain, ["class_id"], aggregates))
        self.assertEqual(by_class["optimization"][:2], (6, 2))
        self.assertAlmostEqual(by_class["optimization"][2], 2 * 100 / 6)
        self.assertEqual(by_class["optimization"][3], 2100)
        self.assertEqual(by_class[None], (2, 1, 50.0, 200))
        self.assertEqual(by_class["potential"][:2], (3, 0))
        self.assertEqual(by_class["strategic"][:2], (7, 0))

    def test_churn_companies_apart(self):
        """c1 churned in B in February, not in A."""
        groups = self.Churn._read_group(
            [("partner_id", "=", self.partners["c1"].id), ("month", "=", self.month(2))],
            ["company_id"],
            ["churned_count:sum", "revenue_lost:sum"],
        )
        self.assertEqual(
            {company: tuple(values) for company, *values in groups},
            {self.company_a: (0, 0), self.company_b: (1, 50000)},
        )

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_user_reads_own_customers(self):
        """A User reads the rows of the customers they are the salesperson of; the shares
        stay those of the whole company."""
        mine = self.partners["c1"] | self.partners["c2"]
        for Report in (self.Overview, self.Migration, self.Churn):
            rows = self.as_user(Report, self.user_1).search([])
            self.assertEqual(rows.partner_id, mine, Report._name)
            self.assertEqual(rows.company_id, self.company_a, Report._name)
        [(share,)] = self.as_user(self.Overview, self.user_1)._read_group(
            [("month", "=", self.month(1))], [], ["customer_share:sum"]
        )
        self.assertEqual(share, 50.0)
        rows = self.as_user(self.Churn, self.user_2).search([])
        self.assertEqual(rows.partner_id, self.partners["c3"])

    def test_manager_reads_all(self):
        """A Manager reads every customer of their companies."""
        both = self.company_a | self.company_b
        self.assertEqual(self.as_user(self.Overview, self.manager).search_count([]), 32)
        self.assertEqual(
            self.as_user(self.Overview, self.manager, self.company_a).search_count([]), 27
        )
        rows = self.as_user(self.Migration, self.manager, both).search([])
        self.assertEqual(rows.partner_id, self.env["res.partner"].concat(*self.partners.values()))
        churn = self.as_user(self.Churn, self.manager, both).search([])
        self.assertEqual(churn.company_id, both)

    def test_other_company_reads_nothing(self):
        """A Manager of company B only reads none of A's rows."""
        for Report in (self.Overview, self.Migration, self.Churn):
            reader = self.as_user(Report, self.manager_b)
            self.assertFalse(reader.search_count([("company_id", "=", self.company_a.id)]))
            self.assertTrue(reader.search_count([]), Report._name)

    def test_open_partner(self):
        """The migration list opens a row's customer, for whoever may read the row."""
        row = self.Migration.search(
            [
                ("company_id", "=", self.company_a.id),
                ("partner_id", "=", self.partners["c1"].id),
                ("period_type", "=", "quarter"),
                ("date", "=", self.month(6)),
            ]
        )
        self.assertEqual(len(row), 1)
        action = self.as_user(row, self.user_1).action_open_partner()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("res.partner", row.partner_id.id)
        )
        # another User's customer, and a user without the Customer Classification rights
        for user in (self.user_2, self.plain):
            with self.assertRaises(AccessError):
                self.as_user(row, user).action_open_partner()
