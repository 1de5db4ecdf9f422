import psycopg2.errors

from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from .common import CustomerCodeCase


class TestCodeUniqueness(CustomerCodeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.holder = cls.Partner.create({"name": "Holder Ltd", "customer_code": "X-1"})

    def scope(self, scope):
        self.Partner._apply_code_unique_index(scope)

    def test_duplicate_typed_by_hand_names_holder(self):
        with self.assertRaisesRegex(ValidationError, "X-1 is already used by Holder Ltd"):
            self.Partner.create({"name": "Copycat", "customer_code": "X-1"})
        self.assertFalse(self.Partner.search([("name", "=", "Copycat")]))

    def test_duplicate_on_write_changes_nothing(self):
        partner = self.Partner.create({"name": "Blank", "email": "old@example.com"})
        with self.assertRaisesRegex(ValidationError, "already used by Holder Ltd"):
            partner.write({"customer_code": "X-1", "email": "new@example.com"})
        partner.invalidate_recordset()
        self.assertFalse(partner.customer_code)
        self.assertEqual(partner.email, "old@example.com")

    def test_enforced_by_the_database(self):
        """Even raw SQL cannot create a duplicate: the index, not Python, decides."""
        partner = self.Partner.create({"name": "Raw"})
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "UPDATE res_partner SET customer_code = 'X-1' WHERE id = %s", [partner.id]
            )

    def test_global_scope_across_companies(self):
        self.scope("global")
        with self.assertRaisesRegex(ValidationError, "already used"):
            self.Partner.create(
                {"name": "B partner", "customer_code": "X-1", "company_id": self.company_b.id}
            )

    def test_company_scope(self):
        self.scope("company")
        own = self.Partner.create(
            {"name": "A partner", "customer_code": "Y-1", "company_id": self.company.id}
        )
        other = self.Partner.create(
            {"name": "B partner", "customer_code": "Y-1", "company_id": self.company_b.id}
        )
        self.assertEqual(own.customer_code, other.customer_code)
        with self.assertRaisesRegex(ValidationError, "Y-1 is already used by A partner"):
            self.Partner.create(
                {"name": "A again", "customer_code": "Y-1", "company_id": self.company.id}
            )

    def test_back_to_global_refused_while_duplicates_exist(self):
        self.scope("company")
        self.Partner.create(
            {"name": "A partner", "customer_code": "Z-1", "company_id": self.company.id}
        )
        self.Partner.create(
            {"name": "B partner", "customer_code": "Z-1", "company_id": self.company_b.id}
        )
        with self.assertRaisesRegex(UserError, "share a code"):
            self.scope("global")

    def test_settings_switch_the_index(self):
        settings = self.env["res.config.settings"].with_user(self.admin).create({})
        settings.customer_code_unique_scope = "company"
        settings.execute()
        self.env.cr.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'res_partner_customer_code%%'"
        )
        self.assertEqual(
            [row[0] for row in self.env.cr.fetchall()], ["res_partner_customer_code_company_uniq"]
        )

    def test_typed_code_checked_against_expression(self):
        self.scheme.validation_regex = r"T\d{8}"
        with self.assertRaisesRegex(ValidationError, "does not match the expected format"):
            self.Partner.create({"name": "Bad format", "customer_rank": 1, "customer_code": "T123"})
        self.assertFalse(self.Partner.search([("name", "=", "Bad format")]))
        good = self.Partner.create(
            {"name": "Good format", "customer_rank": 1, "customer_code": "T20269999"}
        )
        self.assertEqual(good.customer_code, "T20269999")

    def test_old_codes_are_never_reused(self):
        partner = self.customer()
        old = partner.customer_code
        partner.with_user(self.manager).action_open_customer_code_recode()
        wizard = (
            self.env["customer.code.recode.wizard"]
            .with_user(self.manager)
            .create(
                {"partner_id": partner.id, "mode": "new", "new_code": "NEW-1", "reason": "merge"}
            )
        )
        wizard.action_apply()
        with self.assertRaisesRegex(ValidationError, "never reused"):
            self.Partner.create({"name": "Reuser", "customer_code": old})

    def test_code_is_stripped(self):
        partner = self.Partner.create({"name": "Spaces"})
        partner.customer_code = "  S-1  "
        self.assertEqual(partner.customer_code, "S-1")
