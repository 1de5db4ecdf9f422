from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_classification import ClassificationCase


@tagged("post_install", "-at_install")
class TestConfiguration(ClassificationCase):
    """Every bad input is refused with a clear error, and nothing is saved."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.value = cls.env.ref("customer_classification.dimension_value")
        cls.revenue = cls.env.ref("customer_classification.indicator_revenue")
        cls.risk = cls.env.ref("customer_classification.indicator_industry_risk")
        cls.admin = cls.env.ref("base.user_admin")

    def test_weights_must_total_100(self):
        with self.assertRaisesRegex(ValidationError, "must total 100"), self.env.cr.savepoint():
            self.value.weight = 50
        self.assertEqual(self.value.weight, 60)
        # several weights changed together are checked once, at the end
        stability = self.env.ref("customer_classification.dimension_stability")
        deferred = self.env["customer.dimension"].with_context(customer_defer_weight_check=True)
        deferred.browse(self.value.id).weight = 50
        deferred.browse(stability.id).weight = 40
        self.env["customer.dimension"]._check_weight_totals(self.company)

    def test_archiving_a_dimension_breaks_the_total(self):
        with self.assertRaisesRegex(ValidationError, "must total 100"):
            self.env.ref("customer_classification.dimension_risk").active = False

    def test_dimension_needs_catch_all(self):
        low = self.env.ref("customer_classification.level_value_low")
        with self.assertRaisesRegex(ValidationError, "catch-all"), self.env.cr.savepoint():
            self.value.write(
                {
                    "level_ids": [
                        (
                            1,
                            low.id,
                            {
                                "condition_ids": [
                                    (
                                        0,
                                        0,
                                        {
                                            "indicator_id": self.revenue.id,
                                            "operator": "<",
                                            "value": 10,
                                        },
                                    )
                                ]
                            },
                        )
                    ]
                }
            )
        self.assertFalse(low.condition_ids)

    def test_overlapping_and_inverted_ranges(self):
        high = self.env.ref("customer_classification.level_value_high")
        mid = self.env.ref("customer_classification.level_value_mid")
        with self.assertRaisesRegex(ValidationError, "inverted"):
            self.env["customer.condition"].create(
                {
                    "level_id": high.id,
                    "indicator_id": self.revenue.id,
                    "operator": "between",
                    "value": 10,
                    "value_to": 5,
                }
            )
        with self.assertRaisesRegex(ValidationError, "overlapping"):
            self.value.write(
                {
                    "level_ids": [
                        (
                            1,
                            high.id,
                            {
                                "condition_ids": [
                                    (5, 0, 0),
                                    (
                                        0,
                                        0,
                                        {
                                            "indicator_id": self.revenue.id,
                                            "operator": "between",
                                            "value": 0,
                                            "value_to": 100,
                                        },
                                    ),
                                ]
                            },
                        ),
                        (
                            1,
                            mid.id,
                            {
                                "condition_ids": [
                                    (5, 0, 0),
                                    (
                                        0,
                                        0,
                                        {
                                            "indicator_id": self.revenue.id,
                                            "operator": "between",
                                            "value": 50,
                                            "value_to": 200,
                                        },
                                    ),
                                ]
                            },
                        ),
                    ]
                }
            )

    def test_wrong_value_types(self):
        level = self.env.ref("customer_classification.level_value_high")
        Condition = self.env["customer.condition"]
        with self.assertRaisesRegex(ValidationError, "numeric indicator"):
            Condition.create(
                {"level_id": level.id, "indicator_id": self.risk.id, "operator": ">=", "value": 1}
            )
        with self.assertRaisesRegex(ValidationError, "text values"):
            Condition.create({"level_id": level.id, "indicator_id": self.risk.id, "operator": "="})
        with self.assertRaisesRegex(ValidationError, "at least one value"):
            Condition.create({"level_id": level.id, "indicator_id": self.risk.id, "operator": "in"})
        with self.assertRaisesRegex(ValidationError, "negative"):
            Condition.create(
                {
                    "level_id": level.id,
                    "indicator_id": self.revenue.id,
                    "operator": ">=",
                    "value": -1,
                }
            )

    def test_rule_cannot_point_to_archived_class(self):
        archived = self.env["customer.class"].create(
            {"name": "Old", "code": "old", "active": False}
        )
        with self.assertRaisesRegex(ValidationError, "archived class"):
            self.env["customer.class.rule"].create({"name": "Bad", "class_id": archived.id})
        with self.assertRaisesRegex(ValidationError, "used by the rule"):
            self.classes["prospect"].active = False

    def test_unknown_partner_field_and_bad_code(self):
        Indicator = self.env["customer.indicator"]
        name_field = self.env["ir.model.fields"]._get("res.partner", "name")
        with self.assertRaisesRegex(ValidationError, "stored numeric or selection field"):
            Indicator.create(
                {
                    "name": "Name",
                    "code": "name_field",
                    "kind": "partner_field",
                    "field_id": name_field.id,
                }
            )
        with self.assertRaisesRegex(ValidationError, "stored numeric or selection field"):
            Indicator.create({"name": "Nothing", "code": "nothing", "kind": "partner_field"})
        with self.assertRaisesRegex(ValidationError, "lower-case"):
            Indicator.create({"name": "Bad", "code": "Bad Code", "kind": "revenue"})

    def test_partner_field_indicator(self):
        field = self.env["ir.model.fields"]._get("res.partner", "customer_rank")
        indicator = self.env["customer.indicator"].create(
            {"name": "Rank", "code": "rank", "kind": "partner_field", "field_id": field.id}
        )
        rule = self.env["customer.class.rule"].create(
            {
                "name": "Ranked",
                "sequence": 1,
                "class_id": self.classes["potential"].id,
                "condition_ids": [
                    (0, 0, {"indicator_id": indicator.id, "operator": ">=", "value": 5})
                ],
            }
        )
        partner = self.customer(customer_rank=7)
        result = self.classify(partner)
        self.assertEqual(result.rule_id, rule)
        self.assertEqual(result.explanation["indicators"]["rank"], 7)

    def test_company_size_band_indicator(self):
        size = self.env.ref("customer_classification.indicator_company_size")
        self.env["customer.class.rule"].create(
            {
                "name": "Large accounts",
                "sequence": 1,
                "class_id": self.classes["potential"].id,
                "condition_ids": [
                    (
                        0,
                        0,
                        {"indicator_id": size.id, "operator": "in", "value_text": "large, medium"},
                    )
                ],
            }
        )
        large, small = (
            self.customer(classification_size_band="large"),
            self.customer(classification_size_band="small"),
        )
        results = {r.partner_id: r for r in self.classify(large | small)}
        self.assertEqual(results[large].class_id, self.classes["potential"])
        self.assertEqual(results[small].class_id, self.classes["prospect"])

    def test_engine_refuses_inconsistent_standard(self):
        self.value.with_context(customer_defer_weight_check=True).weight = 10
        with self.assertRaisesRegex(UserError, "must total 100"):
            self.customer()._reclassify()

    def test_only_administrators_configure(self):
        for user in (self.user, self.manager):
            with self.assertRaises(AccessError):
                self.value.with_user(user).weight = 60
            with self.assertRaises(AccessError):
                self.env["customer.class"].with_user(user).create({"name": "X", "code": "x"})
        self.assertTrue(self.admin.has_group("customer_classification.group_admin"))

    def test_settings_validate_domain_and_window(self):
        Settings = self.env["res.config.settings"]
        with self.assertRaisesRegex(ValidationError, "not valid"):
            Settings.create({"classification_scope_domain": "[('nope', '=', 1)]"})
        with self.assertRaisesRegex(ValidationError, "at least one month"):
            Settings.create({"classification_window_months": 0})
