from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL, sql

from ..engine.normalize import name_key
from ..models.customer_duplicate import PARAM_THRESHOLD


@tagged("post_install", "-at_install")
class TestDuplicates(TransactionCase):
    """Duplicate detection: each reason, the threshold, remembered decisions, multi-company,
    rights, and the merge of a pair."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.Partner = cls.env["res.partner"]
        cls.Pair = cls.env["customer.duplicate"]
        # typed codes are checked against no scheme, and nobody gets one automatically
        cls.env["customer.code.scheme"].search([]).active = False
        cls.company = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Duplicates Company B"})
        cls.manager = new_test_user(
            cls.env,
            "dup_manager",
            groups="base.group_user,customer_classification.group_manager",
            company_ids=[(6, 0, (cls.company | cls.company_b).ids)],
        )
        cls.manager_b = new_test_user(
            cls.env,
            "dup_manager_b",
            groups="base.group_user,customer_classification.group_manager",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.user = new_test_user(
            cls.env, "dup_user", groups="base.group_user,customer_classification.group_user"
        )
        cls.service = new_test_user(
            cls.env,
            "dup_service",
            groups="base.group_user,customer_classification.group_customer_service",
        )

    def customer(self, name, **vals):
        return self.Partner.create(
            dict({"name": name, "is_company": True, "customer_rank": 1}, **vals)
        )

    def detect(self):
        return self.Pair.sudo()._detect()

    def pair(self, a, b):
        a, b = sorted((a, b), key=lambda p: p.id)
        return self.Pair.sudo().search([("partner_a_id", "=", a.id), ("partner_b_id", "=", b.id)])

    # ------------------------------------------------------------------
    # Names
    # ------------------------------------------------------------------
    def test_name_key_variants(self):
        self.assertEqual(name_key("深圳市华为技术有限公司"), name_key("深圳市华为技术股份有限公司"))
        self.assertEqual(name_key("ＡＢＣ Trading Co., Ltd."), name_key("ABC  trading ltd"))
        self.assertEqual(name_key("ABC Trading Co.,Ltd"), "abctrading")
        self.assertNotEqual(name_key("ABC Trading"), name_key("ABD Trading"))
        self.assertEqual(name_key(""), "")

    def test_chinese_legal_forms(self):
        a = self.customer("深圳市华为技术有限公司")
        b = self.customer("深圳市华为技术股份有限公司")
        self.detect()
        pair = self.pair(a, b)
        self.assertTrue(pair.similar_name)
        self.assertEqual(pair.name_similarity, 1.0)
        self.assertEqual(pair.state, "new")
        self.assertIn("Similar name (1.00)", pair.reasons)
        self.assertFalse(pair.same_vat or pair.same_email or pair.same_phone)

    def test_full_width_and_spacing(self):
        a = self.customer("ＡＢＣ Zyxwv Trading Co., Ltd.")
        b = self.customer("ABC  Zyxwv Trading Ltd")
        self.detect()
        self.assertTrue(self.pair(a, b).similar_name)

    def test_different_names_not_paired(self):
        a = self.customer("Qwertzu Logistics Ltd")
        b = self.customer("Plokmijn Foods GmbH")
        self.detect()
        self.assertFalse(self.pair(a, b))

    def test_trigram_index_and_cron(self):
        """pg_trgm is there (pre_init_hook / init) and the name keys have their index."""
        self.assertTrue(self.env.registry.has_trigram)
        self.assertTrue(sql.index_exists(self.env.cr, "res_partner__customer_name_key_index"))
        a = self.customer("Cronone Alpha", email="cron@dup-example.com")
        b = self.customer("Omega Crontwo", email="cron@dup-example.com")
        self.env.ref("customer_classification.ir_cron_detect_duplicates").method_direct_trigger()
        self.assertTrue(self.pair(a, b))

    # ------------------------------------------------------------------
    # Each reason
    # ------------------------------------------------------------------
    def test_same_vat(self):
        a = self.customer("Vatone Alpha", vat="de 123 456-789")
        b = self.customer("Omega Vattwo", vat="DE123456789")
        self.detect()
        pair = self.pair(a, b)
        self.assertTrue(pair.same_vat)
        self.assertFalse(pair.similar_name)
        self.assertIn("Same tax ID", pair.reasons)
        self.assertGreaterEqual(pair.score, 90)

    def test_same_email(self):
        a = self.customer("Mailone Alpha", email="Sales@Dup-Example.com")
        b = self.customer("Omega Mailtwo", email="sales@dup-example.com")
        self.detect()
        self.assertTrue(self.pair(a, b).same_email)

    def test_same_phone_any_format(self):
        cn = self.env.ref("base.cn")
        a = self.customer("Phoneone Alpha", phone="+86 139 0011 2233", country_id=cn.id)
        b = self.customer("Omega Phonetwo", mobile="139-0011-2233", country_id=cn.id)
        self.detect()
        pair = self.pair(a, b)
        self.assertTrue(pair.same_phone)
        self.assertIn("Same phone", pair.reasons)

    def test_same_phone_without_country(self):
        """No country to read a national number with: the typed digits still meet the
        E.164 form of the same number, and a short number (an extension) pairs nobody."""
        self.env.company.country_id = self.env.ref("base.us")
        a = self.customer("Nocountry Alpha", phone="+86 139 0022 3344")
        b = self.customer("Omega Nocountry", phone="0086-139-0022-3344")
        c = self.customer("Third Nocountry", mobile="(139) 0022 3344")
        d = self.customer("Ext Alpha")
        e = self.customer("Ext Omega")
        # legacy data, typed before the phone check: an extension
        self.env.flush_all()
        self.env.execute_query(
            SQL("UPDATE res_partner SET phone = '1234' WHERE id IN %s", (d | e)._ids)
        )
        self.Partner.invalidate_model(["phone"])
        self.detect()
        for x, y in ((a, b), (a, c), (b, c)):
            with self.subTest(pair=(x.name, y.name)):
                self.assertTrue(self.pair(x, y).same_phone)
        self.assertFalse(self.pair(d, e))

    def test_same_address_backs_another_reason(self):
        address = {"street": "88 Century Avenue", "city": "Shanghai", "zip": "200120"}
        a = self.customer("Addrone Alpha", **address)
        b = self.customer("Omega Addrtwo", **dict(address, street="88, century  avenue"))
        self.detect()
        self.assertFalse(self.pair(a, b), "neighbours are not duplicates on their own")
        b.email = a.email = "addr@dup-example.com"
        self.detect()
        pair = self.pair(a, b)
        self.assertTrue(pair.same_address and pair.same_email)
        self.assertEqual(pair.reasons, "Same e-mail, Same address")

    def test_shared_value_ignored(self):
        partners = self.Partner.browse(
            [
                self.customer(f"Shared {i} Qq{i}x", email="office@shared-dup.com").id
                for i in range(12)
            ]
        )
        self.detect()
        self.assertFalse(self.Pair.sudo().search([("partner_a_id", "in", partners.ids)]))

    def test_contacts_and_archived_not_compared(self):
        a = self.customer("Contactone Alpha", email="contact@dup-example.com")
        contact = self.Partner.create(
            {"name": "Someone", "parent_id": a.id, "email": "contact@dup-example.com"}
        )
        archived = self.customer("Omega Arch", email="contact@dup-example.com", active=False)
        self.detect()
        self.assertFalse(
            self.Pair.sudo().search([("partner_b_id", "in", (contact | archived).ids)])
        )

    # ------------------------------------------------------------------
    # Threshold and reruns
    # ------------------------------------------------------------------
    def test_threshold(self):
        a = self.customer("Zenith Hallworth Engineering Ltd")
        b = self.customer("Zenith Halworth Engineering")  # one typo
        Param = self.env["ir.config_parameter"].sudo()
        Param.set_param(PARAM_THRESHOLD, "0.95")
        self.detect()
        self.assertFalse(self.pair(a, b))
        Param.set_param(PARAM_THRESHOLD, "0.6")
        self.detect()
        pair = self.pair(a, b)
        self.assertTrue(pair.similar_name)
        self.assertTrue(0.6 <= pair.name_similarity < 1)
        Param.set_param(PARAM_THRESHOLD, "0.95")
        self.detect()
        self.assertFalse(pair.exists(), "a pair to review that no longer passes goes")

    def test_threshold_settings_refuse_bad_values(self):
        Settings = self.env["res.config.settings"]
        for value in (0, -0.5, 1.5):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                Settings.create({"customer_duplicate_threshold": value}).execute()
        Settings.create({"customer_duplicate_threshold": 0.7}).execute()
        self.assertEqual(self.Pair._threshold(), 0.7)

    def test_rerun_updates_and_remembers(self):
        a = self.customer("Rerunone Alpha", email="rerun@dup-example.com")
        b = self.customer("Omega Reruntwo", email="rerun@dup-example.com")
        c = self.customer("Gamma Rerunthree", email="rerun2@dup-example.com")
        d = self.customer("Delta Rerunfour", email="rerun2@dup-example.com")
        self.detect()
        pair, other = self.pair(a, b), self.pair(c, d)
        score = pair.score
        a.vat = b.vat = "XX998877665"
        counts = self.detect()
        self.assertTrue(pair.same_vat)
        self.assertGreater(pair.score, score)
        self.assertEqual(self.pair(a, b), pair, "the same pair is updated")
        self.assertGreaterEqual(counts["updated"], 1)
        other.with_user(self.manager).action_dismiss()
        self.detect()
        self.detect()
        self.assertEqual(other.state, "dismissed")
        self.assertEqual(self.pair(c, d), other, "Not Duplicates is remembered")

    # ------------------------------------------------------------------
    # Multi-company and rights
    # ------------------------------------------------------------------
    def test_companies_never_mixed(self):
        mail = {"email": "mc@dup-example.com"}
        a = self.customer("Companyone Alpha", company_id=self.company.id, **mail)
        b = self.customer("Omega Companytwo", company_id=self.company_b.id, **mail)
        shared = self.customer("Shared Companythree", **mail)
        self.detect()
        self.assertFalse(self.pair(a, b))
        self.assertEqual(self.pair(a, shared).company_id, self.company)
        self.assertEqual(self.pair(b, shared).company_id, self.company_b)
        pairs = self.pair(a, shared) | self.pair(b, shared)
        seen = self.Pair.with_user(self.manager_b).search([("id", "in", pairs.ids)])
        self.assertEqual(seen, self.pair(b, shared))

    def test_rights(self):
        a = self.customer("Rightsone Alpha", email="rights@dup-example.com")
        b = self.customer("Omega Rightstwo", email="rights@dup-example.com")
        self.detect()
        pair = self.pair(a, b)
        for user in (self.user, self.service):
            with self.assertRaises(AccessError):
                self.Pair.with_user(user).action_find_duplicates()
            with self.assertRaises(AccessError):
                pair.with_user(user).read(["score"])
            with self.assertRaises(AccessError):
                pair.with_user(user).action_dismiss()
            with self.assertRaises(AccessError):
                pair.with_user(user).action_merge()
        with self.assertRaises(AccessError):
            pair.with_user(self.manager).write({"state": "dismissed"})
        action = self.Pair.with_user(self.manager).action_find_duplicates()
        self.assertEqual(action["tag"], "display_notification")

    # ------------------------------------------------------------------
    # Merge
    # ------------------------------------------------------------------
    def test_merge_keeps_codes_history_and_tracking(self):
        survivor = self.customer(
            "Mergeone Trading Co., Ltd.", customer_code="DUPM-A", email="a@m.example"
        )
        merged = self.customer("Mergeone Trading", customer_code="DUPM-B", email="b@m.example")
        other = self.customer("Mergeone Trading Limited", email="c@m.example")
        stranger = self.customer("Omega Stranger", email="s@m.example", phone="+1 202 555 0188")
        merged.phone = "+1 202 555 0188"
        Tracking = self.env["customer.tracking.record"]
        for partner in (survivor, survivor, merged):
            Tracking.create(
                {"partner_id": partner.id, "record_type": "complaint", "summary": "Late"}
            )
        (survivor | merged)._reclassify()
        merged_results = self.env["customer.classification"].search(
            [("partner_id", "=", merged.id)]
        )
        merged_history = self.env["customer.classification.history"].search(
            [("partner_id", "=", merged.id)]
        )
        self.assertTrue(merged_results and merged_history)
        self.detect()
        pair = self.pair(survivor, merged)
        self.pair(merged, stranger).with_user(self.manager).action_dismiss()
        self.assertTrue(self.pair(merged, other))

        action = pair.with_user(self.manager).action_merge()
        Wizard = self.env["base.partner.merge.automatic.wizard"].with_user(self.manager)
        wizard = Wizard.with_context(**action["context"]).create({})
        self.assertEqual(wizard.dst_partner_id, survivor, "the one with more history")
        self.assertEqual(wizard.partner_ids, survivor | merged)
        Partner = type(self.Partner)
        with patch.object(
            Partner, "_reclassify", autospec=True, side_effect=Partner._reclassify
        ) as run:
            wizard.action_merge()
        self.assertIn(survivor.id, [call.args[0].id for call in run.call_args_list])

        self.assertFalse(merged.exists())
        self.assertEqual(survivor.customer_code, "DUPM-A")
        code_row = self.env["customer.code.history"].search(
            [("partner_id", "=", survivor.id), ("origin", "=", "merge")]
        )
        self.assertEqual((code_row.old_code, code_row.new_code), ("DUPM-B", "DUPM-A"))
        self.assertIn("Mergeone Trading", code_row.reason)
        found = self.Partner.name_search("DUPM-B")
        self.assertEqual([row[0] for row in found], [survivor.id])
        self.assertIn("DUPM-B", self.env["customer.code.scheme"]._taken_codes(["DUPM-B"]))
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.customer("Reuser", customer_code="DUPM-B")
        self.assertEqual(Tracking.search_count([("partner_id", "=", survivor.id)]), 3)
        self.assertEqual(merged_history.exists().partner_id, survivor)
        self.assertEqual(
            self.env["customer.classification"].search_count(
                [("partner_id", "=", survivor.id), ("company_id", "=", self.company.id)]
            ),
            1,
        )
        self.assertEqual(pair.state, "merged")
        self.assertEqual(pair.merged_partner_name, "Mergeone Trading")
        self.assertEqual((pair.partner_a_id | pair.partner_b_id), survivor)
        # the merged partner's other pairs: to review → gone, Not Duplicates → survivor's
        self.assertFalse(
            self.Pair.sudo().search([("partner_b_id", "=", other.id), ("partner_a_id", "=", False)])
        )
        self.assertEqual(self.pair(survivor, stranger).state, "dismissed")
        self.detect()
        self.assertEqual(self.pair(survivor, stranger).state, "dismissed")
        self.assertEqual(self.pair(survivor, other).state, "new")

    def test_merge_only_the_pair(self):
        a = self.customer("Onlyone Pair", email="only@m.example")
        b = self.customer("Onlyone Pair Ltd", email="only@m.example")
        c = self.customer("Someone Else", email="else@m.example")
        self.detect()
        pair = self.pair(a, b)
        Wizard = self.env["base.partner.merge.automatic.wizard"].with_user(self.manager)
        wizard = Wizard.with_context(
            **pair.with_user(self.manager).action_merge()["context"]
        ).create({})
        wizard.partner_ids = a | c
        with self.assertRaises(UserError), self.env.cr.savepoint():
            wizard.action_merge()
        self.assertTrue(a.exists() and b.exists() and c.exists())
        with self.assertRaises(AccessError):
            pair.with_user(self.user).action_merge()

    def test_merge_survivor_without_code_takes_the_code(self):
        a = self.customer("Takeover Alpha", email="t@m.example")
        b = self.customer("Takeover Alpha Ltd", customer_code="DUPT-B", email="t@m.example")
        self.detect()
        pair = self.pair(a, b)
        self.assertEqual(pair._proposed_survivor(), b)
        Wizard = self.env["base.partner.merge.automatic.wizard"].with_user(self.manager)
        wizard = Wizard.with_context(
            **pair.with_user(self.manager).action_merge()["context"]
        ).create({"dst_partner_id": a.id})
        wizard.action_merge()
        self.assertFalse(b.exists())
        self.assertEqual(a.customer_code, "DUPT-B")
        self.assertEqual(self.Partner.name_search("DUPT-B")[0][0], a.id)
