from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import format_amount

from ..models.customer_standard import RUN_DONE
from .common_classification import ClassificationCase


@tagged("post_install", "-at_install")
class TestClassificationUx(ClassificationCase):
    """What users read and do: explanations for people, notifications, overrides."""

    def test_explanation_is_written_for_people(self):
        partner = self.customer()
        self.invoice(partner, 600_000)
        self.invoice(partner, 100, days_ago=800)
        html = str(self.classify(partner).explanation_html)
        amount = format_amount(self.env, 600_000, self.company.currency_id)
        self.assertIn(f"Revenue <b>{amount}</b>", html)
        self.assertIn("Relationship <b>2.2 years</b>", html)
        self.assertIn("Industry risk <b>Medium</b>", html)
        self.assertIn("Complaints <b>0</b>", html)
        for code in ("relationship_years", "revenue =", "<code>", "600000.0"):
            self.assertNotIn(code, html)

    def test_reclassify_says_what_happened(self):
        partner = self.customer()
        action = partner.with_user(self.user).action_reclassify()
        self.assertEqual(
            action["params"]["message"], "Customers re-evaluated: 1. Changed class: 0."
        )
        self.invoice(partner, 600_000)
        action = partner.with_user(self.user).action_reclassify()
        self.assertEqual(
            action["params"]["message"], "Customers re-evaluated: 1. Changed class: 1."
        )
        self.assertEqual(partner.customer_class_id, self.classes["potential"])

    def test_reclassify_needs_the_classification_groups(self):
        partner = self.customer()
        service = new_test_user(
            self.env,
            "cl_service",
            groups="base.group_user,customer_classification.group_customer_service",
        )
        plain = new_test_user(self.env, "cl_plain", groups="base.group_user")
        for user in (service, plain):
            with self.assertRaises(AccessError):
                partner.with_user(user).action_reclassify()
        for user in (service, plain, self.user):
            with self.assertRaises(AccessError):
                self.Partner.with_user(user).action_reclassify_all()
        with self.assertRaisesRegex(UserError, "Choose the customers"):
            self.Partner.with_user(self.user).action_reclassify()
        self.assertFalse(self.Result.search([("partner_id", "=", partner.id)]))

    def test_reclassify_all_reports_on_the_standard(self):
        self.standard.run_cursor = RUN_DONE  # the last run is over
        action = self.Partner.with_user(self.manager).action_reclassify_all()
        self.assertIn(self.standard.display_name, action["params"]["message"])
        self.assertEqual(self.standard.run_queued, "manual")
        self.Partner._cron_reclassify()
        self.assertEqual(self.standard.run_origin, "manual")
        while self.standard.run_cursor != RUN_DONE:
            self.Partner._cron_reclassify()
        in_scope = len(self.Partner._classification_partners(self.company))
        self.assertEqual(self.standard.last_run_evaluated, in_scope)
        self.assertIn(f"Customers re-evaluated: {in_scope}.", self.standard.message_ids[0].body)

    def test_override_removed_from_the_tab_and_the_board(self):
        partner = self.customer()
        self.invoice(partner, 600_000)
        self.classify(partner)
        partner.with_user(self.manager)._override_classification(
            self.classes["strategic"], "Framework agreement"
        )
        self.assertEqual(partner.customer_class_id, self.classes["strategic"])
        # dropped on the engine's own column: the wizard offers to remove the override
        Wizard = self.env["customer.classification.override.wizard"].with_user(self.manager)
        wizard = Wizard.create(
            {"partner_ids": partner.ids, "class_id": self.classes["potential"].id}
        )
        self.assertTrue(wizard.restores_engine_class)
        other = Wizard.create(
            {"partner_ids": partner.ids, "class_id": self.classes["optimization"].id}
        )
        self.assertFalse(other.restores_engine_class)
        wizard.action_remove_override()
        self.assertEqual(partner.customer_class_id, self.classes["potential"])
        self.assertFalse(partner.classification_override_class_id)
        # and from the Classification tab
        partner.with_user(self.manager)._override_classification(
            self.classes["strategic"], "Framework agreement"
        )
        with self.assertRaisesRegex(Exception, "Only Customer Classification Managers"):
            partner.with_user(self.user).action_remove_classification_override()
        partner.with_user(self.manager).action_remove_classification_override()
        self.assertEqual(partner.customer_class_id, self.classes["potential"])
        last = self.History.search([("partner_id", "=", partner.id)], limit=1)
        self.assertEqual(last.reason, "Override removed")

    def test_duplicate_code_message_reads_well(self):
        self.customer("Holder Co., Ltd.", customer_code="DUP-1")
        with self.assertRaises(ValidationError) as caught:
            self.customer("Newcomer", customer_code="DUP-1")
        message = caught.exception.args[0]
        self.assertIn("DUP-1 is already used by Holder Co., Ltd.: choose another one.", message)
        self.assertNotIn("..", message)

    def test_conditions_read_as_people_write_them(self):
        high = self.level("Value contribution", "High").condition_ids
        self.assertEqual(high.display_name, "Revenue ≥ 1,000,000")
        unstable = self.level("Cooperation stability", "Unstable").condition_ids
        self.assertEqual(unstable.mapped("display_name"), ["Relationship < 1", "Complaints ≥ 2"])
        low = self.level("Industry risk", "Low").condition_ids
        self.assertEqual(low.display_name, "Industry risk = low")

    def test_log_a_complaint_is_titled_so(self):
        partner = self.customer()
        complaint = partner.with_context(tracking_record_type="complaint")
        self.assertEqual(complaint.action_log_tracking_record()["name"], "Log a Complaint")
        self.assertEqual(partner.action_log_tracking_record()["name"], "Log a Contact")

    def test_settings_count_the_partners_in_scope(self):
        raw = self.env["res.config.settings"].create({}).classification_scope_domain
        domain = self.Partner._domain_from_text(raw)
        counted = self.Partner.with_context(customer_classification_scope=True).search_count(domain)
        self.assertEqual(counted, len(self.Partner._classification_partners(self.company)))
        # the companies' own partners match the raw domain but are never classified
        self.company.partner_id.customer_rank = 1
        self.assertEqual(
            self.Partner.with_context(customer_classification_scope=True).search_count(domain),
            counted,
        )
        # the raw domain alone counts more: the company's partner, contacts...
        self.assertGreater(self.Partner.search_count(domain), counted)

    def test_class_history_lists_no_code_changes(self):
        partner = self.customer()
        self.classify(partner)
        code_row = self.History.search([("partner_id", "=", partner.id), ("origin", "=", "code")])
        self.assertEqual(code_row.new_code, partner.customer_code)
        self.assertFalse(code_row.new_class_id)
        self.assertFalse(code_row.old_class_id)
        self.assertNotIn(code_row, partner.classification_history_ids)
        self.assertEqual(partner.classification_history_count, 1)
