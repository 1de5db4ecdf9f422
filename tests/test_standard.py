import psycopg2.errors

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common_classification import ClassificationCase


@tagged("post_install", "-at_install")
class TestStandardDocument(ClassificationCase):
    """The standard as a versioned document: drafted, checked, activated, never broken."""

    def weights(self, standard):
        return {d.name: d.weight for d in standard.dimension_ids}

    def test_every_company_has_one_active_standard(self):
        self.assertEqual(self.standard.state, "active")
        self.assertEqual(
            self.weights(self.standard),
            {"Value contribution": 60, "Cooperation stability": 30, "Industry risk": 10},
        )
        default = self.env.ref("customer_classification.standard_default")
        self.assertEqual((default.version, default.company_id), (1, self.company))
        other = self.env["res.company"].create({"name": "Shenzhen Branch"})
        standard = self.Standard._active_for(other)
        self.assertEqual((standard.version, standard.state), (1, "active"))
        self.assertEqual(self.weights(standard), self.weights(default))
        self.assertEqual(len(standard.class_rule_ids), len(default.class_rule_ids))
        # its customers are classified with its own standard, in that company only
        partner = self.customer(company_id=other.id)
        partner._reclassify(companies=other)
        result = self.Result.search([("partner_id", "=", partner.id)])
        self.assertRecordValues(
            result,
            [
                {
                    "company_id": other.id,
                    "class_id": self.classes["prospect"].id,
                    "standard_id": standard.id,
                }
            ],
        )

    def test_new_version_copies_the_whole_standard(self):
        versions = self.Standard.search([("company_id", "=", self.company.id)]).mapped("version")
        draft = self.standard.action_new_version()
        draft = self.Standard.browse(draft["res_id"])
        self.assertEqual(draft.state, "draft")
        self.assertEqual(draft.version, max(versions) + 1)
        self.assertEqual(self.weights(draft), self.weights(self.standard))
        self.assertFalse(draft.dimension_ids & self.standard.dimension_ids)
        # rules point to the draft's own levels, with the same names
        for old, new in zip(self.standard.class_rule_ids, draft.class_rule_ids, strict=True):
            self.assertEqual(
                (new.name, new.class_id, sorted(new.level_ids.mapped("display_name"))),
                (old.name, old.class_id, sorted(old.level_ids.mapped("display_name"))),
            )
            self.assertLessEqual(new.level_ids, draft.dimension_ids.level_ids)
            self.assertEqual(len(new.condition_ids), len(old.condition_ids))
        self.assertEqual(len(draft.tag_rule_ids), len(self.standard.tag_rule_ids))
        self.assertEqual(
            draft.dimension_ids.level_ids.condition_ids.mapped("value"),
            self.standard.dimension_ids.level_ids.condition_ids.mapped("value"),
        )
        self.assertFalse(draft.problems)
        self.assertEqual(self.Standard._active_for(self.company), self.standard)

    def test_rebalance_and_add_esg_in_one_edit(self):
        """60/30/10 -> 50/30/10 + ESG 10 %, levels included, in one write of the draft."""
        draft = self.new_version()
        esg = self.env.ref("customer_classification.indicator_esg_rating")
        value = self.dimension("Value contribution", draft)
        draft.write(
            {
                "dimension_ids": [
                    Command.update(value.id, {"weight": 50}),
                    Command.create(
                        {
                            "name": "ESG compliance",
                            "weight": 10,
                            "sequence": 40,
                            "level_ids": [
                                Command.create(
                                    {
                                        "name": "Leading",
                                        "points": 100,
                                        "sequence": 10,
                                        "condition_ids": [
                                            Command.create(
                                                {
                                                    "indicator_id": esg.id,
                                                    "operator": "in",
                                                    "value_text": "a, b",
                                                }
                                            )
                                        ],
                                    }
                                ),
                                Command.create({"name": "Other", "points": 40, "sequence": 20}),
                            ],
                        }
                    ),
                ]
            }
        )
        self.assertFalse(draft.problems)
        self.activate(draft)
        rated = self.customer(classification_esg_rating="a")
        plain = self.customer()
        results = {r.partner_id: r for r in self.classify(rated | plain)}
        self.assertEqual(self.levels(results[rated])["ESG compliance"], "Leading")
        self.assertEqual(self.levels(results[plain])["ESG compliance"], "Other")
        # prospects: value Low (20 x 50 %), stability Unstable (20 x 30 %), risk Medium
        self.assertEqual(results[rated].score, 10 + 6 + 6 + 10)
        self.assertEqual(results[plain].score, 10 + 6 + 6 + 4)
        self.assertEqual(results[rated].standard_id, draft)

    def test_draft_with_bad_weights_saves_but_never_activates(self):
        draft = self.new_version()
        with Form(draft) as form, form.dimension_ids.edit(0) as line:
            line.weight = 50
        self.assertEqual(self.dimension("Value contribution", draft).weight, 50)
        self.assertEqual(draft.weight_total, 90)
        self.assertIn("not 90 %", draft.problems)
        for action in (draft.action_preview, draft.action_activate):
            with self.assertRaisesRegex(ValidationError, "not 90 %"):
                action()
        self.assertEqual(draft.state, "draft")
        self.assertEqual(self.Standard._active_for(self.company), self.standard)

    def test_problems_name_dimension_level_and_rule(self):
        draft = self.new_version()
        value = self.dimension("Value contribution", draft)
        low = self.level("Value contribution", "Low", draft)
        revenue = self.env.ref("customer_classification.indicator_revenue")
        # the catch-all level gets a condition: the dimension has no catch-all any more
        low.condition_ids = [
            Command.create({"indicator_id": revenue.id, "operator": "<", "value": 10})
        ]
        self.assertIn("The last level of the dimension Value contribution", draft.problems)
        # overlapping bands on one indicator
        high = self.level("Value contribution", "High", draft)
        mid = self.level("Value contribution", "Mid", draft)
        high.condition_ids = [
            Command.clear(),
            Command.create(
                {"indicator_id": revenue.id, "operator": "between", "value": 0, "value_to": 100}
            ),
        ]
        mid.condition_ids = [
            Command.clear(),
            Command.create(
                {"indicator_id": revenue.id, "operator": "between", "value": 50, "value_to": 200}
            ),
        ]
        self.assertIn("the levels High and Mid have overlapping ranges of revenue", draft.problems)
        # no fallback rule
        fallback = draft.class_rule_ids.sorted("sequence")[-1]
        fallback.unlink()
        last = draft.class_rule_ids.sorted("sequence")[-1]
        self.assertIn(f"The last class rule, {last.name}, must be a fallback", draft.problems)
        # an indicator archived, then of another kind, under a condition of the draft
        spend = self.env["customer.indicator"].create(
            {"name": "Spend", "code": "spend_test", "kind": "revenue"}
        )
        self.env["customer.condition"].create(
            {"rule_id": last.id, "indicator_id": spend.id, "operator": ">=", "value": 5}
        )
        # another kind that the condition no longer fits: refused, nothing changes
        with (
            self.assertRaisesRegex(ValidationError, "needs a numeric indicator"),
            self.env.cr.savepoint(),
        ):
            spend.kind = "industry_risk"
        self.assertEqual(spend.kind, "revenue")
        spend.active = False
        self.assertIn("The indicator Spend is archived.", draft.problems)
        with self.assertRaisesRegex(ValidationError, "Value contribution"):
            draft.action_activate()
        self.assertTrue(value.exists())

    def test_the_standard_in_force_cannot_change(self):
        dim = self.dimension("Value contribution")
        mid = self.level("Value contribution", "Mid")
        rule = self.standard.class_rule_ids[-1]
        message = "make a new version|New Version"
        with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
            dim.weight = 50
        with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
            mid.unlink()
        with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
            mid.condition_ids.value = 1
        with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
            rule.unlink()
        with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
            self.env["customer.class.rule"].create(
                {"name": "Extra", "standard_id": self.standard.id, "class_id": rule.class_id.id}
            )
        with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
            self.env["customer.dimension"].create(
                {"name": "Extra", "standard_id": self.standard.id, "weight": 0}
            )
        with (
            self.assertRaisesRegex(UserError, "Only drafts can be deleted"),
            self.env.cr.savepoint(),
        ):
            self.standard.unlink()
        # from the form too: deleting a used level of the standard in force
        with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint(), Form(dim) as form:
            form.level_ids.remove(index=1)
        self.assertEqual(dim.weight, 60)
        self.assertTrue(mid.exists())
        # the classes and indicators it uses stay active and cannot be deleted
        strategic = self.classes["strategic"]
        with self.assertRaisesRegex(ValidationError, "make a new version"), self.env.cr.savepoint():
            strategic.active = False
        with self.assertRaisesRegex(ValidationError, "make a new version"), self.env.cr.savepoint():
            strategic.unlink()
        revenue = self.env.ref("customer_classification.indicator_revenue")
        with self.assertRaisesRegex(ValidationError, "make a new version"), self.env.cr.savepoint():
            revenue.active = False
        with self.assertRaisesRegex(ValidationError, "make a new version"), self.env.cr.savepoint():
            revenue.unlink()
        # an archived version stays readable and unchangeable
        self.activate(self.new_version())
        old = self.Standard.search(
            [("company_id", "=", self.company.id), ("state", "=", "archived")], limit=1
        )
        with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
            old.dimension_ids[0].weight = 1

    def test_activation_archives_the_previous_version(self):
        previous = self.standard
        draft = self.new_version()
        self.dimension("Value contribution", draft).weight = 50
        self.dimension("Industry risk", draft).weight = 20
        self.activate(draft)
        self.assertEqual(previous.state, "archived")
        self.assertRecordValues(
            draft, [{"state": "active", "activated_by_id": self.env.uid, "run_queued": "config"}]
        )
        self.assertTrue(draft.activated_at)
        self.assertEqual(self.Standard._active_for(self.company), draft)
        self.assertEqual(self.weights(previous)["Value contribution"], 60)
        self.assertIn("Activated", draft.message_ids[0].body)
        partner = self.customer()
        self.invoice(partner, 600_000)
        result = self.classify(partner)
        self.assertEqual(result.standard_id, draft)
        self.assertEqual(result.score, 0.5 * 60 + 0.3 * 20 + 0.2 * 60)
        history = self.History.search([("partner_id", "=", partner.id), ("origin", "!=", "code")])
        self.assertEqual(history.standard_id, draft)

    def test_one_active_standard_per_company_in_the_database(self):
        draft = self.new_version()
        with (
            self.assertRaises(psycopg2.errors.ExclusionViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            draft.write({"state": "active"})
            draft.flush_recordset()
        with self.assertRaisesRegex(UserError, "is not a draft"):
            self.standard.action_activate()

    def test_only_administrators_change_standards(self):
        draft = self.new_version()
        for user in (self.user, self.manager):
            for method in ("action_new_version", "action_preview", "action_activate"):
                # AccessError is a UserError
                with self.subTest(user=user.login, method=method), self.assertRaises(UserError):
                    getattr(draft.with_user(user), method)()
            with self.assertRaises(AccessError):
                self.dimension("Value contribution", draft).with_user(user).weight = 50
        self.assertEqual(draft.state, "draft")

    def test_copy_to_companies_makes_drafts(self):
        other = self.env["res.company"].create({"name": "Chengdu Branch"})
        self.env.user.company_ids |= other
        wizard = self.env["customer.standard.copy.wizard"].create(
            {"standard_id": self.standard.id, "company_ids": [Command.set(other.ids)]}
        )
        action = wizard.action_copy()
        copy = self.Standard.search(action["domain"])
        self.assertRecordValues(copy, [{"company_id": other.id, "state": "draft", "version": 2}])
        self.assertEqual(self.weights(copy), self.weights(self.standard))
        self.assertEqual(copy.class_rule_ids.level_ids.company_id, other)
        self.assertFalse(copy.problems)
        with self.assertRaisesRegex(UserError, "at least one other company"):
            self.env["customer.standard.copy.wizard"].create(
                {"standard_id": self.standard.id}
            ).action_copy()

    def test_standards_of_another_company_are_not_visible(self):
        other = self.env["res.company"].create({"name": "Harbin Branch"})
        theirs = self.Standard._active_for(other)
        admin_a = self.env.ref("base.user_admin")
        admin_a.company_ids = self.company
        visible = self.Standard.with_user(admin_a).search([])
        self.assertIn(self.standard, visible)
        self.assertNotIn(theirs, visible)
        with self.assertRaises(AccessError):
            theirs.with_user(admin_a).action_new_version()
