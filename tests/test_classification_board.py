from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common_classification import ClassificationCase


@tagged("post_install", "-at_install")
class TestBoardTagsChatter(ClassificationCase):
    """What the boards, tags and chatter of the product rest on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = new_test_user(
            cls.env,
            "cl_service",
            groups="base.group_user,customer_classification.group_customer_service",
        )
        cls.parent_tag = cls.env.ref("customer_classification.res_partner_category_classification")
        cls.key_account = cls.env["res.partner.category"].create(
            {"name": "Key account", "parent_id": cls.parent_tag.id}
        )

    def test_board_shows_every_class(self):
        """Grouped by class, every active class is a column, even an empty one."""
        partner = self.customer()
        self.invoice(partner, 600_000)
        self.classify(partner)
        groups = self.Partner.with_user(self.user).read_group(
            [("id", "=", partner.id)], ["customer_class_id"], ["customer_class_id"]
        )
        shown = {group["customer_class_id"][0] for group in groups if group["customer_class_id"]}
        self.assertEqual(shown, {klass.id for klass in self.classes.values()})
        counts = {g["customer_class_id"][0]: g["customer_class_id_count"] for g in groups}
        self.assertEqual(counts[self.classes["potential"].id], 1)
        self.assertEqual(counts[self.classes["strategic"].id], 0)

    def test_tag_rules_add_and_remove_their_tags_only(self):
        vip = self.env["res.partner.category"].create({"name": "VIP"})
        draft = self.new_version()
        self.env["customer.tag.rule"].create(
            {
                "name": "Key accounts",
                "standard_id": draft.id,
                "tag_id": self.key_account.id,
                "class_ids": [Command.link(self.classes["potential"].id)],
            }
        )
        partner = self.customer(category_id=[Command.link(vip.id)])
        self.invoice(partner, 600_000)
        # a rule of a draft tags nobody: the standard in force classifies
        self.classify(partner)
        self.assertEqual(partner.customer_class_id, self.classes["potential"])
        self.assertEqual(partner.category_id, vip)
        self.activate(draft)
        self.classify(partner)
        self.assertEqual(partner.category_id, vip | self.key_account)
        # below 500,000: optimization, the rule's tag goes, the manual tag stays
        self.invoice(partner, 200_000, move_type="out_refund")
        self.classify(partner)
        self.assertEqual(partner.customer_class_id, self.classes["optimization"])
        self.assertEqual(partner.category_id, vip)

    def test_tag_rule_on_indicator_condition(self):
        revenue = self.env.ref("customer_classification.indicator_revenue")
        big = self.env["res.partner.category"].create(
            {"name": "Big buyer", "parent_id": self.parent_tag.id}
        )
        draft = self.new_version()
        self.env["customer.tag.rule"].create(
            {
                "name": "Big buyers",
                "standard_id": draft.id,
                "tag_id": big.id,
                "condition_ids": [
                    Command.create({"indicator_id": revenue.id, "operator": ">=", "value": 100})
                ],
            }
        )
        self.activate(draft)
        small, large = self.customer("Small"), self.customer("Large")
        self.invoice(small, 50)
        self.invoice(large, 150)
        self.classify(small | large)
        self.assertFalse(small.category_id)
        self.assertEqual(large.category_id, big)

    def test_tag_rule_needs_a_classification_tag(self):
        loose = self.env["res.partner.category"].create({"name": "Loose"})
        draft = self.new_version()
        # assertRaises (not ...Regex) runs in a savepoint: nothing is left behind
        with self.assertRaises(ValidationError) as caught:
            self.env["customer.tag.rule"].create(
                {"name": "Loose", "standard_id": draft.id, "tag_id": loose.id}
            )
        self.assertIn("must be under", str(caught.exception))
        self.assertFalse(self.env["customer.tag.rule"].search([("name", "=", "Loose")]))
        self.assertFalse(draft.tag_rule_ids.filtered(lambda r: r.name == "Loose"))

    def test_class_change_posted_on_chatter(self):
        partner = self.customer()
        self.invoice(partner, 600_000)
        self.classify(partner)
        notes = partner.message_ids.filtered(lambda m: "Class:" in (m.body or ""))
        self.assertFalse(notes, "the first evaluation is not a change")
        self.invoice(partner, 200_000, move_type="out_refund")
        self.classify(partner)
        note = partner.message_ids.filtered(lambda m: "Class:" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Potential", note.body)
        self.assertIn("Optimization", note.body)

    def test_customer_service_reads_only(self):
        partner = self.customer()
        self.invoice(partner, 600_000)
        self.classify(partner)
        record = self.complaint(partner)
        as_service = partner.with_user(self.service)
        self.assertEqual(as_service.customer_class_id, self.classes["potential"])
        self.assertTrue(as_service.classification_explanation_html)
        # the code given at creation is logged too, but the class history counts classes only
        everything = self.History.search([("partner_id", "=", partner.id)])
        self.assertEqual(sorted(everything.mapped("origin")), ["code", "manual"])
        self.assertEqual(as_service.classification_history_count, 1)
        self.assertEqual(
            as_service.classification_history_ids,
            everything.filtered(lambda h: h.origin != "code"),
        )
        self.assertEqual(record.with_user(self.service).summary, "Late delivery")
        Tracking = self.env["customer.tracking.record"].with_user(self.service)
        with self.assertRaises(AccessError):
            Tracking.create({"partner_id": partner.id, "record_type": "call", "summary": "x"})
        with self.assertRaises(AccessError):
            record.with_user(self.service).write({"summary": "changed"})
        with self.assertRaises(AccessError):
            self.env["customer.classification.override.wizard"].with_user(self.service).create(
                {"partner_ids": [partner.id], "class_id": self.classes["strategic"].id}
            )
        draft = self.new_version()
        with self.assertRaises(AccessError):
            self.env["customer.tag.rule"].with_user(self.service).create(
                {"name": "x", "standard_id": draft.id, "tag_id": self.key_account.id}
            )
        self.assertTrue(self.user.has_group("customer_classification.group_customer_service"))

    def test_quick_log_from_partner(self):
        partner = self.customer()
        self.forget_marks()
        action = partner.with_context(tracking_record_type="complaint").action_log_tracking_record()
        self.assertEqual(action["target"], "new")
        with Form(
            self.env["customer.tracking.record"]
            .with_user(self.user)
            .with_context(**action["context"])
        ) as form:
            self.assertEqual(form.record_type, "complaint")
            form.summary = "Wrong parts delivered"
        self.assertEqual(form.record.partner_id, partner)
        self.assertTrue(partner.classification_outdated)

    def test_standard_form_moves_weight_in_one_save(self):
        """60/30/10 -> 50/30/20 on a draft is one edit of the list and one save: the total is
        shown while editing, and nothing is refused half-way."""
        draft = self.new_version()
        names = draft.dimension_ids.mapped("name")
        value, risk = names.index("Value contribution"), names.index("Industry risk")
        form = Form(draft)
        self.assertFalse(form.problems)
        self.assertEqual(form.weight_total, 100)
        with form.dimension_ids.edit(value) as line:
            self.assertEqual(line.weight, 60)
            line.weight = 50
        self.assertEqual(form.weight_total, 90)
        self.assertIn("must total 100 %, not 90 %", form.problems)
        with form.dimension_ids.edit(risk) as line:
            self.assertEqual(line.weight, 10)
            line.weight = 20
        self.assertEqual(form.weight_total, 100)
        self.assertFalse(form.problems)
        # nothing was written before the save
        self.assertEqual(self.dimension("Value contribution", draft).weight, 60)
        form.save()
        draft.invalidate_recordset()
        self.assertEqual(
            [(dim.name, dim.weight) for dim in draft.dimension_ids],
            [("Value contribution", 50), ("Cooperation stability", 30), ("Industry risk", 20)],
        )
        self.assertFalse(draft._problems())
        # the standard in force is untouched
        self.assertEqual(self.standard.dimension_ids.mapped("weight"), [60, 30, 10])

    def test_schedule_frequency_setting(self):
        cron = self.env.ref("customer_classification.ir_cron_reclassify")
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(
            (settings.classification_interval_number, settings.classification_interval_type),
            (cron.interval_number, cron.interval_type),
        )
        settings.classification_interval_number = 2
        settings.classification_interval_type = "weeks"
        settings.save().execute()
        self.assertEqual((cron.interval_number, cron.interval_type), (2, "weeks"))
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.classification_interval_number, 2)
        settings.classification_interval_number = 0
        with self.assertRaises(ValidationError) as caught:
            settings.save()
        self.assertIn("out of range", str(caught.exception))
        self.assertEqual(cron.interval_number, 2)
