from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoStory(TransactionCase):
    """The demo data tells the product's story right after install."""

    def setUp(self):
        super().setUp()
        if not self.env.ref(
            "customer_classification.ir_filters_res_partner_east_china_strategic",
            raise_if_not_found=False,
        ):
            self.skipTest("installed without demo data")

    def ref(self, xmlid):
        return self.env.ref(f"customer_classification.{xmlid}")

    def test_every_class_has_members(self):
        for code in ("strategic", "potential", "optimization", "prospect"):
            with self.subTest(code=code):
                klass = self.ref(f"class_{code}")
                self.assertTrue(
                    self.env["res.partner"].search_count([("customer_class_id", "=", klass.id)])
                )

    def test_rising_months_upgrade_and_complaints_downgrade(self):
        suzhou = self.ref("res_partner_js_suzhou_electronics")
        self.assertEqual(suzhou.classification_rule_id, self.ref("rule_strategic_rising"))
        hangzhou = self.ref("res_partner_zj_hangzhou_textile")
        self.assertEqual(hangzhou.customer_class_id, self.ref("class_potential"))
        downgrade = hangzhou.classification_history_ids.filtered(
            lambda h: h.old_class_id == self.ref("class_strategic")
        )
        self.assertEqual(downgrade.new_class_id, self.ref("class_potential"))
        self.assertNotIn(self.ref("res_partner_category_key_account"), hangzhou.category_id)
        self.assertIn(self.ref("res_partner_category_at_risk"), hangzhou.category_id)

    def test_overrides_and_favorites(self):
        overrides = self.env["customer.classification"].search([("override_class_id", "!=", False)])
        self.assertEqual(len(overrides), 2)
        self.assertTrue(all(overrides.mapped("override_reason")))
        favorite = self.ref("ir_filters_res_partner_east_china_strategic")
        self.assertTrue(self.env["res.partner"].search(favorite._get_eval_domain()))
