from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user

from ..engine import analytics
from ..models import analytics_sql
from .common_classification import ClassificationCase


class TestCustomerAnalytics(ClassificationCase):
    """RFM, ABC, lifecycle and lifetime value from invoices, on the partner and as indicators."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Analytics = cls.env["customer.analytics"]

    def facts(self, partners, as_of=None):
        self.env.flush_all()
        return analytics_sql.facts(
            self.env,
            self.company,
            partners.ids,
            as_of or self.today,
            12,
            365,
            "invoice",
            "UTC",
        )

    def refresh(self, partners=None):
        partners = partners if partners is not None else self.Partner.browse()
        return partners._refresh_customer_analytics()

    def row(self, partner):
        return self.Analytics.search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    # ------------------------------------------------------------------
    # Facts from invoices
    # ------------------------------------------------------------------
    def test_facts_from_invoices(self):
        partner = self.customer("Facts Ltd")
        for days_ago, amount in ((500, 100.0), (100, 200.0), (40, 300.0), (10, 400.0)):
            self.invoice(partner, amount, days_ago=days_ago)
        self.invoice(partner, 50.0, days_ago=5, move_type="out_refund")
        facts = self.facts(partner)[partner.id]
        self.assertEqual(facts.last_order, self.today - relativedelta(days=10))
        self.assertEqual(facts.first_order, self.today - relativedelta(days=500))
        self.assertEqual(facts.lifetime_orders, 4)
        self.assertAlmostEqual(facts.lifetime_revenue, 950.0)
        # the window (12 months) holds three invoices and the refund
        self.assertEqual(facts.window_orders, 3)
        self.assertAlmostEqual(facts.window_revenue, 850.0)
        # gaps 400, 60, 30 days: median 60; the order after 400 days is a return
        self.assertEqual(facts.median_interval, 60.0)
        self.assertEqual(facts.last_return, self.today - relativedelta(days=100))

    def test_facts_as_of_a_past_date(self):
        partner = self.customer("Past Ltd")
        self.invoice(partner, 100.0, days_ago=200)
        self.invoice(partner, 900.0, days_ago=10)
        facts = self.facts(partner, self.today - relativedelta(days=100))[partner.id]
        self.assertEqual(facts.lifetime_orders, 1)
        self.assertAlmostEqual(facts.lifetime_revenue, 100.0)
        self.assertIsNone(facts.median_interval)

    def test_no_invoice_no_facts(self):
        partner = self.customer("Nothing Yet")
        self.assertNotIn(partner.id, self.facts(partner))

    # ------------------------------------------------------------------
    # Refresh: rows, partner fields, stages and values
    # ------------------------------------------------------------------
    def test_refresh_stages_on_the_partner(self):
        new = self.customer("New Ltd")
        self.invoice(new, 1000.0, days_ago=10)
        churned = self.customer("Gone Ltd")
        self.invoice(churned, 1000.0, days_ago=400)
        back = self.customer("Back Ltd")
        self.invoice(back, 1000.0, days_ago=800)
        self.invoice(back, 1000.0, days_ago=30)
        risky = self.customer("Quiet Ltd")
        for days_ago in (200, 170, 140, 110, 80):
            self.invoice(risky, 1000.0, days_ago=days_ago)
        active = self.customer("Steady Ltd")
        for days_ago in (300, 200, 100, 20):
            self.invoice(active, 1000.0, days_ago=days_ago)
        prospect = self.customer("Someday Ltd")
        self.refresh()
        expected = {
            new: "new",
            churned: "churned",
            back: "reactivated",
            risky: "at_risk",  # 80 days without order, usual interval 30 days
            active: "active",
            prospect: "prospect",
        }
        for partner, stage in expected.items():
            self.assertEqual(self.row(partner).lifecycle_stage, stage, partner.name)
            self.assertEqual(partner.lifecycle_stage, stage, partner.name)
        self.assertFalse(prospect.rfm_segment)
        self.assertFalse(prospect.abc_class)
        self.assertEqual(prospect.customer_lifetime_value, 0.0)
        self.assertIn("Prospect", prospect.customer_analytics_html)

    def test_lifetime_value_by_the_formula(self):
        partner = self.customer("Value Ltd")
        for days_ago in (730, 365, 30):
            self.invoice(partner, 12_000.0, days_ago=days_ago)
        self.refresh(partner)
        row = self.row(partner)
        # historical 36,000; 3 orders over 730 days (2.0 years) = 1.5 a year; average
        # order 12,000; usual interval 350 days (median of 365 and 335), 30 days since
        # the last order: no churn risk, 3 expected years
        self.assertAlmostEqual(row.historical_value, 36_000.0)
        self.assertAlmostEqual(row.average_order_value, 12_000.0)
        years = 730 / 365.25
        self.assertAlmostEqual(row.orders_per_year, 3 / years, places=4)
        self.assertEqual(row.churn_risk, 0.0)
        self.assertAlmostEqual(row.expected_years, 3.0)
        predicted = round(12_000.0 * 3 / years * 3.0, 2)
        self.assertAlmostEqual(row.predicted_value, predicted, places=2)
        self.assertAlmostEqual(partner.customer_lifetime_value, 36_000.0 + predicted, places=2)
        found = self.Partner.search(
            [("customer_lifetime_value", ">", 36_000.0), ("id", "=", partner.id)]
        )
        self.assertEqual(found, partner)
        self.assertIn("36,000.00", partner.customer_analytics_html)

    def test_abc_and_segments_rank_among_every_customer(self):
        whale = self.customer("Whale Ltd")
        for days_ago in (1, 2, 3, 4):
            self.invoice(whale, 90_000_000.0, days_ago=days_ago)
        minnow = self.customer("Minnow Ltd")
        self.invoice(minnow, 1.0, days_ago=300)
        self.refresh()
        self.assertEqual(whale.abc_class, "A")
        self.assertEqual(self.row(whale).share_before, 0.0)
        self.assertEqual(minnow.abc_class, "C")
        self.assertEqual(whale.rfm_segment, "champions")
        self.assertEqual((self.row(whale).r_score, self.row(whale).m_score), (5, 5))
        # the same customers and invoices give the same scores
        before = self.row(minnow).read(["r_score", "f_score", "m_score", "rfm_segment"])
        self.refresh()
        self.assertEqual(
            self.row(minnow).read(["r_score", "f_score", "m_score", "rfm_segment"]), before
        )

    def test_partners_searched_grouped_and_sorted_by_their_analytics(self):
        big, small = self.customer("Big Group Ltd"), self.customer("Small Group Ltd")
        self.invoice(big, 9_000_000.0, days_ago=5)
        self.invoice(small, 10.0, days_ago=5)
        nothing = self.customer("Empty Group Ltd")
        self.refresh()
        ours = [("id", "in", (big | small | nothing).ids)]
        groups = dict(self.Partner._read_group(ours, ["lifecycle_stage"], ["__count"]))
        self.assertEqual(groups, {"new": 2, "prospect": 1})
        groups = dict(self.Partner._read_group(ours, ["abc_class"], ["__count"]))
        self.assertEqual(groups, {"A": 1, "C": 1, False: 1})
        self.assertEqual(self.Partner.search([*ours, ("abc_class", "=", False)]), nothing)
        self.assertEqual(self.Partner.search([*ours, ("abc_class", "!=", "A")]), small | nothing)
        self.assertEqual(
            self.Partner.search([*ours, ("abc_class", "in", ["C", False])]), small | nothing
        )
        found = self.Partner.search(
            [*ours, ("lifecycle_stage", "=", "new")], order="customer_lifetime_value desc"
        )
        self.assertEqual(found.ids, [big.id, small.id])
        self.assertTrue(
            self.Partner.fields_get(["rfm_segment"], ["groupable"])["rfm_segment"]["groupable"]
        )

    def test_refresh_some_writes_only_them(self):
        first, second = self.customer("One Ltd"), self.customer("Two Ltd")
        self.invoice(first, 500.0, days_ago=20)
        self.invoice(second, 500.0, days_ago=20)
        self.assertEqual(self.refresh(first), 1)
        self.assertTrue(self.row(first))
        self.assertFalse(self.row(second))

    def test_thresholds_method(self):
        self.company.write(
            {
                "customer_rfm_method": "threshold",
                "customer_rfm_monetary_thresholds": "100,200,300,400",
                "customer_rfm_frequency_thresholds": "1,2,3,4",
            }
        )
        partner = self.customer("Cut Ltd")
        self.invoice(partner, 300.0, days_ago=100)  # 100 days: above 90, within 180 -> R 3
        self.refresh(partner)
        row = self.row(partner)
        self.assertEqual((row.r_score, row.f_score, row.m_score), (3, 2, 4))
        self.assertEqual(row.fm_score, 3)
        self.assertEqual(row.rfm_segment, "need_attention")

    # ------------------------------------------------------------------
    # Settings and the RFM map: bad input changes nothing
    # ------------------------------------------------------------------
    def test_bad_settings_are_refused(self):
        bad = [
            {"customer_abc_a_share": 70.0},
            {"customer_abc_c_share": 0.0, "customer_abc_b_share": 20.0},
            {"customer_lifecycle_new_days": 400},
            {"customer_lifecycle_new_days": 0},
            {"customer_lifecycle_at_risk_factor": 1.0},
            {"customer_cost_hourly_rate": -1.0},
            {"customer_clv_horizon_years": 0.0},
            {"customer_rfm_recency_thresholds": "30,20,180,365"},
            {"customer_rfm_monetary_thresholds": "1,2,3"},
            {"customer_rfm_frequency_thresholds": "-1,2,3,4"},
            {"customer_analytics_window_months": 0},
        ]
        for vals in bad:
            with (
                self.subTest(vals=vals),
                self.assertRaises(ValidationError),
                self.env.cr.savepoint(),
            ):
                self.company.write(vals)
        self.assertEqual(self.company.customer_abc_a_share, 80.0)
        self.assertEqual(self.company.customer_lifecycle_new_days, 90)

    def test_settings_screen_writes_the_shares_together(self):
        settings = self.env["res.config.settings"].create(
            {
                "customer_abc_a_share": 70.0,
                "customer_abc_b_share": 20.0,
                "customer_abc_c_share": 10.0,
            }
        )
        settings.execute()
        self.assertEqual(
            (
                self.company.customer_abc_a_share,
                self.company.customer_abc_b_share,
                self.company.customer_abc_c_share,
            ),
            (70.0, 20.0, 10.0),
        )
        wrong = self.env["res.config.settings"].create({"customer_abc_a_share": 75.0})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            wrong.execute()
        self.assertEqual(self.company.customer_abc_a_share, 70.0)

    def test_rfm_map_overlap_refused(self):
        Cell = self.env["customer.rfm.cell"]
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Cell.create({"segment": "lost", "r_min": 1, "r_max": 2, "fm_min": 1, "fm_max": 1})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Cell.create({"segment": "lost", "r_min": 0, "r_max": 6, "fm_min": 1, "fm_max": 1})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env.ref("customer_classification.rfm_cell_new").write({"r_min": 5, "r_max": 4})
        self.assertEqual(Cell.search_count([]), len(analytics.DEFAULT_MAP))
        self.assertFalse(Cell._gaps())

    def test_rfm_map_edit_changes_segments(self):
        self.env.ref("customer_classification.rfm_cell_champions").unlink()
        self.assertEqual(len(self.env["customer.rfm.cell"]._gaps()), 4)
        whale = self.customer("Whale Two")
        for days_ago in (5, 15, 25, 35):
            self.invoice(whale, 90_000_000.0, days_ago=days_ago)
        self.refresh()
        self.assertFalse(whale.rfm_segment)
        self.assertEqual(self.row(whale).r_score, 5)

    # ------------------------------------------------------------------
    # Indicators of the standard
    # ------------------------------------------------------------------
    def test_analytics_as_indicators(self):
        Indicator = self.env["customer.indicator"]
        stage = Indicator.create({"name": "Stage", "code": "stage", "kind": "lifecycle_stage"})
        value = Indicator.create(
            {"name": "Value", "code": "clv", "kind": "customer_lifetime_value"}
        )
        self.assertFalse(stage.is_numeric)
        self.assertTrue(value.is_numeric)
        partner = self.customer("Indicator Ltd")
        self.invoice(partner, 1000.0, days_ago=400)
        self.refresh()
        values = self.Result._indicator_values(self.company, partner.ids, self.today)[partner.id]
        self.assertEqual(values["stage"], "churned")
        self.assertAlmostEqual(values["clv"], 1000.0)
        self.assertEqual(stage._format_value("churned", self.company.currency_id), "Churned")

    # ------------------------------------------------------------------
    # Rights and companies
    # ------------------------------------------------------------------
    def test_refresh_button_for_managers_only(self):
        with self.assertRaises(AccessError):
            self.Partner.with_user(self.user).action_refresh_customer_analytics()
        action = self.Partner.with_user(self.manager).action_refresh_customer_analytics()
        self.assertEqual(action["params"]["type"], "success")

    def test_users_read_but_never_write(self):
        partner = self.customer("Read Ltd")
        self.invoice(partner, 100.0, days_ago=3)
        self.refresh(partner)
        row = self.row(partner).with_user(self.user)
        self.assertEqual(row.lifecycle_stage, "new")
        # amounts are for users who may read invoices (this one may not)
        self.assertFalse(self.env["account.move"].with_user(self.user).has_access("read"))
        for fname in ("monetary", "lifetime_value", "average_order_value"):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                row.read([fname])
        with self.assertRaises(AccessError):
            row.write({"lifecycle_stage": "churned"})
        with self.assertRaises(AccessError):
            self.env["customer.rfm.cell"].with_user(self.manager).create(
                {"segment": "lost", "r_min": 1, "r_max": 1, "fm_min": 1, "fm_max": 1}
            )
        portal = new_test_user(self.env, "cl_portal_an", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.Analytics.with_user(portal).search([])

    def test_companies_apart(self):
        other = self.env["res.company"].create(
            {"name": "Analytics B", "currency_id": self.company.currency_id.id}
        )
        self.env["account.chart.template"].try_loading("generic_coa", other, install_demo=False)
        shared = self.customer("Shared Ltd")
        self.invoice(shared.with_company(other), 5_000_000.0, company_id=other.id)
        only_b = self.customer("Only B Ltd", company_id=other.id)
        self.refresh()
        self.assertEqual(shared.lifecycle_stage, "prospect")
        self.assertFalse(self.row(only_b))
        shared_b = shared.with_company(other)
        self.Partner.with_company(other).browse()._refresh_customer_analytics()
        self.assertEqual(shared_b.lifecycle_stage, "new")
        self.assertEqual(shared_b.abc_class, "A")
        self.assertEqual(shared.lifecycle_stage, "prospect")
        user_a = new_test_user(
            self.env,
            "cl_user_a_only",
            groups="base.group_user,customer_classification.group_user",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        rows = self.Analytics.with_user(user_a).search([("partner_id", "=", shared.id)])
        self.assertEqual(rows.company_id, self.company)
