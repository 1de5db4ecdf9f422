from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from odoo.addons.mail.tools.discuss import Store

from ..engine.privacy_mask import looks_masked, mask_email, mask_identifier, mask_phone
from ..models.res_partner_privacy import PARAM_SALESPERSON_FULL
from .common_privacy import (
    EMAIL,
    EMAIL_MASK,
    GROUP_SENSITIVE,
    MASKED_FIELDS,
    MOBILE,
    MOBILE_MASK,
    PHONE,
    PHONE_MASK,
    REG_NO,
    REG_NO_MASK,
    assert_no_secret,
    privacy_fixtures,
)


@tagged("post_install", "-at_install")
class TestPrivacyMasks(TransactionCase):
    """The masks themselves: pure functions."""

    def test_phone_mask(self):
        self.assertEqual(mask_phone("13812345678"), "138****5678")
        self.assertEqual(mask_phone("+86 138 1234 5678"), "+86 1** **** 5678")
        # short numbers keep less, at least half and at least 4 digits hidden
        self.assertEqual(mask_phone("5551234"), "5****34")
        self.assertEqual(mask_phone("12345"), "****5")
        self.assertEqual(mask_phone("1234"), "****")
        self.assertEqual(mask_phone("ext"), "***")
        self.assertFalse(mask_phone(False))

    def test_email_mask(self):
        self.assertEqual(mask_email("wang.wei@example.com"), "w***@example.com")
        self.assertEqual(mask_email("w@example.com"), "***@example.com")
        self.assertEqual(
            mask_email('"Wang Wei" <wang@example.com>'), '"Wang Wei" <w***@example.com>'
        )
        self.assertEqual(mask_email("ab@x.com, cd@y.com"), "a***@x.com, c***@y.com")
        self.assertEqual(mask_email("not an address"), "n***")

    def test_identifier_mask(self):
        self.assertEqual(mask_identifier("91350100M000100Y43"), "9135**********0Y43")
        self.assertEqual(mask_identifier("12345678"), "12****78")
        self.assertEqual(mask_identifier("123"), "***")
        self.assertTrue(looks_masked("138****5678"))
        self.assertFalse(looks_masked("13812345678"))


@tagged("post_install", "-at_install")
class TestPrivacy(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        privacy_fixtures(cls)

    def read_as(self, user, partner, fields=None):
        return partner.with_user(user).read(fields or MASKED_FIELDS)[0]

    # -- who sees what --------------------------------------------------------

    def test_groups(self):
        """Customer Service and User do not have the group; Manager (and so Admin) do."""
        self.assertFalse(self.cs.has_group(GROUP_SENSITIVE))
        self.assertFalse(self.user.has_group(GROUP_SENSITIVE))
        self.assertTrue(self.manager.has_group(GROUP_SENSITIVE))
        admin = new_test_user(
            self.env, "pv_admin", groups="base.group_user,customer_classification.group_admin"
        )
        self.assertTrue(admin.has_group(GROUP_SENSITIVE))

    def test_customer_service_reads_masked(self):
        values = self.read_as(self.cs, self.customer)
        self.assertEqual(values["phone"], PHONE_MASK)
        self.assertEqual(values["mobile"], MOBILE_MASK)
        self.assertEqual(values["email"], EMAIL_MASK)
        self.assertEqual(values["customer_registration_number"], REG_NO_MASK)
        self.assertEqual(values["email_formatted"], f'"Acme Privacy Ltd" <{EMAIL_MASK}>')
        self.assertEqual(values["email_normalized"], EMAIL_MASK)
        self.assertEqual(values["customer_phone_e164"], "+861******5678")
        self.assertEqual(values["phone_sanitized"], "+861******4321")  # mobile first
        assert_no_secret(self, values)

    def test_every_read_path_masked(self):
        """read, search_read, web_read, web_search_read all go through _read_format."""
        Partner = self.Partner.with_user(self.user)
        domain = [("id", "=", self.customer.id)]
        spec = {name: {} for name in MASKED_FIELDS}
        results = [
            Partner.search_read(domain, MASKED_FIELDS),
            Partner.browse(self.customer.id).web_read(spec),
            Partner.web_search_read(domain, spec),
            Partner.browse(self.customer.id).read(["name", "child_ids", *MASKED_FIELDS]),
        ]
        for result in results:
            assert_no_secret(self, result)
        self.assertEqual(results[1][0]["phone"], PHONE_MASK)

    def test_server_code_sees_real_values(self):
        """Only what leaves the server is masked: the fields hold the real values (mail,
        the engine and reports read them); sudo() and the superuser read in full."""
        partner = self.customer.with_user(self.cs)
        self.assertEqual(partner.phone, PHONE)
        self.assertEqual(partner.email_formatted, f'"Acme Privacy Ltd" <{EMAIL}>')
        self.assertEqual(self.customer.read(["phone"])[0]["phone"], PHONE)  # superuser

    def test_no_query_per_partner(self):
        """Deciding who sees what is set-based: reading 12 partners masked costs the
        queries of reading 2."""
        partners = self.Partner.create(
            [
                {"name": f"Bulk {index}", "phone": f"1381234{index:04d}", "user_id": self.user.id}
                for index in range(12)
            ]
        )
        counts = []
        for records in (partners[:1], partners[:2], partners):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            values = records.with_user(self.cs).web_read(
                {"phone": {}, "email": {}, "display_name": {}}
            )
            counts.append(self.env.cr.sql_log_count - before)
            self.assertTrue(all("****" in vals["phone"] for vals in values))
        self.assertEqual(counts[1], counts[2])  # the first read warms the caches up

    def test_holders_see_everything(self):
        for user in (self.manager, self.holder):
            values = self.read_as(user, self.customer)
            self.assertEqual(values["phone"], PHONE)
            self.assertEqual(values["email"], EMAIL)
            self.assertEqual(values["customer_registration_number"], REG_NO)

    def test_own_organisation_and_colleagues_in_full(self):
        """A user's own partner and colleagues (internal users' partners) are no
        customers: they stay readable."""
        self.cs.partner_id.sudo().phone = "13311112222"
        self.assertEqual(
            self.read_as(self.cs, self.cs.partner_id, ["phone"])["phone"], "13311112222"
        )
        self.assertEqual(
            self.read_as(self.cs, self.manager.partner_id, ["email"])["email"],
            self.manager.partner_id.email,
        )

    def test_salesperson_setting(self):
        """A customer's own salesperson sees it, and its contacts, in full while the
        setting is on (the default); other customers stay masked."""
        for partner in (self.own_customer, self.own_contact):
            values = self.read_as(self.salesperson, partner, ["phone", "mobile", "email"])
            self.assertEqual(values["phone"], partner.phone)
            self.assertEqual(values["mobile"], partner.mobile)
        self.assertEqual(self.read_as(self.salesperson, self.customer)["phone"], PHONE_MASK)
        self.env["ir.config_parameter"].sudo().set_param(PARAM_SALESPERSON_FULL, "False")
        values = self.read_as(self.salesperson, self.own_customer, ["phone"])
        self.assertEqual(values["phone"], "136****2222")

    def test_salesperson_setting_in_settings(self):
        """On by default; switched off and on again from Settings (stored as text, since a
        missing parameter means on)."""
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.customer_sensitive_salesperson_full)
        settings.customer_sensitive_salesperson_full = False
        settings.execute()
        Params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(Params.get_param(PARAM_SALESPERSON_FULL), "False")
        self.assertFalse(
            self.env["res.config.settings"].create({}).customer_sensitive_salesperson_full
        )
        self.assertEqual(
            self.read_as(self.salesperson, self.own_customer, ["phone"])["phone"], "136****2222"
        )
        settings = self.env["res.config.settings"].create(
            {"customer_sensitive_salesperson_full": True}
        )
        settings.execute()
        self.assertEqual(Params.get_param(PARAM_SALESPERSON_FULL), "True")

    def test_contacts_of_a_company_masked(self):
        """x2many sub-records: the contacts of a company are read masked."""
        result = self.customer.with_user(self.cs).web_read(
            {"child_ids": {"fields": {"phone": {}, "email": {}, "display_name": {}}}}
        )
        child = result[0]["child_ids"][0]
        self.assertEqual(child["phone"], "137****1111")
        self.assertEqual(child["email"], "l***@acme-privacy.example.com")

    def test_many2one_sub_read_and_display_name_with_email(self):
        """A many2one read with sub-fields, and the e-mail in display names (computed as
        superuser by web_read) are masked too."""
        result = self.contact.with_user(self.cs).web_read(
            {
                "parent_id": {
                    "fields": {"display_name": {}, "phone": {}},
                    "context": {"show_email": True},
                }
            }
        )
        parent = result[0]["parent_id"]
        self.assertEqual(parent["phone"], PHONE_MASK)
        self.assertEqual(parent["display_name"], f"Acme Privacy Ltd <{EMAIL_MASK}>")
        name = self.customer.with_user(self.manager).with_context(show_email=True).display_name
        self.assertEqual(name, f"Acme Privacy Ltd <{EMAIL}>")

    def test_followers_email_masked(self):
        """The chatter's follower list shows a related e-mail: masked too."""
        record = self.own_customer
        record.message_subscribe(partner_ids=self.customer.ids)
        follower = self.env["mail.followers"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", record.id),
                ("partner_id", "=", self.customer.id),
            ]
        )
        values = follower.with_user(self.cs).read(["email"])[0]
        self.assertEqual(values["email"], EMAIL_MASK)
        self.assertEqual(follower.with_user(self.manager).read(["email"])[0]["email"], EMAIL)

    def test_chatter_masked(self):
        """The chatter's data (built as superuser by mail): the partner's e-mail, the
        followers' e-mails and the sender address of a message the customer sent."""
        message = self.own_customer.message_post(
            body="Please call me back",
            author_id=self.customer.id,
            email_from=f'"Acme Privacy Ltd" <{EMAIL}>',
            message_type="email",
        )
        self.own_customer.message_subscribe(partner_ids=self.customer.ids)
        for user, address in ((self.cs, EMAIL_MASK), (self.manager, EMAIL)):
            store = Store()
            message.with_user(user)._to_store(store)
            self.customer.with_user(user).sudo()._to_store(store, fields=["email", "name"])
            self.own_customer.with_user(user)._thread_to_store(store, request_list=["followers"])
            result = str(store.get_result())
            self.assertIn(address, result)
            if user == self.cs:
                assert_no_secret(self, result)

    def test_webhook_sends_real_values(self):
        """A webhook sends the record to another system, not to a browser: real values,
        even when a user who sees masks triggers it; a forged context key over RPC (no
        superuser mode) unmasks nothing."""
        action = self.env["ir.actions.server"].create(
            {
                "name": "Send customer",
                "model_id": self.env.ref("base.model_res_partner").id,
                "state": "webhook",
                "webhook_url": "http://localhost:9/hook",
                "webhook_field_ids": [
                    Command.set(
                        self.env["ir.model.fields"]._get_ids("res.partner").get(name)
                        for name in ("phone", "email")
                    )
                ],
            }
        )
        with patch("odoo.addons.base.models.ir_actions.requests.post") as post:
            action.with_user(self.cs).with_context(
                active_model="res.partner", active_id=self.customer.id
            ).run()
        payload = post.call_args.kwargs["data"]
        self.assertIn(PHONE, payload)
        self.assertIn(EMAIL, payload)
        forged = self.customer.with_user(self.cs).with_context(customer_privacy_unmasked=True)
        self.assertEqual(forged.read(["phone"])[0]["phone"], PHONE_MASK)

    def test_export_masked(self):
        """Exports carry the masks, also in sub-record columns and other models' columns."""
        fields = [
            ["name"],
            ["phone"],
            ["email"],
            ["customer_registration_number"],
            ["child_ids", "phone"],
        ]
        rows = self.customer.with_user(self.cs).export_data(
            ["name", "phone", "email", "customer_registration_number", "child_ids/phone"]
        )["datas"]
        self.assertEqual(rows[0][:4], ["Acme Privacy Ltd", PHONE_MASK, EMAIL_MASK, REG_NO_MASK])
        self.assertEqual(rows[0][4], "137****1111")
        self.assertEqual(len(rows[0]), len(fields))
        assert_no_secret(self, rows)
        # the company's columns in its contact's export (a recursive export)
        rows = self.contact.with_user(self.cs).export_data(["name", "parent_id/phone"])["datas"]
        self.assertEqual(rows, [["Li Lei", PHONE_MASK]])
        # another model's export: the classification of the customer
        classification = self.env["customer.classification"].create(
            {"partner_id": self.customer.id, "company_id": self.env.company.id}
        )
        rows = classification.with_user(self.cs).export_data(
            ["partner_id/email", "partner_id/mobile"]
        )["datas"]
        self.assertEqual(rows, [[EMAIL_MASK, MOBILE_MASK]])
        rows = self.customer.with_user(self.manager).export_data(["phone", "email"])["datas"]
        self.assertEqual(rows, [[PHONE, EMAIL]])

    def test_export_mixed_records(self):
        """Several partners, some in full (the salesperson's own), lines kept in order."""
        partners = (self.customer | self.own_customer).with_user(self.salesperson)
        rows = partners.export_data(["name", "phone", "child_ids/mobile"])["datas"]
        self.assertEqual(
            rows,
            [
                ["Acme Privacy Ltd", PHONE_MASK, ""],
                ["Salesperson's Own Customer", "13600002222", "13500003333"],
            ],
        )

    def test_group_by_masked_field_refused(self):
        with self.assertRaises(UserError):
            self.Partner.with_user(self.cs).read_group([], ["__count"], ["email"])
        groups = self.Partner.with_user(self.manager).read_group(
            [("id", "=", self.customer.id)], ["__count"], ["email"]
        )
        self.assertEqual(groups[0]["email"], EMAIL)

    def test_onchange_does_not_send_the_real_value(self):
        """Changing the country re-formats the saved phone (phone_validation): the
        re-formatted real number is not sent to a masked user."""
        self.customer.country_id = False
        spec = {"phone": {}, "mobile": {}, "country_id": {}, "email": {}}
        values = {"country_id": self.cn.id}
        full = self.customer.with_user(self.manager).onchange(values, ["country_id"], spec)
        self.assertIn("phone", full["value"])  # the case is real: the phone changes
        masked = self.customer.with_user(self.cs).onchange(values, ["country_id"], spec)
        self.assertNotIn("phone", masked["value"])
        assert_no_secret(self, masked)

    # -- saving ---------------------------------------------------------------

    def test_save_with_masked_values_keeps_the_real_ones(self):
        partner = self.customer.with_user(self.cs)
        result = partner.web_save(
            {
                "phone": PHONE_MASK,
                "email": EMAIL_MASK,
                "customer_registration_number": REG_NO_MASK,
                "comment": "Called about the order",
            },
            {"phone": {}, "email": {}},
        )
        self.assertEqual(result[0]["phone"], PHONE_MASK)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.phone, PHONE)
        self.assertEqual(self.customer.email, EMAIL)
        self.assertEqual(self.customer.customer_registration_number, REG_NO)
        self.assertIn("Called about the order", self.customer.comment)

    def test_save_a_new_real_value(self):
        self.customer.with_user(self.cs).web_save({"mobile": "13900001111"}, {})
        self.assertEqual(self.customer.mobile, "13900001111")

    def test_form_save_keeps_real_value(self):
        """The form as the web client drives it: it shows the masks, the country changes
        (an onchange re-formats the phone on the server), another field is edited, saved:
        the real values stay."""
        self.customer.country_id = False
        with Form(self.customer.with_user(self.cs)) as form:
            self.assertEqual((form.phone, form.email), (PHONE_MASK, EMAIL_MASK))
            form.country_id = self.cn
            self.assertEqual(form.phone, PHONE_MASK)
            form.name = "Acme Privacy Limited"
        self.assertEqual(self.customer.name, "Acme Privacy Limited")
        self.assertEqual((self.customer.phone, self.customer.email), (PHONE, EMAIL))
        self.customer.with_user(self.cs).write({"phone": PHONE_MASK, "mobile": MOBILE_MASK})
        self.assertEqual((self.customer.phone, self.customer.mobile), (PHONE, MOBILE))

    def test_other_masks_refused(self):
        """A mask that is not this partner's current value (another partner's, or a mask
        typed on a new partner) would store junk: refused, nothing saved."""
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.customer.with_user(self.cs).write({"phone": "137****1111", "name": "Renamed"})
        self.assertEqual(self.customer.name, "Acme Privacy Ltd")
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.Partner.with_user(self.cs).create({"name": "Copy", "email": EMAIL_MASK})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            (self.customer | self.contact).with_user(self.cs).write({"phone": PHONE_MASK})
        self.assertEqual(self.contact.phone, "13700001111")

    def test_child_command_keeps_real_value(self):
        """The contacts list inside the company form sends its lines back: kept."""
        self.customer.with_user(self.cs).write(
            {"child_ids": [Command.update(self.contact.id, {"phone": "137****1111"})]}
        )
        self.assertEqual(self.contact.phone, "13700001111")

    # -- multi-company ----------------------------------------------------------

    def test_multi_company(self):
        """A partner restricted to another company stays unreadable (record rules), and
        masking is the same for users of both companies; a company's own partner is
        read in full by its users."""
        company_b = self.env["res.company"].create({"name": "Privacy Company B"})
        partner_b = self.Partner.create(
            {
                "name": "B Customer",
                "company_id": company_b.id,
                "phone": "13811112222",
                "country_id": self.cn.id,
            }
        )
        user_b = new_test_user(
            self.env,
            "pv_cs_b",
            groups="base.group_user,customer_classification.group_customer_service",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        with self.assertRaises(AccessError):
            partner_b.with_user(self.cs).read(["phone"])
        self.assertEqual(self.read_as(user_b, partner_b, ["phone"])["phone"], "138****2222")
        company_b.partner_id.phone = "13822223333"
        self.assertEqual(
            self.read_as(user_b, company_b.partner_id, ["phone"])["phone"], "13822223333"
        )
        manager_b = new_test_user(
            self.env,
            "pv_manager_b",
            groups="base.group_user,customer_classification.group_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        self.assertEqual(self.read_as(manager_b, partner_b, ["phone"])["phone"], "13811112222")
