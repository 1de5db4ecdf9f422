from datetime import date

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..wizard.customer_classification_review_wizard import _last_complete_quarter
from .common_review import CHINESE_NAME, review_wizard, setup_review_company


@tagged("post_install", "-at_install")
class TestClassificationReview(TransactionCase):
    """The review wizard: its period, its checks and the figures it prints."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        setup_review_company(cls)

    def test_last_complete_quarter(self):
        self.assertEqual(
            _last_complete_quarter(date(2026, 11, 29)), (date(2026, 7, 1), date(2026, 9, 1))
        )
        self.assertEqual(
            _last_complete_quarter(date(2026, 1, 1)), (date(2025, 10, 1), date(2025, 12, 1))
        )
        self.assertEqual(
            _last_complete_quarter(date(2026, 3, 31)), (date(2025, 10, 1), date(2025, 12, 1))
        )

    def test_defaults(self):
        Wizard = self.env["customer.classification.review.wizard"].with_user(self.review_manager)
        wizard = Wizard.with_company(self.review_company).create({})
        self.assertEqual((wizard.month_from, wizard.month_to), (self.month_from, self.month_to))
        self.assertEqual(wizard.company_id, self.review_company)

    def test_months_in_order(self):
        with self.assertRaisesRegex(ValidationError, "must not be after"):
            review_wizard(self, month_from=self.month_to, month_to=self.month_from)
        # the same month twice is a period of one month
        wizard = review_wizard(self, month_from=self.month_to)
        self.assertEqual(wizard._review_data()["class_rows"]["total"]["customers"], 5)

    def test_months_without_snapshot(self):
        later = self.month_to + relativedelta(months=1)
        wizard = review_wizard(self, month_to=later)
        with self.assertRaisesRegex(UserError, later.strftime("%Y-%m")):
            wizard.action_print()
        with self.assertRaisesRegex(UserError, "no classification snapshot"):
            wizard._review_data()

    def test_managers_only(self):
        wizard = review_wizard(self)
        with self.assertRaisesRegex(AccessError, "Only Customer Classification Managers"):
            wizard.with_user(self.review_user)._review_data()
        with self.assertRaises(AccessError):
            wizard.with_user(self.review_user).action_print()
        action = wizard.action_print()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            action["report_name"], "customer_classification.report_customer_classification_review"
        )

    def test_other_company(self):
        """A manager of another company cannot read this company's snapshots."""
        wizard = review_wizard(self)
        outsider = new_test_user(
            self.env, "outside_manager", groups="customer_classification.group_manager"
        )
        with self.assertRaisesRegex(AccessError, "review of this company"):
            wizard.with_user(outsider)._review_data()

    def test_class_table(self):
        data = review_wizard(self)._review_data()
        rows = {row["name"]: row for row in data["class_rows"]["rows"]}
        self.assertEqual(list(rows), ["Strategic", "Potential", "Prospect"])
        self.assertEqual(rows["Strategic"]["customers"], 2)
        self.assertAlmostEqual(rows["Strategic"]["share"], 40.0)
        # revenue over the three months, in the class at the end
        self.assertAlmostEqual(rows["Potential"]["revenue"], 580_000)
        self.assertAlmostEqual(rows["Strategic"]["revenue"], 130_000)
        self.assertAlmostEqual(rows["Potential"]["revenue_share"], 580_000 / 7_100)
        total = data["class_rows"]["total"]
        self.assertEqual((total["customers"], total["revenue"]), (5, 710_000))

    def test_matrix(self):
        matrix = review_wizard(self)._review_data()["matrix"]
        self.assertEqual(
            matrix["columns"], ["Strategic", "Potential", "Optimization", "Prospect", "No class"]
        )
        cells = {row["name"]: row["cells"] for row in matrix["rows"]}
        self.assertEqual(cells["Strategic"], [1, 1, 0, 0, 0])
        self.assertEqual(cells["Optimization"], [1, 0, 0, 0, 0])
        self.assertEqual(cells["No class"], [0, 0, 0, 1, 0])
        self.assertEqual(matrix["totals"], [2, 2, 0, 1, 0])
        self.assertEqual((matrix["total"], matrix["stayed"]), (5, 2))

    def test_movers(self):
        data = review_wizard(self)._review_data()
        self.assertEqual(
            [(m["partner"], m["from"], m["to"], m["steps"]) for m in data["movers_up"]],
            [(self.customers["shanghai"], "Optimization", "Strategic", 2)],
        )
        self.assertEqual(
            [(m["partner"].name, m["steps"], m["revenue"]) for m in data["movers_down"]],
            [(CHINESE_NAME, 1, 500_000)],
        )

    def test_movers_by_rank_then_revenue(self):
        """The biggest move first; equal moves by revenue over the period."""
        Snapshot = self.env["customer.classification.snapshot"].sudo()
        extra = self.env["res.partner"].create(
            {"name": "Big Mover", "is_company": True, "customer_rank": 1}
        )
        for month, code, revenue in (
            (self.month_from, "potential", 900_000),
            (self.month_to, "strategic", 0),
        ):
            Snapshot.create(
                {
                    "month": month,
                    "company_id": self.review_company.id,
                    "partner_id": extra.id,
                    "class_id": self.classes[code].id,
                    "revenue_month": revenue,
                    "lifecycle_stage": "active",
                }
            )
        up = review_wizard(self)._review_data()["movers_up"]
        self.assertEqual([m["partner"] for m in up], [self.customers["shanghai"], extra])

    def test_strategic_at_risk(self):
        rows = review_wizard(self)._review_data()["strategic_at_risk"]
        self.assertEqual(
            [(r["partner"], r["stage"], r["to"]) for r in rows],
            [
                (self.customers["beijing"], "At Risk", "Potential"),
                (self.customers["wuhan"], "Churned", "Strategic"),
            ],
        )
