from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestUiDuplicates(HttpCase):
    def test_duplicate_tour(self):
        """A Manager merges a pair from the Duplicates list, then finds the survivor in
        Contacts by the merged customer's old code."""
        self.env["customer.code.scheme"].search([]).active = False
        new_test_user(
            self.env,
            "dup_tour_manager",
            groups="base.group_user,customer_classification.group_manager",
        )
        Partner = self.env["res.partner"]
        values = {"is_company": True, "customer_rank": 1, "country_id": self.env.ref("base.cn").id}
        survivor = Partner.create(
            dict(
                values,
                name="Tour Duplicate Trading Co., Ltd.",
                customer_code="TOURDUP-A",
                phone="+86 139 8765 4321",
            )
        )
        merged = Partner.create(
            dict(
                values,
                name="Tour Duplicate Tradng",
                customer_code="TOURDUP-B",
                mobile="13987654321",
            )
        )
        self.env["customer.duplicate"]._detect()
        self.start_tour("/odoo", "customer_classification_duplicate_tour", login="dup_tour_manager")
        self.assertFalse(merged.exists())
        self.assertEqual(
            Partner.search([("customer_code_history_ids.old_code", "=", "TOURDUP-B")]), survivor
        )
