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

    def test_three_versions_of_the_standard(self):
        """Version 1 archived, version 2 (with tag rules) in force, version 3 a draft ready to
        preview; every result names the version in force."""
        default, tags, esg = (
            self.ref(xmlid)
            for xmlid in ("standard_default", "standard_demo_tags", "standard_demo_esg")
        )
        self.assertEqual(
            [(s.version, s.state) for s in (default, tags, esg)],
            [(1, "archived"), (2, "active"), (3, "draft")],
        )
        company = self.env.ref("base.main_company")
        self.assertEqual(self.env["customer.standard"]._active_for(company), tags)
        self.assertFalse(default.tag_rule_ids)
        self.assertEqual(len(tags.tag_rule_ids), 3)
        results = self.env["customer.classification"].search([("company_id", "=", company.id)])
        self.assertTrue(results)
        self.assertEqual({result.standard_id for result in results}, {tags})
        self.assertEqual(
            {d.name: d.weight for d in esg.dimension_ids},
            {
                "Value contribution": 50,
                "Cooperation stability": 30,
                "Industry risk": 10,
                "ESG compliance": 10,
            },
        )
        self.assertFalse(esg._problems())
        preview = self.env["customer.standard.preview"].browse(esg.action_preview()["res_id"])
        self.assertEqual(preview.standard_id, esg)
        self.assertEqual(preview.active_standard_id, tags)
        self.assertTrue(preview.partner_count)

    def test_rising_months_upgrade_and_complaints_downgrade(self):
        suzhou = self.ref("res_partner_js_suzhou_electronics")
        # the rule of the version in force, copied from the default standard's
        rising = self.ref("standard_demo_tags__rule_strategic_rising")
        self.assertEqual(rising.standard_id, self.ref("standard_demo_tags"))
        self.assertEqual(rising.name, self.ref("rule_strategic_rising").name)
        self.assertEqual(suzhou.classification_rule_id, rising)
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
