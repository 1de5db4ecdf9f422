from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import CustomerCodeCase


class TestSecurity(CustomerCodeCase):
    def test_group_chain(self):
        self.assertTrue(self.admin.has_group("customer_classification.group_manager"))
        self.assertTrue(self.admin.has_group("customer_classification.group_user"))
        self.assertTrue(self.manager.has_group("customer_classification.group_user"))
        self.assertFalse(self.manager.has_group("customer_classification.group_admin"))
        self.assertTrue(
            self.env.ref("base.user_admin").has_group("customer_classification.group_admin")
        )

    def test_sales_groups_imply_ours(self):
        salesman = new_test_user(self.env, "cc_salesman", groups="sales_team.group_sale_salesman")
        sales_manager = new_test_user(
            self.env, "cc_sales_manager", groups="sales_team.group_sale_manager"
        )
        self.assertTrue(salesman.has_group("customer_classification.group_user"))
        self.assertFalse(salesman.has_group("customer_classification.group_manager"))
        self.assertTrue(sales_manager.has_group("customer_classification.group_manager"))

    def test_only_admins_configure_schemes(self):
        for user in (self.user, self.manager):
            with self.subTest(user=user.login):
                self.assertTrue(self.scheme.with_user(user).pattern)
                with self.assertRaises(AccessError):
                    self.scheme.with_user(user).write({"pattern": "X{seq:2}"})
                with self.assertRaises(AccessError):
                    self.Scheme.with_user(user).create({"name": "Nope", "pattern": "N{seq:2}"})
        self.scheme.with_user(self.admin).write({"pattern": "A{seq:2}"})
        self.assertEqual(self.scheme.pattern, "A{seq:2}")

    def test_users_read_history(self):
        partner = self.customer()
        self.assertEqual(
            partner.with_user(self.user).customer_code_history_ids.new_code, partner.customer_code
        )

    def test_only_managers_bulk_assign(self):
        with self.assertRaises(AccessError):
            self.env["customer.code.assign.wizard"].with_user(self.user).create({})
        self.env["customer.code.assign.wizard"].with_user(self.manager).create({})

    def test_plain_employee_sees_nothing(self):
        employee = new_test_user(self.env, "cc_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.Scheme.with_user(employee).search([])
        with self.assertRaises(AccessError):
            self.History.with_user(employee).search([])

    def test_partner_search_without_classification_rights(self):
        """Any internal user searches partners by code, current or old, without history rights."""
        partner = self.customer("Findable")
        old_code = partner.customer_code
        self.env["customer.code.recode.wizard"].with_user(self.manager).create(
            {"partner_id": partner.id, "mode": "new", "new_code": "FIND-2", "reason": "test"}
        ).action_apply()
        employee = new_test_user(self.env, "cc_invoicer", groups="base.group_user")
        Partner = self.Partner.with_user(employee)
        for code in ("FIND-2", old_code):
            with self.subTest(code=code):
                self.assertEqual([pid for pid, _name in Partner.name_search(code)], [partner.id])

    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        scheme_b = self.Scheme.create(
            {"name": "B only", "sequence": 1, "pattern": "B{seq:3}", "company_id": company_b.id}
        )
        partner_b = self.Partner.create(
            {"name": "B customer", "company_id": company_b.id, "customer_rank": 1}
        )
        user_a = new_test_user(
            self.env,
            "cc_user_a",
            groups="base.group_user,customer_classification.group_user",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.assertEqual(partner_b.customer_code, "B001")
        self.assertNotIn(scheme_b, self.Scheme.with_user(user_a).search([]))
        self.assertFalse(self.History.with_user(user_a).search([("partner_id", "=", partner_b.id)]))
        # in company A's context, company B's scheme never codes anyone
        partner_a = self.Partner.create(
            {"name": "A customer", "company_id": self.company.id, "customer_rank": 1}
        )
        self.assertEqual(partner_a.customer_code, self.expected(1))
