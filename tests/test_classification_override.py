from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from ..models.customer_classification import PARAM_REVIEW_MODE
from .common_classification import ClassificationCase


@tagged("post_install", "-at_install")
class TestOverrideAndReview(ClassificationCase):
    def override(self, partner, klass, reason="Large first order", until=None, user=None):
        Wizard = self.env["customer.classification.override.wizard"].with_user(user or self.manager)
        action = partner.action_open_classification_override()
        with Form(Wizard.with_context(**action["context"])) as form:
            form.class_id = klass
            form.reason = reason
            if until:
                form.date_until = until
        form.record.action_apply()

    def test_override_sticks_and_engine_still_proposes(self):
        partner = self.customer("New big customer")
        self.invoice(partner, 200_000)
        self.classify(partner)
        self.override(partner, self.classes["strategic"])
        self.assertEqual(partner.customer_class_id, self.classes["strategic"])
        last = self.History.search([("partner_id", "=", partner.id)], limit=1)
        self.assertRecordValues(
            last,
            [
                {
                    "origin": "manual",
                    "reason": "Large first order",
                    "old_class_id": self.classes["optimization"].id,
                    "new_class_id": self.classes["strategic"].id,
                    "user_id": self.manager.id,
                }
            ],
        )
        # the schedule never silently overwrites it, but shows the engine's proposal
        result = self.classify(partner, origin="schedule")
        self.assertEqual(result.class_id, self.classes["strategic"])
        self.assertEqual(result.computed_class_id, self.classes["optimization"])
        self.assertEqual(partner.classification_computed_class_id, self.classes["optimization"])
        self.assertEqual(partner.classification_override_reason, "Large first order")

    def test_override_lapses_at_end_date(self):
        partner = self.customer()
        self.invoice(partner, 200_000)
        self.override(partner, self.classes["strategic"], until=self.today)
        self.assertEqual(self.classify(partner).class_id, self.classes["strategic"])
        result = self.classify(partner.with_context(), origin="schedule")
        self.assertEqual(result.class_id, self.classes["strategic"])
        # the next day, the schedule lets it lapse and says so
        result.sudo().override_until = self.today - relativedelta(days=1)
        result = self.classify(partner, origin="schedule")
        self.assertEqual(result.class_id, self.classes["optimization"])
        self.assertFalse(result.override_class_id)
        last = self.History.search([("partner_id", "=", partner.id)], limit=1)
        self.assertEqual(
            (last.new_class_id, last.reason), (self.classes["optimization"], "Override ended")
        )

    def test_override_needs_reason_and_manager(self):
        partner = self.customer()
        with self.assertRaises(AccessError):
            self.env["customer.classification.override.wizard"].with_user(self.user).create(
                {
                    "partner_ids": [partner.id],
                    "class_id": self.classes["strategic"].id,
                    "reason": "x",
                }
            )
        Wizard = self.env["customer.classification.override.wizard"].with_user(self.manager)
        wizard = Wizard.create(
            {"partner_ids": [partner.id], "class_id": self.classes["strategic"].id, "reason": " "}
        )
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_apply()
        wizard.reason = "ok"
        wizard.date_until = self.today - relativedelta(days=1)
        with self.assertRaisesRegex(UserError, "past"):
            wizard.action_apply()
        self.assertFalse(partner.customer_class_id)

    def test_remove_override(self):
        partner = self.customer()
        self.classify(partner)
        self.override(partner, self.classes["potential"])
        result = self.Result.search([("partner_id", "=", partner.id)])
        with self.assertRaises(UserError):
            result.with_user(self.user).action_remove_override()
        result.with_user(self.manager).action_remove_override()
        self.assertEqual(partner.customer_class_id, self.classes["prospect"])

    def test_review_mode(self):
        self.env["ir.config_parameter"].sudo().set_param(PARAM_REVIEW_MODE, True)
        partner = self.customer()
        self.invoice(partner, 100)
        self.assertEqual(self.classify(partner).class_id, self.classes["optimization"])
        self.invoice(partner, 700_000)
        result = self.classify(partner, origin="schedule")
        self.assertEqual(result.class_id, self.classes["optimization"])
        self.assertEqual(result.proposed_class_id, self.classes["potential"])
        self.assertEqual(partner.customer_class_id, self.classes["optimization"])
        history_count = self.History.search_count([("partner_id", "=", partner.id)])
        result.with_user(self.manager).action_accept_proposal()
        self.assertEqual(partner.customer_class_id, self.classes["potential"])
        self.assertFalse(result.proposed_class_id)
        self.assertEqual(
            self.History.search_count([("partner_id", "=", partner.id)]), history_count + 1
        )
        # a rejected proposal leaves the class alone
        other = self.customer("Other")
        self.invoice(other, 100)
        self.classify(other)
        self.invoice(other, 700_000)
        proposal = self.classify(other, origin="schedule")
        self.assertEqual(proposal.proposed_class_id, self.classes["potential"])
        with self.assertRaises(UserError):
            proposal.with_user(self.user).action_reject_proposal()
        action = proposal.with_user(self.manager).action_reject_proposal()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"reason": "A one-off order"})
        )
        wizard.action_reject()
        self.assertFalse(proposal.proposed_class_id)
        self.assertEqual(proposal.rejected_class_id, self.classes["potential"])
        self.assertEqual(other.customer_class_id, self.classes["optimization"])
        rejection = self.History.search([("partner_id", "=", other.id)], limit=1)
        self.assertEqual(rejection.user_id, self.manager)
        self.assertIn("Potential rejected: A one-off order", rejection.reason)
        # the next runs keep the decision while the engine proposes the same class...
        for _run in range(2):
            self.classify(other, origin="schedule")
            self.assertFalse(proposal.proposed_class_id)
            self.assertEqual(other.customer_class_id, self.classes["optimization"])
        # ...and propose again when it computes another one
        self.invoice(other, 1_200_000)
        self.invoice(other, 100, days_ago=3 * 366)
        self.classify(other, origin="schedule")
        self.assertEqual(proposal.proposed_class_id, self.classes["strategic"])
        self.assertFalse(proposal.rejected_class_id)
        with self.assertRaises(UserError):
            proposal.with_user(self.manager)._reject_proposal("  ")

    def test_accepting_a_proposal_applies_its_tags_at_once(self):
        self.env["ir.config_parameter"].sudo().set_param(PARAM_REVIEW_MODE, True)
        tag = self.env["res.partner.category"].create(
            {
                "name": "Grow them",
                "parent_id": self.env.ref(
                    "customer_classification.res_partner_category_classification"
                ).id,
            }
        )
        draft = self.new_version()
        self.env["customer.tag.rule"].create(
            {
                "standard_id": draft.id,
                "name": "Grow them: potential customers",
                "tag_id": tag.id,
                "class_ids": [self.classes["potential"].id],
            }
        )
        self.activate(draft)
        partner = self.customer()
        self.invoice(partner, 100)
        self.classify(partner)
        self.invoice(partner, 700_000)
        result = self.classify(partner, origin="schedule")
        self.assertEqual(result.proposed_class_id, self.classes["potential"])
        self.assertNotIn(tag, partner.category_id)
        result.with_user(self.manager).action_accept_proposal()
        self.assertEqual(partner.customer_class_id, self.classes["potential"])
        self.assertIn(tag, partner.category_id)

    def test_history_is_append_only(self):
        partner = self.customer()
        self.classify(partner)
        history = self.History.search([("partner_id", "=", partner.id)])
        for user in (self.user, self.manager):
            with self.assertRaises(AccessError):
                history.with_user(user).write({"reason": "x"})
            with self.assertRaises(AccessError):
                history.with_user(user).unlink()
        with self.assertRaises(UserError):
            history.sudo().unlink()

    def test_multi_company_results(self):
        """Each company classifies with its own standard and its own sales."""
        other = self.env["res.company"].create({"name": "Other Co"})
        # a new company classifies from day one, with its own copy of the default standard
        copy = self.Standard._active_for(other)
        self.assertEqual(copy.company_id, other)
        self.assertNotEqual(copy, self.standard)
        self.assertEqual(
            copy.dimension_ids.mapped("name"),
            self.env.ref("customer_classification.standard_default").dimension_ids.mapped("name"),
        )
        self.assertFalse(copy.dimension_ids & self.standard.dimension_ids)
        # its next version scores everyone 50 and makes them prospects
        draft = self.new_version(other)
        self.assertEqual(draft.company_id, other)
        draft.class_rule_ids.unlink()
        draft.tag_rule_ids.unlink()
        draft.dimension_ids.unlink()
        self.env["customer.dimension"].create(
            {
                "standard_id": draft.id,
                "name": "Everything",
                "weight": 100,
                "level_ids": [Command.create({"name": "All", "points": 50})],
            }
        )
        self.env["customer.class.rule"].create(
            {"standard_id": draft.id, "name": "Everyone", "class_id": self.classes["prospect"].id}
        )
        self.assertFalse(draft._problems())
        draft.action_activate()
        self.assertEqual(self.Standard._active_for(other), draft)
        self.assertEqual(copy.state, "archived")
        # the main company's standard is untouched
        self.assertEqual(self.Standard._active_for(self.company), self.standard)
        partner = self.customer()
        self.invoice(partner, 600_000)
        self.classify(partner)
        partner.with_company(other)._reclassify(companies=other)
        self.assertEqual(partner.customer_class_id, self.classes["potential"])
        self.assertEqual(partner.with_company(other).customer_class_id, self.classes["prospect"])
        self.assertEqual(partner.with_company(other).classification_score, 50)
        results = self.Result.search([("partner_id", "=", partner.id)])
        self.assertEqual(
            {r.company_id: r.standard_id for r in results},
            {self.company: self.standard, other: draft},
        )
        user_main = self.user
        self.assertEqual(
            self.Result.with_user(user_main).search([("partner_id", "=", partner.id)]).company_id,
            self.company,
        )
        grouped = dict(
            self.Partner._read_group([("id", "=", partner.id)], ["customer_class_id"], ["__count"])
        )
        self.assertEqual(grouped, {self.classes["potential"]: 1})
