"""Least privilege: who may do what, over the ORM and over JSON-RPC."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import json_rpc
from .common_classification import ClassificationCase

PASSWORD = "Least-privilege-1"


def user(env, login, groups, **kwargs):
    return new_test_user(env, login, groups=groups, password=PASSWORD, **kwargs)


@tagged("post_install", "-at_install")
class TestReclassifyOverRpc(HttpCase):
    """The buttons are public methods: reachable by anyone logged in, checked each time."""

    def rpc(self, login, method, args):
        return json_rpc(self, login, PASSWORD, "res.partner", method, args)

    def test_reclassify_needs_user_and_all_needs_manager(self):
        partner = self.env["res.partner"].create(
            {"name": "RPC customer", "is_company": True, "customer_rank": 1}
        )
        user(self.env, "cl_portal", "base.group_portal")
        user(self.env, "cl_plain", "base.group_user")
        user(self.env, "cl_invoicer", "base.group_user,account.group_account_invoice")
        user(self.env, "cl_service", "customer_classification.group_customer_service")
        user(self.env, "cl_rpc_user", "customer_classification.group_user")
        user(self.env, "cl_rpc_manager", "customer_classification.group_manager")
        History = self.env["customer.classification.history"]
        before = History.search_count([])
        # Odoo logs every refused call as a warning: 12 refusals here, 2 below
        with self.assertLogs("odoo.http", "WARNING") as refused:
            for login in ("cl_portal", "cl_plain", "cl_invoicer", "cl_service"):
                for method, args in (
                    ("action_reclassify", [[partner.id]]),
                    ("action_reclassify", [[]]),
                    ("action_reclassify_all", []),
                ):
                    with self.subTest(login=login, method=method, args=args):
                        answer = self.rpc(login, method, args)
                        self.assertIn("error", answer)
                        self.assertIn("AccessError", answer["error"]["data"]["name"])
            self.assertEqual(History.search_count([]), before, "nothing was rewritten")
            # a User re-evaluates given customers, not the whole company
            answer = self.rpc("cl_rpc_user", "action_reclassify", [[partner.id]])
            self.assertNotIn("error", answer)
            self.assertTrue(partner.classification_ids)
            answer = self.rpc("cl_rpc_user", "action_reclassify_all", [])
            self.assertIn("AccessError", answer["error"]["data"]["name"])
            answer = self.rpc("cl_rpc_user", "action_reclassify", [[]])
            self.assertIn("UserError", answer["error"]["data"]["name"])
        self.assertEqual(len(refused.output), 14)
        self.assertNotIn("error", self.rpc("cl_rpc_manager", "action_reclassify_all", []))


@tagged("post_install", "-at_install")
class TestLeastPrivilege(ClassificationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact_creator = user(
            cls.env, "cl_contacts", "base.group_user,base.group_partner_manager"
        )
        cls.service = user(
            cls.env,
            "cl_service_ui",
            "base.group_partner_manager,customer_classification.group_customer_service",
        )
        cls.salesperson = user(
            cls.env,
            "cl_sales",
            "sales_team.group_sale_salesman,customer_classification.group_user",
        )

    # ------------------------------------------------------------------
    # Class and score: the engine's only
    # ------------------------------------------------------------------
    def test_nobody_writes_class_or_score_through_the_orm(self):
        partner = self.customer()
        self.classify(partner)
        strategic = self.classes["strategic"]
        for env in (self.env(user=self.contact_creator), self.env(user=self.manager), self.env):
            records = env["res.partner"].browse(partner.id)
            for vals in (
                {"customer_class_id": strategic.id},
                {"classification_score": 99},
                {"customer_class_id": 999_999, "classification_score": 99},
            ):
                with self.subTest(user=env.user.login, vals=vals), self.assertRaises(UserError):
                    records.write(vals)
            with self.assertRaises(UserError):
                env["res.partner"].create({"name": "Forged", "customer_class_id": strategic.id})
        partner.invalidate_recordset()
        self.assertEqual(partner.customer_class_id, self.classes["prospect"])
        # duplicating a partner copies neither: the engine classifies the copy
        copy = partner.copy()
        self.assertFalse(copy.customer_class_id)

    def test_a_merge_leaves_class_and_score_to_the_engine(self):
        kept, merged = self.customer("Kept"), self.customer("Merged")
        self.invoice(merged, 700_000)
        self.classify(kept | merged)
        self.forget_marks()
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge([kept.id, merged.id], kept)
        self.assertFalse(merged.exists())
        # not copied from the merged partner by Odoo's field merge: the engine re-evaluated
        # the survivor with the invoice it now holds
        kept.invalidate_recordset()
        self.assertEqual(kept.customer_class_id, self.classes["potential"])
        self.assertEqual(kept.classification_score, 60 * 0.6 + 20 * 0.3 + 60 * 0.1)

    # ------------------------------------------------------------------
    # What drives the class: Managers only, tracked
    # ------------------------------------------------------------------
    def test_only_managers_change_what_drives_the_class_and_it_is_tracked(self):
        partner = self.customer()
        for name, value in (
            ("classification_cooperation_start", "2020-01-01"),
            ("classification_prospect", True),
            ("classification_size_band", "large"),
            ("classification_esg_rating", "d"),
        ):
            for someone in (self.service, self.contact_creator, self.user):
                with (
                    self.subTest(field=name, user=someone.login),
                    self.assertRaisesRegex(AccessError, "Only Customer Classification Managers"),
                ):
                    partner.with_user(someone).write({name: value})
        self.assertFalse(partner.classification_cooperation_start)
        # a partner made by anyone may leave them empty
        self.Partner.with_user(self.contact_creator).create({"name": "New lead"})
        with self.assertRaises(AccessError):
            self.Partner.with_user(self.contact_creator).create(
                {"name": "Old friend", "classification_cooperation_start": "2001-01-01"}
            )
        manager = user(
            self.env,
            "cl_mgr_contacts",
            "base.group_partner_manager,customer_classification.group_manager",
        )
        tracked = partner.with_user(manager).with_context(tracking_disable=False)
        tracked.write({"classification_cooperation_start": "2020-01-01"})
        self.env.cr.precommit.run()  # tracking is written when the transaction commits
        values = partner.sudo().message_ids.tracking_value_ids
        self.assertIn("classification_cooperation_start", values.field_id.mapped("name"))
        self.assertFalse(partner.with_user(self.service).classification_can_manage)
        self.assertTrue(partner.with_user(self.manager).classification_can_manage)

    # ------------------------------------------------------------------
    # Amounts: for users who may read invoices
    # ------------------------------------------------------------------
    def test_amounts_only_for_users_who_may_read_invoices(self):
        partner = self.customer()
        self.invoice(partner, 700_000)
        self.classify(partner)
        result = partner.classification_id
        history = self.History.search(
            [("partner_id", "=", partner.id), ("origin", "!=", "code")], limit=1
        )
        as_service = result.with_user(self.service)
        explanation = as_service.explanation
        self.assertNotIn("revenue", explanation["indicators"])
        self.assertNotIn("avg_order_value", explanation["indicators"])
        self.assertIn("order_count", explanation["indicators"])
        self.assertEqual(
            [row["level"] for row in explanation["dimensions"]],
            [row["level"] for row in result.explanation["dimensions"]],
        )
        self.assertNotIn("700,000", as_service.explanation_html)
        self.assertIn("Value contribution", as_service.explanation_html)
        service_history = history.with_user(self.service)
        with self.assertRaises(AccessError):
            service_history.read(["snapshot"])
        self.assertIn("Value contribution", service_history.snapshot_html)
        self.assertNotIn("700,000", service_history.snapshot_html)
        # a salesperson reads invoices: the amounts are there
        as_sales = result.with_user(self.salesperson)
        self.assertEqual(as_sales.explanation["indicators"]["revenue"], 700_000)
        self.assertIn("700,000", as_sales.explanation_html)
        self.assertIn("700,000", history.with_user(self.salesperson).snapshot_html)
        self.assertEqual(
            history.with_user(self.salesperson).read(["snapshot"])[0]["snapshot"]["indicators"][
                "revenue"
            ],
            700_000,
        )

    # ------------------------------------------------------------------
    # Tracking records
    # ------------------------------------------------------------------
    def test_users_edit_their_own_tracking_records_managers_all_and_it_is_tracked(self):
        partner = self.customer()
        other = user(self.env, "cl_other_user", "customer_classification.group_user")
        Record = self.env["customer.tracking.record"].with_context(tracking_disable=False)
        complaint = Record.with_user(self.user).create(
            {"partner_id": partner.id, "record_type": "complaint", "summary": "Late"}
        )
        self.env.cr.precommit.run()  # the record is saved: changes are tracked from now
        complaint.with_user(self.user).summary = "Late, twice"
        with self.assertRaises(AccessError):
            complaint.with_user(other).write({"record_type": "call"})
        with self.assertRaises(AccessError):
            complaint.with_user(other).write({"date": "2020-01-01 00:00:00"})
        complaint.with_user(self.manager).write(
            {"record_type": "call", "user_id": other.id, "date": "2020-01-01 00:00:00"}
        )
        self.env.cr.precommit.run()  # tracking is written when the transaction commits
        tracked = complaint.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        for name in ("record_type", "user_id", "date", "summary"):
            self.assertIn(name, tracked)
        # the adjustment is a Manager's: others neither see nor set it
        with self.assertRaises(AccessError):
            complaint.with_user(self.user).read(["adjustment"])
        with self.assertRaises(AccessError):
            complaint.with_user(self.user).write({"adjustment": "upgrade"})
        complaint.with_user(self.manager).adjustment = "upgrade"

    # ------------------------------------------------------------------
    # Codes: the holder named only to who may read it
    # ------------------------------------------------------------------
    def test_a_taken_code_names_its_holder_only_to_who_may_read_it(self):
        other = self.env["res.company"].create({"name": "Company B"})
        holder = self.customer("Secret holder", company_id=other.id, customer_code="TAKEN-1")
        outsider = user(
            self.env,
            "cl_outsider",
            "base.group_partner_manager,customer_classification.group_manager",
        )
        with self.assertRaisesRegex(ValidationError, "already taken") as caught:
            self.Partner.with_user(outsider).create({"name": "Me", "customer_code": "TAKEN-1"})
        self.assertNotIn(holder.name, str(caught.exception))
        insider = user(
            self.env,
            "cl_insider",
            "base.group_partner_manager,customer_classification.group_manager",
            company_id=self.company.id,
            company_ids=[self.company.id, other.id],
        )
        with self.assertRaisesRegex(ValidationError, "Secret holder"):
            self.Partner.with_user(insider).with_context(
                allowed_company_ids=[self.company.id, other.id]
            ).create({"name": "Me", "customer_code": "TAKEN-1"})

    # ------------------------------------------------------------------
    # Buttons only Managers may use are not shown to others
    # ------------------------------------------------------------------
    def test_manager_buttons_are_hidden_from_others(self):
        review = self.env.ref("customer_classification.customer_classification_view_kanban_review")
        tracking = self.env.ref("customer_classification.customer_tracking_record_view_form")
        for someone, shown in ((self.user, False), (self.manager, True)):
            arch = (
                self.env["customer.classification"]
                .with_user(someone)
                .get_view(review.id, "kanban")["arch"]
            )
            self.assertEqual("action_accept_proposal" in arch, shown)
            self.assertEqual("action_reject_proposal" in arch, shown)
            arch = (
                self.env["customer.tracking.record"]
                .with_user(someone)
                .get_view(tracking.id, "form")["arch"]
            )
            self.assertEqual('name="adjustment"' in arch, shown)
