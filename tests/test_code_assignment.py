from odoo import Command
from odoo.exceptions import UserError

from .common import CustomerCodeCase


class TestCodeAssignment(CustomerCodeCase):
    def test_customer_created_gets_code(self):
        first, second = self.customer("A"), self.customer("B")
        self.assertEqual(first.customer_code, self.expected(1))
        self.assertEqual(second.customer_code, self.expected(2))
        history = self.History.search([("partner_id", "=", first.id)])
        self.assertRecordValues(
            history, [{"old_code": False, "new_code": self.expected(1), "origin": "auto"}]
        )

    def test_non_customer_gets_no_code(self):
        self.assertFalse(
            self.Partner.create({"name": "Supplier", "supplier_rank": 1}).customer_code
        )

    def test_every_token(self):
        self.scheme.write(
            {"pattern": "{class}|{region}|{industry}|{year}|{seq:2}", "default_class_prefix": "K"}
        )
        partner = self.customer(
            country_id=self.country_cn.id, state_id=self.state_bj.id, industry_id=self.industry.id
        )
        self.assertEqual(partner.customer_code, f"K|BJX|ELX|{self.year}|01")

    def test_region_falls_back_to_country_then_missing_value(self):
        self.scheme.write({"pattern": "{region}-{industry}-{seq:3}", "missing_value": "NA"})
        fr = self.customer(country_id=self.env.ref("base.fr").id)
        nowhere = self.customer()
        self.assertEqual(fr.customer_code, "FR-NA-001")
        self.assertEqual(nowhere.customer_code, "NA-NA-001")

    def test_serial_per_prefix(self):
        self.scheme.pattern = "S-{region}-{seq:4}"
        state_sh = self.env["res.country.state"].create(
            {"name": "Test Shanghai", "code": "SHX", "country_id": self.country_cn.id}
        )
        codes = [
            self.customer(state_id=state.id, country_id=self.country_cn.id).customer_code
            for state in (self.state_bj, self.state_bj, state_sh, self.state_bj, state_sh)
        ]
        self.assertEqual(
            codes, ["S-BJX-0001", "S-BJX-0002", "S-SHX-0001", "S-BJX-0003", "S-SHX-0002"]
        )
        series = self.scheme.series_ids
        self.assertEqual(len(series), 2)
        self.assertEqual(set(series.sequence_id.mapped("implementation")), {"standard"})
        self.assertEqual(sorted(series.mapped("label")), ["S-BJX-#", "S-SHX-#"])

    def test_codes_typed_or_used_before_are_skipped(self):
        self.Partner.create({"name": "Typed", "customer_code": self.expected(2)})
        self.assertEqual(self.customer().customer_code, self.expected(1))
        self.assertEqual(self.customer().customer_code, self.expected(3))

    def test_rank_raised_by_posted_invoice(self):
        partner = self.Partner.create({"name": "Prospect Ltd", "is_company": True})
        self.assertFalse(partner.customer_code)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_line_ids": [
                    Command.create({"name": "Thing", "quantity": 1, "price_unit": 100})
                ],
            }
        )
        invoice.action_post()
        self.assertEqual(partner.customer_code, self.expected(1))

    def test_rank_raised_by_confirmed_order(self):
        partner = self.Partner.create({"name": "Order Ltd", "is_company": True})
        product = self.env["product.product"].create({"name": "Widget", "list_price": 10})
        order = self.env["sale.order"].create(
            {"partner_id": partner.id, "order_line": [Command.create({"product_id": product.id})]}
        )
        self.assertFalse(partner.customer_code)
        order.action_confirm()
        self.assertEqual(partner.customer_rank, 1)
        self.assertEqual(partner.customer_code, self.expected(1))

    def test_manual_mode(self):
        self.manual_mode()
        partner = self.customer()
        self.assertFalse(partner.customer_code)
        partner._increase_rank("customer_rank")
        self.assertFalse(partner.customer_code)
        partner.action_assign_customer_code()
        self.assertEqual(partner.customer_code, self.expected(1))
        self.assertEqual(partner.customer_code_history_ids.origin, "manual")
        with self.assertRaisesRegex(UserError, "already has a code"):
            partner.action_assign_customer_code()

    def test_contacts_show_company_code(self):
        company = self.customer("Parent Co")
        contact = self.Partner.create(
            {"name": "Contact", "parent_id": company.id, "customer_rank": 1}
        )
        self.assertFalse(contact.customer_code)
        self.assertEqual(contact.customer_code_display, company.customer_code)
        self.assertFalse(contact.customer_code_is_own)
        self.assertEqual(company.customer_code_display, company.customer_code)
        # the company is found by its code, and with it its contacts
        found = self.Partner.name_search(company.customer_code, limit=10)
        self.assertIn(company.id, [pid for pid, _name in found])

    def test_contacts_get_own_codes(self):
        self.contacts_own_codes()
        company = self.customer("Parent Co")
        contact = self.Partner.create(
            {"name": "Contact", "parent_id": company.id, "customer_rank": 1}
        )
        self.assertEqual(contact.customer_code, self.expected(2))
        self.assertEqual(contact.customer_code_display, contact.customer_code)
        self.assertTrue(contact.customer_code_is_own)

    def test_contact_invoice_codes_company(self):
        company = self.Partner.create({"name": "Parent Co", "is_company": True})
        contact = self.Partner.create({"name": "Buyer", "parent_id": company.id})
        (contact | contact.commercial_partner_id)._increase_rank("customer_rank")
        self.assertFalse(contact.customer_code)
        self.assertEqual(company.customer_code, self.expected(1))

    def test_company_and_user_partners_excluded(self):
        self.env.company.partner_id.customer_rank = 1
        self.user.partner_id.customer_rank = 1
        self.assertFalse(self.env.company.partner_id.customer_code)
        self.assertFalse(self.user.partner_id.customer_code)

    def test_no_matching_scheme(self):
        self.scheme.domain = "[('country_id.code', '=', 'JP')]"
        partner = self.customer()
        self.assertFalse(partner.customer_code)
        with self.assertRaisesRegex(UserError, "No code scheme applies"):
            partner.action_assign_customer_code()

    def test_search_by_code(self):
        partner = self.customer("Searchable")
        self.assertEqual(
            self.Partner.search([("customer_code", "=", partner.customer_code)]), partner
        )
        found = self.Partner.name_search(partner.customer_code)
        self.assertEqual([pid for pid, _name in found], [partner.id])
        self.assertIn(
            partner, self.Partner.search([("display_name", "ilike", partner.customer_code)])
        )
