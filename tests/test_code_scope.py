"""Codes go to customers only, are never malformed and never freed."""

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common import CustomerCodeCase


@tagged("post_install", "-at_install")
class TestCodeScope(CustomerCodeCase):
    def test_a_scheme_matching_everything_codes_only_customers(self):
        """A new scheme's domain matches all records: still, no archived partner, no user's
        partner (portal, public, template), no partner that is not a customer."""
        self.manual_mode()
        self.scheme.domain = "[]"
        customer = self.customer("Real customer")
        supplier = self.Partner.create({"name": "Just a company", "is_company": True})
        archived = self.customer("Gone customer", active=False)
        portal = new_test_user(self.env, "cc_portal_scope", groups="base.group_portal")
        portal.partner_id.customer_rank = 1
        public = self.env.ref("base.public_user").partner_id
        template = self.env.ref("base.template_portal_user_id", raise_if_not_found=False)
        wizard = self.env["customer.code.assign.wizard"].with_user(self.manager).create({})
        self.assertIn(customer, wizard.partner_ids)
        refused = supplier | archived | portal.partner_id | public
        if template:
            refused |= template.partner_id
        self.assertFalse(wizard.partner_ids & refused)
        wizard.action_assign()
        self.assertTrue(customer.customer_code)
        for partner in refused:
            self.assertFalse(partner.with_context(active_test=False).customer_code, partner.name)

    def test_the_wizard_lists_the_partners_before_coding_them(self):
        self.manual_mode()
        customers = self.customer("First") | self.customer("Second")
        wizard = self.env["customer.code.assign.wizard"].with_user(self.manager).create({})
        self.assertEqual(wizard.partner_ids & customers, customers)
        self.assertFalse(customers.filtered("customer_code"), "nothing coded yet")
        action = wizard.action_view_candidates()
        listed = self.Partner.with_context(active_test=False).search(action["domain"])
        self.assertEqual(len(listed), wizard.candidate_count)

    def test_a_deleted_partners_code_stays_reserved_with_its_history(self):
        partner = self.customer("Short-lived")
        code = partner.customer_code
        self.assertTrue(code)
        history = self.History.search([("partner_id", "=", partner.id)])
        partner.unlink()
        self.assertTrue(history.exists())
        self.assertFalse(history.partner_id)
        deleted = self.History.search([("old_code", "=", code), ("origin", "=", "deleted")])
        self.assertEqual(len(deleted), 1)
        with self.assertRaisesRegex(ValidationError, "codes are never reused"):
            self.Partner.create({"name": "Newcomer", "customer_code": code})
        newcomer = self.customer("Newcomer")
        self.assertNotEqual(newcomer.customer_code, code)

    def test_region_codes_per_state(self):
        """Odoo's Chinese provinces are one character (京): the addon gives them two
        letters, and administrators set their own."""
        beijing = self.env.ref("base.state_cn_BJ")
        self.assertEqual(beijing.code, "京")
        self.assertEqual(beijing.customer_code_region, "BJ")
        self.scheme.pattern = "R-{region}-{seq:4}"
        partner = self.customer(
            "Beijing customer", country_id=self.country_cn.id, state_id=beijing.id
        )
        self.assertEqual(partner.customer_code, "R-BJ-0001")
        beijing.with_user(self.manager).customer_code_region = "PEK"
        other = self.customer("Another", country_id=self.country_cn.id, state_id=beijing.id)
        self.assertEqual(other.customer_code, "R-PEK-0001")
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            beijing.customer_code_region = " B J"
