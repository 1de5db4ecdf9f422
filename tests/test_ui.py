from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..models.customer_classification import PARAM_REVIEW_MODE
from .common_classification import ClassificationCase


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    def test_recode_tour(self):
        """In the browser: find a customer by its card, re-code it, read the history."""
        partner = self.env.ref("customer_classification.res_partner_us_pacific_imports")
        old_code = partner.customer_code
        self.start_tour("/odoo", "customer_classification_recode_tour", login="admin")
        self.assertEqual(partner.customer_code, "VIP-TOUR-01")
        history = partner.customer_code_history_ids.filtered(lambda h: h.origin == "recode")
        self.assertEqual(
            (history.old_code, history.reason), (old_code, "Key account since the tour")
        )

    def test_board_tour(self):
        """Drag a customer to another class: override wizard, reason, class and history."""
        partner = self.env.ref("customer_classification.res_partner_sd_qingdao_brewery")
        self.assertNotEqual(partner.customer_class_id.code, "strategic")
        self.start_tour("/odoo", "customer_classification_board_tour", login="admin")
        self.assertEqual(partner.customer_class_id.code, "strategic")
        self.assertEqual(
            partner.classification_id.override_reason, "Signed a five-year framework agreement"
        )

    def test_standard_tour(self):
        """New version, weights moved in one edit, preview, one cell of the matrix, activation."""
        Standard = self.env["customer.standard"]
        company = self.env.ref("base.main_company")
        previous = Standard._active_for(company)
        self.start_tour("/odoo", "customer_classification_standard_tour", login="admin")
        active = Standard._active_for(company)
        self.assertNotEqual(active, previous)
        self.assertEqual(previous.state, "archived")
        self.assertEqual(
            {d.name: d.weight for d in active.dimension_ids},
            {"Value contribution": 50, "Cooperation stability": 30, "Industry risk": 20},
        )
        self.assertEqual(active.run_queued, "config")

    def test_complaint_tour(self):
        """A sales user logs a complaint from the customer's form."""
        partner = self.env.ref("customer_classification.res_partner_hb_wuhan_steel")
        self.start_tour("/odoo", "customer_classification_complaint_tour", login="demo")
        complaint = self.env["customer.tracking.record"].search(
            [("partner_id", "=", partner.id), ("summary", "=", "Rusty bolts in the last delivery")]
        )
        self.assertEqual(complaint.record_type, "complaint")
        self.assertEqual(complaint.user_id, self.env.ref("base.user_demo"))

    def test_reject_tour(self):
        """Review mode: a Manager rejects a proposal from the board and says why."""
        self.env["ir.config_parameter"].sudo().set_param(PARAM_REVIEW_MODE, True)
        # the invoices of the engine's tests, as they make them
        self.product = self.env["product.product"].create({"name": "Machine"})
        self.today = fields.Date.context_today(self.env["res.partner"])
        partner = self.env["res.partner"].create(
            {"name": "Tour Proposal Ltd", "is_company": True, "customer_rank": 1}
        )
        ClassificationCase.invoice(self, partner, 100)
        partner._reclassify()
        ClassificationCase.invoice(self, partner, 700_000)
        partner._reclassify(origin="schedule")
        result = partner.classification_id
        potential = self.env.ref("customer_classification.class_potential")
        self.assertEqual(result.proposed_class_id, potential)
        self.start_tour(
            "/odoo/action-customer_classification.customer_classification_action_review",
            "customer_classification_reject_tour",
            login="admin",
        )
        result.invalidate_recordset()
        self.assertEqual(result.rejected_class_id, potential)
        self.assertFalse(result.proposed_class_id)
        history = self.env["customer.classification.history"].search(
            [("partner_id", "=", partner.id)], limit=1
        )
        self.assertIn("A one-off order: not growing", history.reason)

    def test_allocation_tour(self):
        """A manager allocates the unassigned customers: preview, then apply."""
        partner = self.env.ref("customer_classification.res_partner_ah_hefei_energy")
        self.assertFalse(partner.user_id)
        self.start_tour("/odoo", "customer_classification_allocation_tour", login="admin")
        sales = self.env.ref("sales_team.team_sales_department")
        self.assertEqual(partner.team_id, sales)
        self.assertIn(partner.user_id, sales.member_ids)
        run = self.env["customer.allocation.run"].search([], limit=1)
        self.assertEqual(run.state, "applied")
        self.assertIn(partner, run.line_ids.partner_id)
        # the new salesperson took over its follow-ups from the fallback user
        followups = self.env["mail.activity"].search(
            [("res_id", "=", partner.id), ("customer_followup_id", "!=", False)]
        )
        self.assertEqual(followups.user_id, partner.user_id)

    def test_followup_tour(self):
        """A salesperson marks a visit done from "My follow-ups"; the next one is planned."""
        partner = self.env.ref("customer_classification.res_partner_bj_precision")
        visit = self.env.ref("customer_classification.class_followup_strategic_visit")
        Activity = self.env["mail.activity"]
        domain = [("res_id", "=", partner.id), ("customer_followup_id", "=", visit.id)]
        before = Activity.search(domain)
        self.assertEqual(len(before), 1)
        self.start_tour("/odoo", "customer_classification_followup_tour", login="demo")
        after = Activity.search(domain)
        self.assertEqual(len(after), 1)
        self.assertNotEqual(after, before)
        self.assertEqual(
            after.date_deadline,
            fields.Date.context_today(partner) + timedelta(days=visit.interval_days),
        )
        done = self.env["customer.tracking.record"].search(
            [("partner_id", "=", partner.id), ("followup_id", "=", visit.id)]
        )
        self.assertEqual((done.record_type, done.user_id.login), ("visit", "demo"))
