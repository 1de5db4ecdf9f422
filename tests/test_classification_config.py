from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_classification import ClassificationCase

#: the refusal of any change to a part of the standard in force
IN_FORCE = "is active and cannot change: click New Version"


@tagged("post_install", "-at_install")
class TestConfiguration(ClassificationCase):
    """Every bad input is refused with a clear error: a condition that can never be evaluated
    on save, a draft that cannot classify yet at preview and activation, and any change to the
    standard in force, which never changes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("customer_classification.indicator_revenue")
        cls.risk = cls.env.ref("customer_classification.indicator_industry_risk")
        cls.admin = cls.env.ref("base.user_admin")

    def assertRefused(self, draft, message):
        """``draft`` saves, names ``message`` among its problems, but is neither previewed nor
        activated; the standard in force stays in force."""
        self.assertEqual(draft.state, "draft")
        self.assertTrue(any(message in problem for problem in draft._problems()), draft._problems())
        self.assertIn(message, draft.problems)
        with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
            draft.action_preview()
        with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
            draft.action_activate()
        self.assertEqual(draft.state, "draft")
        self.assertEqual(self.standard.state, "active")
        self.assertEqual(self.Standard._active_for(self.company), self.standard)

    def test_weights_must_total_100(self):
        # the standard in force is never edited: a new version is
        with self.assertRaisesRegex(UserError, IN_FORCE), self.env.cr.savepoint():
            self.dimension("Value contribution").weight = 50
        self.assertEqual(self.dimension("Value contribution").weight, 60)
        draft = self.new_version()
        value = self.dimension("Value contribution", draft)
        value.weight = 50  # a draft saves half done
        self.assertEqual(value.weight, 50)
        self.assertEqual(draft.weight_total, 90)
        self.assertRefused(draft, "must total 100 %, not 90 %")
        # several weights changed, in several saves, are checked once, at activation
        self.dimension("Cooperation stability", draft).weight = 40
        self.assertEqual(draft.weight_total, 100)
        self.assertFalse(draft._problems())
        self.assertFalse(draft.problems)
        self.activate(draft)
        self.assertEqual(draft.state, "active")
        self.assertEqual(self.Standard._active_for(self.company), draft)

    def test_deleting_a_dimension_breaks_the_total(self):
        draft = self.new_version()
        self.dimension("Industry risk", draft).unlink()
        self.assertEqual(
            draft.dimension_ids.mapped("name"), ["Value contribution", "Cooperation stability"]
        )
        self.assertEqual(draft.weight_total, 90)
        self.assertRefused(draft, "must total 100 %, not 90 %")
        # the dimension of the standard in force cannot go
        with self.assertRaisesRegex(UserError, IN_FORCE), self.env.cr.savepoint():
            self.dimension("Industry risk").unlink()
        self.assertTrue(self.dimension("Industry risk"))

    def test_dimension_needs_catch_all(self):
        condition = {"indicator_id": self.revenue.id, "operator": "<", "value": 10}
        low = self.level("Value contribution", "Low")
        with self.assertRaisesRegex(UserError, IN_FORCE), self.env.cr.savepoint():
            low.write({"condition_ids": [Command.create(condition)]})
        self.assertFalse(low.condition_ids)
        draft = self.new_version()
        draft_low = self.level("Value contribution", "Low", draft)
        draft_low.write({"condition_ids": [Command.create(condition)]})
        self.assertEqual(len(draft_low.condition_ids), 1)
        self.assertRefused(draft, "The last level of the dimension Value contribution")
        self.assertIn("catch-all", draft.problems)
        self.assertFalse(low.condition_ids)

    def test_overlapping_and_inverted_ranges(self):
        draft = self.new_version()
        high = self.level("Value contribution", "High", draft)
        mid = self.level("Value contribution", "Mid", draft)
        # an inverted range is refused on save, even in a draft
        with self.assertRaisesRegex(ValidationError, "inverted"), self.env.cr.savepoint():
            self.env["customer.condition"].create(
                {
                    "level_id": high.id,
                    "indicator_id": self.revenue.id,
                    "operator": "between",
                    "value": 10,
                    "value_to": 5,
                }
            )
        self.assertEqual(len(high.condition_ids), 1)
        # overlapping ranges of two levels are saved in a draft, but keep it from activation
        self.dimension("Value contribution", draft).write(
            {
                "level_ids": [
                    Command.update(
                        high.id,
                        {
                            "condition_ids": [
                                Command.clear(),
                                Command.create(
                                    {
                                        "indicator_id": self.revenue.id,
                                        "operator": "between",
                                        "value": 0,
                                        "value_to": 100,
                                    }
                                ),
                            ]
                        },
                    ),
                    Command.update(
                        mid.id,
                        {
                            "condition_ids": [
                                Command.clear(),
                                Command.create(
                                    {
                                        "indicator_id": self.revenue.id,
                                        "operator": "between",
                                        "value": 50,
                                        "value_to": 200,
                                    }
                                ),
                            ]
                        },
                    ),
                ]
            }
        )
        self.assertEqual(mid.condition_ids.mapped("value_to"), [200])
        self.assertRefused(draft, "overlapping ranges of revenue")
        self.assertIn("the levels High and Mid", draft.problems)

    def test_wrong_value_types(self):
        # refused on save, even in a draft
        draft = self.new_version()
        level = self.level("Value contribution", "High", draft)
        Condition = self.env["customer.condition"]
        with self.assertRaisesRegex(ValidationError, "numeric indicator"), self.env.cr.savepoint():
            Condition.create(
                {"level_id": level.id, "indicator_id": self.risk.id, "operator": ">=", "value": 1}
            )
        with self.assertRaisesRegex(ValidationError, "text values"), self.env.cr.savepoint():
            Condition.create({"level_id": level.id, "indicator_id": self.risk.id, "operator": "="})
        with self.assertRaisesRegex(ValidationError, "at least one value"), self.env.cr.savepoint():
            Condition.create({"level_id": level.id, "indicator_id": self.risk.id, "operator": "in"})
        with self.assertRaisesRegex(ValidationError, "negative"), self.env.cr.savepoint():
            Condition.create(
                {
                    "level_id": level.id,
                    "indicator_id": self.env.ref(
                        "customer_classification.indicator_order_count"
                    ).id,
                    "operator": ">=",
                    "value": -1,
                }
            )
        self.assertEqual(level.condition_ids.mapped("indicator_id"), self.revenue)
        self.assertFalse(draft._problems())

    def test_rule_cannot_point_to_archived_class(self):
        archived = self.env["customer.class"].create(
            {"name": "Old", "code": "old", "active": False}
        )
        draft = self.new_version()
        with self.assertRaisesRegex(ValidationError, "archived class"), self.env.cr.savepoint():
            self.env["customer.class.rule"].create(
                {"name": "Bad", "standard_id": draft.id, "class_id": archived.id}
            )
        self.assertFalse(draft.class_rule_ids.filtered(lambda r: r.name == "Bad"))
        with self.assertRaisesRegex(ValidationError, "used by the rule"), self.env.cr.savepoint():
            self.classes["prospect"].active = False
        self.assertTrue(self.classes["prospect"].active)

    def test_class_of_an_archived_version_can_be_archived(self):
        """Only the rules of the standard in force and of drafts keep a class active."""
        legacy = self.env["customer.class"].create({"name": "Legacy", "code": "legacy"})
        draft = self.new_version()
        self.env["customer.class.rule"].create(
            {
                "name": "Legacy: high value",
                "sequence": 1,
                "standard_id": draft.id,
                "class_id": legacy.id,
                "level_ids": [Command.link(self.level("Value contribution", "High", draft).id)],
            }
        )
        with (
            self.assertRaisesRegex(ValidationError, "used by the rule Legacy: high value"),
            self.env.cr.savepoint(),
        ):
            legacy.active = False
        self.activate(draft)
        with (
            self.assertRaisesRegex(ValidationError, "used by the rule Legacy: high value"),
            self.env.cr.savepoint(),
        ):
            legacy.active = False
        # the next version drops the rule: once it is in force, the class can go
        without = self.new_version()
        without.class_rule_ids.filtered(lambda r: r.class_id == legacy).unlink()
        with (
            self.assertRaisesRegex(ValidationError, "used by the rule Legacy: high value"),
            self.env.cr.savepoint(),
        ):
            legacy.active = False  # the version in force still gives it
        self.activate(without)
        self.assertEqual(draft.state, "archived")
        legacy.active = False
        self.assertFalse(legacy.active)

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
        draft = self.new_version()
        rule = self.env["customer.class.rule"].create(
            {
                "name": "Ranked",
                "sequence": 1,
                "standard_id": draft.id,
                "class_id": self.classes["potential"].id,
                "condition_ids": [
                    Command.create({"indicator_id": indicator.id, "operator": ">=", "value": 5})
                ],
            }
        )
        # the rule is edited and activated in one transaction here, not in two requests as in
        # the web client: read the rules again, in their order (the cache appends new ones)
        draft.invalidate_recordset(["class_rule_ids"])
        partner = self.customer(customer_rank=7)
        # the draft does not classify yet: the standard in force does
        before = self.classify(partner)
        self.assertEqual(before.standard_id, self.standard)
        self.assertEqual(before.class_id, self.classes["prospect"])
        self.activate(draft)
        result = self.classify(partner)
        self.assertEqual(result.rule_id, rule)
        self.assertEqual(result.standard_id, draft)
        self.assertEqual(result.class_id, self.classes["potential"])
        self.assertEqual(result.explanation["indicators"]["rank"], 7)

    def test_company_size_band_indicator(self):
        size = self.env.ref("customer_classification.indicator_company_size")
        draft = self.new_version()
        self.env["customer.class.rule"].create(
            {
                "name": "Large accounts",
                "sequence": 1,
                "standard_id": draft.id,
                "class_id": self.classes["potential"].id,
                "condition_ids": [
                    Command.create(
                        {"indicator_id": size.id, "operator": "in", "value_text": "large, medium"}
                    )
                ],
            }
        )
        draft.invalidate_recordset(["class_rule_ids"])  # as in test_partner_field_indicator
        self.activate(draft)
        large, small = (
            self.customer(classification_size_band="large"),
            self.customer(classification_size_band="small"),
        )
        results = {r.partner_id: r for r in self.classify(large | small)}
        self.assertEqual(results[large].class_id, self.classes["potential"])
        self.assertEqual(results[small].class_id, self.classes["prospect"])

    def test_engine_refuses_inconsistent_standard(self):
        value = self.dimension("Value contribution")
        # the standard in force cannot be made inconsistent: every edit is refused
        with self.assertRaisesRegex(UserError, IN_FORCE), self.env.cr.savepoint():
            value.weight = 10
        with self.assertRaisesRegex(UserError, IN_FORCE), self.env.cr.savepoint():
            value.unlink()
        with self.assertRaisesRegex(UserError, IN_FORCE), self.env.cr.savepoint():
            self.env["customer.dimension"].create(
                {"name": "Extra", "weight": 10, "standard_id": self.standard.id}
            )
        with self.assertRaisesRegex(UserError, IN_FORCE), self.env.cr.savepoint():
            self.standard.class_rule_ids[-1:].unlink()
        self.assertEqual(value.weight, 60)
        self.assertFalse(self.standard._problems())
        # a draft with bad weights is never put in force
        draft = self.new_version()
        self.dimension("Value contribution", draft).weight = 10
        with (
            self.assertRaisesRegex(ValidationError, "must total 100 %, not 50 %"),
            self.env.cr.savepoint(),
        ):
            draft.action_activate()
        self.assertEqual(self.Standard._active_for(self.company), self.standard)
        result = self.classify(self.customer())
        self.assertEqual(result.standard_id, self.standard)
        self.assertEqual(result.class_id, self.classes["prospect"])
        # and should the standard in force be broken behind the ORM's back, the engine
        # refuses it rather than classify with it
        self.env.flush_all()
        self.env.cr.execute("UPDATE customer_dimension SET weight = 10 WHERE id = %s", [value.id])
        self.env.invalidate_all()
        with (
            self.assertRaisesRegex(UserError, "must total 100 %, not 50 %"),
            self.env.cr.savepoint(),
        ):
            self.customer()._reclassify()

    def test_only_administrators_configure(self):
        draft = self.new_version()
        value = self.dimension("Value contribution", draft)
        for user in (self.user, self.manager):
            with self.assertRaises(AccessError):
                value.with_user(user).weight = 50
            with self.assertRaises(AccessError):
                self.env["customer.class"].with_user(user).create({"name": "X", "code": "x"})
        self.assertEqual(value.weight, 60)
        self.assertFalse(self.env["customer.class"].search([("code", "=", "x")]))
        self.assertTrue(self.admin.has_group("customer_classification.group_admin"))
        # what they may not do, an administrator does
        value.with_user(self.admin).weight = 50
        self.assertEqual(value.weight, 50)

    def test_settings_validate_domain_and_window(self):
        Settings = self.env["res.config.settings"]
        with self.assertRaisesRegex(ValidationError, "not valid"):
            Settings.create({"classification_scope_domain": "[('nope', '=', 1)]"})
        for months in (0, 121, 24_000):
            with self.assertRaisesRegex(ValidationError, "out of range .1 to 120"):
                Settings.create({"classification_window_months": months})
