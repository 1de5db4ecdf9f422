from dateutil.relativedelta import relativedelta

from odoo.tests import tagged

from .common_classification import ClassificationCase


@tagged("post_install", "-at_install")
class TestDefaultStandard(ClassificationCase):
    """Every rule and boundary of the default standard of the specification."""

    def rule(self, name):
        """The class rule named ``name`` of the standard in force."""
        rule = self.standard.class_rule_ids.filtered(lambda r: r.name == name)
        self.assertEqual(len(rule), 1, f"one rule {name!r} in {self.standard.display_name}")
        return rule

    def test_spec_example(self):
        """1.2 M in the last year, 3 years of cooperation, no complaint: strategic, 96."""
        partner = self.customer("Example Ltd")
        self.invoice(partner, 1_200_000)
        self.invoice(partner, 100, days_ago=3 * 366)
        result = self.classify(partner)
        self.assertEqual(result.class_id, self.classes["strategic"])
        self.assertEqual(result.score, 96)
        self.assertEqual(partner.customer_class_id, self.classes["strategic"])
        self.assertEqual(partner.classification_score, 96)
        self.assertEqual(
            self.levels(result),
            {
                "Value contribution": "High",
                "Cooperation stability": "Stable",
                "Industry risk": "Medium",
            },
        )
        self.assertEqual(result.rule_id, self.rule("Strategic: high value and stable"))
        self.assertEqual(result.standard_id, self.standard)
        self.assertEqual(result.explanation["indicators"]["revenue"], 1_200_100 - 100)

    def test_revenue_boundaries(self):
        exact, below, mid, under_mid = (
            self.customer(n) for n in ("Exact", "Below", "Mid", "Under")
        )
        self.invoice(exact, 1_000_000)
        self.invoice(below, 999_999.99)
        self.invoice(mid, 500_000)
        self.invoice(under_mid, 499_999.99)
        results = {r.partner_id: r for r in self.classify(exact | below | mid | under_mid)}
        self.assertEqual(self.levels(results[exact])["Value contribution"], "High")
        self.assertEqual(self.levels(results[below])["Value contribution"], "Mid")
        self.assertEqual(self.levels(results[mid])["Value contribution"], "Mid")
        self.assertEqual(self.levels(results[under_mid])["Value contribution"], "Low")
        self.assertEqual(results[below].class_id, self.classes["potential"])
        self.assertEqual(results[under_mid].class_id, self.classes["optimization"])

    def test_exactly_two_years_is_stable(self):
        partner = self.customer(
            classification_cooperation_start=self.today - relativedelta(years=2)
        )
        self.invoice(partner, 1_000_000)
        self.assertEqual(self.levels(self.classify(partner))["Cooperation stability"], "Stable")
        partner.classification_cooperation_start = (
            self.today - relativedelta(years=2) + relativedelta(days=1)
        )
        self.assertEqual(self.levels(self.classify(partner))["Cooperation stability"], "Normal")

    def test_cooperation_start_wins_over_first_invoice(self):
        partner = self.customer(
            classification_cooperation_start=self.today - relativedelta(months=6)
        )
        self.invoice(partner, 1_000_000)
        self.invoice(partner, 10, days_ago=4 * 365)
        self.assertEqual(self.levels(self.classify(partner))["Cooperation stability"], "Unstable")

    def test_refunds_net(self):
        partner = self.customer()
        self.invoice(partner, 1_200_000)
        self.invoice(partner, 300_000, move_type="out_refund")
        result = self.classify(partner)
        self.assertEqual(result.explanation["indicators"]["revenue"], 900_000)
        self.assertEqual(self.levels(result)["Value contribution"], "Mid")

    def test_contact_invoices_count_for_company(self):
        company = self.customer("Parent Co")
        contact = self.Partner.create({"name": "Buyer", "parent_id": company.id})
        self.invoice(contact, 1_100_000)
        result = self.classify(company)
        self.assertEqual(result.explanation["indicators"]["revenue"], 1_100_000)
        self.assertFalse(self.Result.search([("partner_id", "=", contact.id)]))

    def test_other_currency_in_company_currency(self):
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", "EUR" if self.company.currency_id.name != "EUR" else "USD")])
        )
        currency.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": currency.id,
                "name": self.today - relativedelta(months=2),
                "rate": 2.0,
                "company_id": self.company.id,
            }
        )
        partner = self.customer()
        self.invoice(partner, 2_000_000, currency_id=currency.id)
        result = self.classify(partner)
        self.assertEqual(result.explanation["indicators"]["revenue"], 1_000_000)

    def test_other_company_does_not_count(self):
        other = self.env["res.company"].create(
            {"name": "Other Co", "currency_id": self.company.currency_id.id}
        )
        self.env["account.chart.template"].try_loading("generic_coa", other, install_demo=False)
        partner = self.customer()
        self.invoice(partner.with_company(other), 5_000_000, company_id=other.id)
        result = self.classify(partner)
        self.assertEqual(result.explanation["indicators"]["revenue"], 0)
        # it never bought from this company: a prospect here
        self.assertEqual(result.class_id, self.classes["prospect"])

    def test_prospect_without_invoice(self):
        partner = self.Partner.create(
            {"name": "Maybe Ltd", "is_company": True, "classification_prospect": True}
        )
        result = self.classify(partner)
        self.assertEqual(result.class_id, self.classes["prospect"])
        self.assertEqual(result.score, 0.6 * 20 + 0.3 * 20 + 0.1 * 60)

    def test_three_rising_months_make_strategic(self):
        partner = self.customer()
        start = self.today.replace(day=15)
        rising = ((5, 120_000), (4, 100_000), (3, 150_000), (2, 200_000), (1, 250_000))
        for months_ago, amount in rising:
            self.invoice(
                partner,
                amount,
                days_ago=(self.today - (start - relativedelta(months=months_ago))).days,
            )
        result = self.classify(partner)
        self.assertEqual(result.explanation["indicators"]["growth_months"], 3)
        self.assertEqual(self.levels(result)["Value contribution"], "Mid")
        self.assertEqual(result.class_id, self.classes["strategic"])
        self.assertEqual(
            result.rule_id, self.rule("Strategic: rising revenue three months in a row")
        )

    def test_complaints_change_stability(self):
        partner = self.customer()
        self.invoice(partner, 1_200_000)
        self.invoice(partner, 100, days_ago=3 * 366)
        self.assertEqual(self.classify(partner).class_id, self.classes["strategic"])
        self.complaint(partner)
        self.assertTrue(partner.classification_outdated)
        result = self.classify(partner)
        self.assertEqual(self.levels(result)["Cooperation stability"], "Normal")
        self.assertEqual(result.class_id, self.classes["potential"])
        self.complaint(partner, days_ago=20)
        self.assertEqual(self.levels(self.classify(partner))["Cooperation stability"], "Unstable")

    def test_history_only_when_something_changes(self):
        partner = self.customer()
        self.invoice(partner, 600_000)
        self.classify(partner, origin="schedule")
        # the customer code given at creation is in the history too, without class nor score
        code_row = self.History.search([("partner_id", "=", partner.id), ("origin", "=", "code")])
        self.assertEqual(len(code_row), 1)
        self.assertTrue(partner.customer_code)
        self.assertRecordValues(
            code_row,
            [
                {
                    "old_code": False,
                    "new_code": partner.customer_code,
                    "old_class_id": False,
                    "new_class_id": False,
                    "standard_id": False,
                    "snapshot": False,
                }
            ],
        )
        self.History.flush_model()
        self.env.cr.execute(
            "SELECT old_score IS NULL AND new_score IS NULL"
            "  FROM customer_classification_history WHERE id = %s",
            [code_row.id],
        )
        self.assertTrue(self.env.cr.fetchone()[0], "a code change has no score")
        history = self.History.search([("partner_id", "=", partner.id), ("origin", "!=", "code")])
        self.assertEqual(len(history), 1)
        self.assertRecordValues(
            history,
            [
                {
                    "old_class_id": False,
                    "new_class_id": self.classes["potential"].id,
                    "new_score": 48.0,
                    "origin": "schedule",
                    "company_id": self.company.id,
                    "standard_id": self.standard.id,
                }
            ],
        )
        self.assertEqual(history.snapshot["indicators"]["revenue"], 600_000)
        self.classify(partner, origin="schedule")
        self.assertEqual(self.History.search_count([("partner_id", "=", partner.id)]), 2)
        self.invoice(partner, 500_000)
        self.classify(partner, origin="schedule")
        last = self.History.search([("partner_id", "=", partner.id)], limit=1)
        # 1.1 M but a relationship under a year: high value, unstable -> potential
        self.assertEqual(last.old_class_id, self.classes["potential"])
        self.assertEqual(last.new_class_id, self.classes["potential"])
        self.assertEqual((last.old_score, last.new_score), (48.0, 72.0))

    def test_explanation_is_current(self):
        """The form explains today's figures and says when the next run will change the class."""
        partner = self.customer()
        self.invoice(partner, 600_000)
        result = self.classify(partner)
        self.assertEqual(result.explanation["indicators"]["revenue"], 600_000)
        self.assertNotIn("alert", result.explanation_html)
        value = result.explanation["dimensions"][0]
        self.assertEqual(
            (value["dimension"], value["values"]), ("Value contribution", {"revenue": 600_000})
        )
        self.invoice(partner, 700_000)
        result.invalidate_recordset(["explanation", "explanation_html"])
        # not evaluated again yet: the class is the same, the figures are new
        self.assertEqual(result.class_id, self.classes["potential"])
        self.assertEqual(result.explanation["indicators"]["revenue"], 1_300_000)
        self.assertEqual(result.explanation["class_id"], self.classes["potential"].id)
        self.assertIn("Value contribution", result.with_user(self.user).explanation_html)
        self.invoice(partner, 1_300_000, move_type="out_refund")
        result.invalidate_recordset(["explanation", "explanation_html"])
        self.assertEqual(result.explanation["indicators"]["revenue"], 0)
        self.assertNotEqual(result.explanation["class_id"], self.classes["potential"].id)
        self.assertIn("the next run will propose", result.explanation_html)

    def test_incremental_run_after_invoice(self):
        partner = self.customer()
        self.classify(partner)
        self.forget_marks()
        self.invoice(partner, 700_000)
        self.assertTrue(partner.classification_outdated)
        self.Partner._cron_reclassify_outdated()
        partner.invalidate_recordset()
        self.assertFalse(partner.classification_outdated)
        self.assertEqual(partner.customer_class_id, self.classes["potential"])

    def test_query_count_does_not_grow(self):
        def run(count):
            partners = self.Partner.create(
                [
                    {"name": f"Q{count}-{i}", "is_company": True, "customer_rank": 1}
                    for i in range(count)
                ]
            )
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            partners._reclassify()
            return self.env.cr.sql_log_count - before

        run(3)  # warm-up
        self.assertEqual(run(5), run(300))
