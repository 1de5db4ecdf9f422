from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form

from .common import CustomerCodeCase


class TestCodeRecode(CustomerCodeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.Partner.create(
            {"name": "Recoded Ltd", "is_company": True, "customer_rank": 1}
        )
        cls.old_code = cls.partner.customer_code

    def recode(self, user=None, **vals):
        Wizard = self.env["customer.code.recode.wizard"].with_user(user or self.manager)
        action = self.partner.with_user(user or self.manager).action_open_customer_code_recode()
        with Form(Wizard.with_context(**action["context"])) as form:
            for name, value in vals.items():
                setattr(form, name, value)
        return form.record.action_apply()

    def test_recode_typed(self):
        self.recode(mode="new", new_code="VIP-0001", reason="Became a key account")
        self.assertEqual(self.partner.customer_code, "VIP-0001")
        last = self.History.search(
            [("partner_id", "=", self.partner.id), ("origin", "=", "recode")]
        )
        self.assertRecordValues(
            last,
            [
                {
                    "old_code": self.old_code,
                    "new_code": "VIP-0001",
                    "origin": "recode",
                    "user_id": self.manager.id,
                    "reason": "Became a key account",
                }
            ],
        )
        self.assertTrue(last.date)

    def test_recode_regenerate(self):
        self.recode(mode="regenerate", reason="Wrong region")
        self.assertEqual(self.partner.customer_code, self.expected(2))
        self.assertEqual(self.partner.customer_code_history_count, 2)

    def test_old_code_stays_searchable(self):
        self.recode(mode="new", new_code="VIP-0002", reason="Renamed")
        self.assertEqual(
            self.Partner.search([("customer_code_history_ids.old_code", "=", self.old_code)]),
            self.partner,
        )
        found = self.Partner.name_search(self.old_code)
        self.assertEqual([pid for pid, _name in found], [self.partner.id])

    def test_reason_required(self):
        Wizard = self.env["customer.code.recode.wizard"].with_user(self.manager)
        with (
            self.assertRaisesRegex(AssertionError, "reason"),
            Form(Wizard.with_context(default_partner_id=self.partner.id)) as form,
        ):
            form.mode = "new"
            form.new_code = "Q-1"
        wizard = Wizard.create(
            {"partner_id": self.partner.id, "mode": "new", "new_code": "Q-1", "reason": "  "}
        )
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_apply()
        self.assertEqual(self.partner.customer_code, self.old_code)

    def test_same_code_refused(self):
        with self.assertRaisesRegex(UserError, "same as the current"):
            self.recode(mode="new", new_code=self.old_code, reason="noop")

    def test_duplicate_refused(self):
        other = self.Partner.create({"name": "Other Ltd", "customer_code": "TAKEN-1"})
        with self.assertRaisesRegex(ValidationError, "TAKEN-1 is already used by Other Ltd"):
            self.recode(mode="new", new_code="TAKEN-1", reason="clash")
        self.assertEqual(self.partner.customer_code, self.old_code)
        self.assertEqual(other.customer_code, "TAKEN-1")

    def test_user_cannot_recode(self):
        with self.assertRaises(AccessError):
            self.env["customer.code.recode.wizard"].with_user(self.user).create(
                {"partner_id": self.partner.id, "mode": "new", "new_code": "U-1", "reason": "try"}
            )

    def test_code_read_only_once_assigned(self):
        for user in (self.user, self.manager, self.admin):
            with (
                self.subTest(user=user.login),
                self.assertRaisesRegex(UserError, "cannot be changed once assigned"),
            ):
                self.partner.with_user(user).sudo().write({"customer_code": "HACK-1"})
        self.assertEqual(self.partner.customer_code, self.old_code)

    def test_form_shows_code_read_only(self):
        with Form(self.partner.with_user(self.manager)) as form:
            self.assertTrue(form.customer_code_locked)
            self.assertEqual(form.customer_code, self.old_code)
            with self.assertRaises(AssertionError):
                form.customer_code = "EDIT-1"

    def test_new_partner_code_typed_in_form(self):
        with Form(self.Partner.with_user(self.manager)) as form:
            form.name = "Typed in form"
            form.customer_code = "FORM-1"
        self.assertEqual(form.record.customer_code, "FORM-1")
        self.assertEqual(form.record.customer_code_history_ids.origin, "manual")

    def test_history_is_append_only(self):
        history = self.partner.customer_code_history_ids
        for user in (self.user, self.manager, self.admin):
            with self.assertRaises(AccessError):
                history.with_user(user).write({"reason": "rewrite"})
            with self.assertRaises(AccessError):
                history.with_user(user).unlink()
            with self.assertRaises(AccessError):
                self.History.with_user(user).create(
                    {"partner_id": self.partner.id, "origin": "manual"}
                )
        with self.assertRaises(UserError):
            history.sudo().write({"reason": "rewrite"})
        with self.assertRaises(UserError):
            history.sudo().unlink()
