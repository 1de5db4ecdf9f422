"""Runs you can rely on, within one transaction: they never skip, see only what is in
force, never lose a mark, keep companies apart and tell automation what changed.
(Two transactions at once: test_classification_concurrency.py.)"""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from ..models import res_partner_classification
from ..models.customer_standard import RUN_DONE
from .common_classification import ClassificationCase


@tagged("post_install", "-at_install")
class TestRuns(ClassificationCase):
    def run_to_end(self, standard=None):
        """Call the scheduled action until the company's full run is done."""
        standard = standard or self.Standard._active_for(self.company)
        for _call in range(100):
            self.Partner._cron_reclassify()
            if standard.run_cursor == RUN_DONE:
                return
        self.fail("the full run never ends")

    def marked(self, partner):
        partner.invalidate_recordset(["classification_outdated"])
        return partner.classification_outdated

    def in_scope(self, company=None):
        return self.Partner._classification_partners(company or self.company)

    def other_companies_done(self):
        """Only the main company's run is under test: the others' are finished."""
        others = self.Standard.search(
            [("state", "=", "active"), ("company_id", "!=", self.company.id)]
        )
        others.run_cursor = RUN_DONE

    # ------------------------------------------------------------------
    # Never skip
    # ------------------------------------------------------------------
    def test_three_full_runs_in_a_row_each_evaluate_everyone(self):
        """Each run starts from the beginning, and sees what changed since the last one."""
        self.other_companies_done()
        partner = self.customer()
        with patch.object(res_partner_classification, "BATCH_SIZE", 7):
            invoice = self.invoice(partner, 700_000)
            invoice.button_draft()
            # each change is made after a finished run, and seen by the next one
            for change, expected in (
                (None, "prospect"),
                (invoice.action_post, "potential"),
                (invoice.button_draft, "prospect"),
            ):
                if change:
                    change()
                self.run_to_end()
                self.assertEqual(self.standard.last_run_evaluated, len(self.in_scope()))
                self.assertEqual(partner.customer_class_id, self.classes[expected])

    def test_every_company_is_evaluated_by_every_full_run(self):
        other = self.env["res.company"].create({"name": "Company B"})
        self.customer("B's customer", company_id=other.id)
        standards = self.Standard.search([("state", "=", "active")])
        with patch.object(res_partner_classification, "BATCH_SIZE", 50):
            for _run in range(3):
                for _call in range(200):
                    self.Partner._cron_reclassify()
                    if not standards._run_pending():
                        break
                for standard in standards:
                    self.assertEqual(
                        standard.last_run_evaluated, len(self.in_scope(standard.company_id))
                    )
                    standard.last_run_evaluated = 0

    def test_a_setting_changed_during_a_run_restarts_it(self):
        """Partners already done under the old setting are evaluated again."""
        self.other_companies_done()
        partner = self.customer()
        self.invoice(partner, 700_000)
        self.customer("Evaluated later")
        # a scheduled run under way, about to evaluate the partner
        self.standard.write({"run_cursor": partner.id - 1, "run_origin": "schedule"})
        with patch.object(res_partner_classification, "BATCH_SIZE", 1):
            self.Partner._cron_reclassify()
        self.assertEqual(self.standard.run_cursor, partner.id)
        self.assertEqual(partner.customer_class_id, self.classes["potential"])
        # revenue now comes from confirmed orders; the partner has none
        settings = self.env["res.config.settings"].create({})
        settings.classification_revenue_source = "sale_order"
        settings.execute()
        self.assertEqual(self.standard.run_queued, "config")
        with patch.object(res_partner_classification, "BATCH_SIZE", 50):
            self.run_to_end()
        self.assertEqual(self.standard.last_run_evaluated, len(self.in_scope()))
        self.assertEqual(partner.customer_class_id, self.classes["prospect"])

    def test_an_activation_during_a_run_restarts_it_with_the_new_standard(self):
        self.other_companies_done()
        self.standard._queue_run("schedule")
        with patch.object(res_partner_classification, "BATCH_SIZE", 5):
            self.Partner._cron_reclassify()
            self.assertGreater(self.standard.run_cursor, 0)
            draft = self.new_version()
            self.level("Value contribution", "High", draft).points = 95
            self.activate(draft)
            self.assertEqual(draft.run_queued, "config")
            self.run_to_end(draft)
        results = self.Result.search(
            [("company_id", "=", self.company.id), ("partner_id", "in", self.in_scope().ids)]
        )
        self.assertEqual(len(results), len(self.in_scope()))
        self.assertEqual(results.standard_id, draft)

    def test_an_indicator_change_restarts_the_runs(self):
        self.other_companies_done()
        self.standard.run_cursor = RUN_DONE
        revenue = self.env.ref("customer_classification.indicator_revenue")
        revenue.window_months = 24
        self.assertEqual(self.standard.run_queued, "config")
        self.Partner._cron_reclassify()
        self.assertEqual(self.standard.run_origin, "config")
        self.assertFalse(self.standard.run_queued)

    # ------------------------------------------------------------------
    # Only what is in force
    # ------------------------------------------------------------------
    def test_archived_partners_are_never_classified(self):
        partner = self.customer()
        partner.action_archive()
        self.invoice(partner, 700_000)
        self.Partner.browse(partner.id)._mark_for_reclassification()
        self.Partner._cron_reclassify_outdated()
        self.run_to_end()
        partner.invalidate_recordset()
        self.assertFalse(partner.classification_ids)
        self.assertNotIn(partner, self.in_scope())

    def test_runs_read_only_active_configuration_whatever_the_context(self):
        """A caller's ``active_test=False`` does not reach the configuration."""
        unused = self.env["customer.indicator"].create(
            {"name": "Old idea", "code": "old_idea", "kind": "order_count"}
        )
        unused.action_archive()
        partner = self.customer()
        self.Partner.with_context(active_test=False).browse(partner.id)._reclassify()
        history = self.History.search([("partner_id", "=", partner.id), ("origin", "!=", "code")])
        self.assertEqual(len(history), 1)
        self.assertNotIn("old_idea", history.snapshot["indicators"])
        self.assertIn("revenue", history.snapshot["indicators"])

    # ------------------------------------------------------------------
    # No change is lost
    # ------------------------------------------------------------------
    def test_a_complaint_logged_during_the_light_run_is_not_forgotten(self):
        partner = self.customer()
        self.invoice(partner, 1_200_000)
        self.forget_marks()
        self.complaint(partner)
        Result = type(self.Result)
        original = Result._run

        def run_and_complain(engine, company, partners, origin="schedule"):
            stats = original(engine, company, partners, origin)
            # another user logs a complaint while the light run works
            self.complaint(partner, days_ago=1)
            return stats

        with patch.object(Result, "_run", run_and_complain):
            self.Partner._cron_reclassify_outdated()
        self.assertTrue(self.marked(partner), "the complaint logged meanwhile keeps its mark")
        self.Partner._cron_reclassify_outdated()
        self.assertFalse(self.marked(partner))
        self.assertEqual(
            self.levels(partner.classification_id)["Cooperation stability"], "Unstable"
        )

    def test_a_complaint_turned_into_a_call_is_marked(self):
        partner = self.customer()
        complaint = self.complaint(partner)
        self.classify(partner)
        self.forget_marks()
        complaint.record_type = "call"
        self.assertTrue(self.marked(partner))
        self.forget_marks()
        call = self.env["customer.tracking.record"].create(
            {"partner_id": partner.id, "record_type": "call", "summary": "Hello"}
        )
        self.assertFalse(self.marked(partner))
        call.record_type = "complaint"
        self.assertTrue(self.marked(partner))
        self.forget_marks()
        call.unlink()
        self.assertTrue(self.marked(partner))

    def test_the_light_run_deletes_only_the_marks_it_read(self):
        first, second = self.customer("First"), self.customer("Second")
        self.forget_marks()
        first._mark_for_reclassification()
        second._mark_for_reclassification()
        with patch.object(res_partner_classification, "BATCH_SIZE", 1):
            self.Partner._cron_reclassify_outdated()
        self.assertFalse(self.marked(first))
        self.assertTrue(self.marked(second))

    # ------------------------------------------------------------------
    # One company never stops another
    # ------------------------------------------------------------------
    def test_a_failing_company_is_skipped_noted_once_and_shown(self):
        broken = self.env["res.company"].create({"name": "Broken"})
        self.other_companies_done()
        broken_standard = self.Standard._active_for(broken)
        broken_standard.run_cursor = 0
        self.customer("Broken's customer", company_id=broken.id)
        # broken behind the ORM's back: its weights no longer total 100
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "UPDATE customer_dimension SET weight = weight / 2 WHERE standard_id = %s",
                broken_standard.id,
            )
        )
        self.env.invalidate_all()
        partner = self.customer()
        self.standard._queue_run("schedule")
        with self.assertLogs("odoo.addons.customer_classification", "WARNING") as logs:
            self.run_to_end(broken_standard)
            self.run_to_end()
            # the next runs fail the same way: known, not logged again
            broken_standard.run_cursor = 0
            self.run_to_end(broken_standard)
            self.Partner._cron_reclassify_outdated()
        self.assertEqual(len(logs.output), 1, logs.output)
        self.assertEqual(partner.customer_class_id, self.classes["prospect"])
        self.assertIn("must total 100", broken_standard.run_error)
        self.assertIn("must total 100", broken_standard.message_ids[0].body)
        activity = broken_standard.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.has_group("customer_classification.group_admin"))
        settings = self.env["res.config.settings"].create({})
        self.assertIn("Broken", settings.classification_run_errors)
        # a new version fixes it: notice and activity go
        draft = self.new_version(broken)
        for dimension in draft.dimension_ids:
            dimension.weight *= 2
        draft.action_activate()
        self.assertFalse(broken_standard.activity_ids)
        self.assertFalse(broken_standard.run_error)
        self.run_to_end(draft)
        self.assertFalse(draft.run_error)
        self.assertFalse(self.env["res.config.settings"].create({}).classification_run_errors)

    def test_a_crash_in_one_company_does_not_stop_the_scheduled_actions(self):
        broken = self.env["res.company"].create({"name": "Crashing"})
        self.other_companies_done()
        self.Standard._active_for(broken).run_cursor = 0
        self.customer("Crashing's customer", company_id=broken.id)
        partner = self.customer()
        self.standard._queue_run("schedule")
        Result = type(self.Result)
        original = Result._indicator_values

        def crash_in_broken(engine, company, partner_ids, date_to):
            if company == broken:
                raise ZeroDivisionError("division by zero")
            return original(engine, company, partner_ids, date_to)

        with (
            patch.object(Result, "_indicator_values", crash_in_broken),
            self.assertLogs("odoo.addons.customer_classification", "WARNING") as logs,
        ):
            self.run_to_end(self.Standard._active_for(broken))
            self.run_to_end()
            self.assertEqual(partner.customer_class_id, self.classes["prospect"])
            partner._mark_for_reclassification()
            self.Partner._cron_reclassify_outdated()
            self.assertFalse(self.marked(partner))
        self.assertEqual(len(logs.output), 1, logs.output)
        self.assertIn("ZeroDivisionError", self.Standard._active_for(broken).run_error)

    # ------------------------------------------------------------------
    # One company never sees another
    # ------------------------------------------------------------------
    def test_a_company_classifies_only_the_partners_it_may_see(self):
        other = self.env["res.company"].create({"name": "Company B"})
        mine = self.customer("Mine only", company_id=self.company.id)
        shared = self.customer("Shared")
        self.invoice(mine, 700_000)
        scope_b = self.in_scope(other)
        self.assertNotIn(mine, scope_b)
        self.assertIn(shared, scope_b)
        # every way in: the whole company, given partners, the light run
        (mine | shared)._reclassify(other)
        self.Partner._reclassify(other)
        mine._mark_for_reclassification()
        self.Partner._cron_reclassify_outdated()
        self.run_to_end(self.Standard._active_for(other))
        results = self.Result.sudo().search([("partner_id", "=", mine.id)])
        self.assertEqual(results.company_id, self.company)
        history = self.History.sudo().search([("partner_id", "=", mine.id)])
        self.assertEqual(history.company_id, self.company)
        self.assertTrue(shared.with_company(other).customer_class_id)
        self.assertFalse(mine.with_company(other).customer_class_id)

    def test_results_and_history_follow_the_partners_visibility(self):
        other = self.env["res.company"].create({"name": "Company B"})
        partner = self.customer("Mine only", company_id=self.company.id)
        self.classify(partner)
        b_user = new_test_user(
            self.env,
            "cl_b_user",
            groups="base.group_user,customer_classification.group_user",
            company_id=other.id,
            company_ids=[other.id],
        )
        # the main company's result is readable only from the main company anyway: a user
        # of both companies working in B still sees it when A is allowed
        as_b = self.env(user=b_user)
        self.assertFalse(as_b["customer.classification"].search([("partner_id", "=", partner.id)]))
        self.assertFalse(
            as_b["customer.classification.history"].search([("partner_id", "=", partner.id)])
        )
        with self.assertRaises(AccessError):
            as_b["res.partner"].browse(partner.id).name  # noqa: B018
        self.assertTrue(
            self.env(user=self.user)["customer.classification"].search(
                [("partner_id", "=", partner.id)]
            )
        )

    def grant_vip_to_strategic(self, company):
        """A new version of ``company``'s standard: strategic customers are tagged VIP."""
        draft = self.new_version(company)
        self.env["customer.tag.rule"].create(
            {
                "standard_id": draft.id,
                "name": "VIP: strategic",
                "tag_id": self.vip.id,
                "class_ids": [self.classes["strategic"].id],
            }
        )
        draft.action_activate()
        return draft

    def test_two_companies_never_undo_each_others_tags(self):
        """Both companies manage the tag VIP; each result keeps what its company grants,
        and the partner wears what any company grants."""
        other = self.env["res.company"].create({"name": "Company B"})
        self.vip = self.env["res.partner.category"].create(
            {
                "name": "VIP",
                "parent_id": self.env.ref(
                    "customer_classification.res_partner_category_classification"
                ).id,
            }
        )
        self.grant_vip_to_strategic(self.company)
        self.grant_vip_to_strategic(other)
        partner = self.customer("Big in A")
        self.invoice(partner, 1_200_000)
        self.invoice(partner, 100, days_ago=3 * 366)
        self.classify(partner)
        self.assertEqual(partner.customer_class_id, self.classes["strategic"])
        self.assertIn(self.vip, partner.category_id)
        # in B the partner never bought: a prospect there, B does not grant VIP...
        partner._reclassify(other)
        self.assertEqual(partner.with_company(other).customer_class_id, self.classes["prospect"])
        self.assertNotIn(self.vip, partner.with_company(other).classification_id.tag_ids)
        # ...and does not take it away, in whichever order the companies run
        self.assertIn(self.vip, partner.category_id)
        self.Partner._reclassify(other | self.company)
        self.Partner._reclassify(self.company | other)
        self.assertIn(self.vip, partner.category_id)
        self.assertIn(self.vip, partner.classification_id.tag_ids)
        # A no longer grants it: nobody does, the tag goes
        self.env["account.move"].search([("partner_id", "=", partner.id)]).button_draft()
        self.classify(partner)
        self.assertNotIn(self.vip, partner.category_id)
        # a tag nobody manages is the users' own
        mine = self.env["res.partner.category"].create({"name": "Mine"})
        partner.category_id = [(4, mine.id)]
        self.Partner._reclassify(self.company | other)
        self.assertIn(mine, partner.category_id)

    # ------------------------------------------------------------------
    # Automation can react
    # ------------------------------------------------------------------
    def test_a_class_change_moves_write_date_and_calls_the_hook_once_per_batch(self):
        partners = self.customer("One") | self.customer("Two")
        self.classify(partners)
        self.invoice(partners[0], 700_000)
        self.invoice(partners[1], 700_000)
        past = fields.Datetime.now() - timedelta(days=3)
        self.env.flush_all()
        self.env.execute_query(
            SQL("UPDATE res_partner SET write_date = %s WHERE id = ANY(%s)", past, partners.ids)
        )
        self.env.invalidate_all()
        Partner = type(self.Partner)
        calls = []

        def hook(records, changes, origin):
            calls.append((records.env.company, sorted(records.ids), changes, origin))

        with patch.object(Partner, "_on_customer_class_changed", hook):
            self.classify(partners)
        self.assertEqual(len(calls), 1)
        company, ids, changes, origin = calls[0]
        self.assertEqual((company, ids, origin), (self.company, sorted(partners.ids), "manual"))
        prospect, potential = self.classes["prospect"].id, self.classes["potential"].id
        self.assertEqual(
            sorted(changes), sorted((pid, prospect, potential) for pid in partners.ids)
        )
        for partner in partners:
            self.assertGreater(partner.write_date, past)
            self.assertEqual(partner.write_uid, self.env.user)
        # nothing changed: nothing moves, no call
        self.env.execute_query(
            SQL("UPDATE res_partner SET write_date = %s WHERE id = ANY(%s)", past, partners.ids)
        )
        self.env.invalidate_all()
        with patch.object(Partner, "_on_customer_class_changed", hook):
            self.classify(partners)
        self.assertEqual(len(calls), 1)
        self.assertEqual(partners[0].write_date, past)

    def test_an_automation_rule_reacts_to_a_class_change(self):
        """Odoo's own Automation Rules see the engine's changes: here a rule "After last
        update" of a contact whose class is Potential tags it."""
        if "base.automation" not in self.env:
            self.skipTest("needs base_automation, which the test command installs")
        potential = self.classes["potential"]
        tag = self.env["res.partner.category"].create({"name": "Call this week"})
        automation = self.env["base.automation"].create(
            {
                "name": "New potential customers: call them this week",
                "trigger": "on_time_updated",
                "model_id": self.env.ref("base.model_res_partner").id,
                "trg_date_range": 0,
                "trg_date_range_type": "minutes",
                "filter_domain": repr([("customer_class_id", "=", potential.id)]),
            }
        )
        action = self.env["ir.actions.server"].create(
            {
                "name": "Tag them",
                "base_automation_id": automation.id,
                "model_id": self.env.ref("base.model_res_partner").id,
                "state": "code",
                "code": f"records.write({{'category_id': [(4, {tag.id})]}})",
            }
        )
        automation.write({"action_server_ids": [(4, action.id)]})
        partner = self.customer()
        self.classify(partner)
        self.invoice(partner, 700_000)
        past = fields.Datetime.now() - timedelta(hours=1)
        self.env.flush_all()
        self.env.execute_query(
            SQL("UPDATE res_partner SET write_date = %s WHERE id = %s", past, partner.id)
        )
        self.env.invalidate_all()
        automation.last_run = past + timedelta(minutes=1)
        automation._check()
        self.assertNotIn(tag, partner.category_id, "nothing changed since the last check")
        self.classify(partner)
        self.assertEqual(partner.customer_class_id, potential)
        automation._check()
        self.assertIn(tag, partner.category_id)
