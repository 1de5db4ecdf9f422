import json
from urllib.parse import urlencode

from odoo.tests import HttpCase, tagged

from .common_privacy import (
    EMAIL,
    EMAIL_MASK,
    MASKED_FIELDS,
    PHONE,
    PHONE_MASK,
    REG_NO,
    REG_NO_MASK,
    assert_no_secret,
    privacy_fixtures,
)


@tagged("post_install", "-at_install")
class TestPrivacyOverRpc(HttpCase):
    """What the web client's own calls return: the real values never reach the browser
    of a user without the group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        privacy_fixtures(cls)

    def call_kw(self, login, model, method, args, kwargs=None):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def export_csv(self, login, model, ids, fields):
        self.authenticate(login, login)
        data = {
            "model": model,
            "fields": [{"name": name, "label": name} for name in fields],
            "ids": ids,
            "domain": [],
            "import_compat": True,
        }
        response = self.url_open("/web/export/csv?" + urlencode({"data": json.dumps(data)}))
        response.raise_for_status()
        return response.content.decode()

    def spec(self):
        return {
            **{name: {} for name in MASKED_FIELDS},
            "display_name": {},
            "child_ids": {"fields": {"phone": {}, "email": {}}},
        }

    def test_web_read_and_web_search_read(self):
        for login in ("pv_cs", "pv_user"):
            result = self.call_kw(
                login, "res.partner", "web_read", [self.customer.ids, self.spec()]
            )
            self.assertEqual(result[0]["phone"], PHONE_MASK)
            self.assertEqual(result[0]["email"], EMAIL_MASK)
            self.assertEqual(result[0]["customer_registration_number"], REG_NO_MASK)
            assert_no_secret(self, result)
            result = self.call_kw(
                login,
                "res.partner",
                "web_search_read",
                [],
                {"domain": [("id", "=", self.customer.id)], "specification": self.spec()},
            )
            self.assertEqual(result["records"][0]["phone"], PHONE_MASK)
            assert_no_secret(self, result)

    def test_read_and_search_read(self):
        result = self.call_kw("pv_cs", "res.partner", "read", [self.customer.ids, MASKED_FIELDS])
        assert_no_secret(self, result)
        result = self.call_kw(
            "pv_cs",
            "res.partner",
            "search_read",
            [[("id", "in", (self.customer | self.contact).ids)], MASKED_FIELDS],
        )
        self.assertEqual(len(result), 2)
        assert_no_secret(self, result)

    def test_export(self):
        fields = ["name", "phone", "mobile", "email", "customer_registration_number"]
        content = self.export_csv("pv_cs", "res.partner", self.customer.ids, fields)
        self.assertIn(PHONE_MASK, content)
        self.assertIn(EMAIL_MASK, content)
        assert_no_secret(self, content)
        result = self.call_kw(
            "pv_cs", "res.partner", "export_data", [self.customer.ids, [*fields, "child_ids/phone"]]
        )
        assert_no_secret(self, result)
        content = self.export_csv("pv_manager", "res.partner", self.customer.ids, fields)
        self.assertIn(PHONE, content)
        self.assertIn(REG_NO, content)

    def test_holder_and_salesperson_in_full(self):
        result = self.call_kw(
            "pv_holder", "res.partner", "web_read", [self.customer.ids, self.spec()]
        )
        self.assertEqual((result[0]["phone"], result[0]["email"]), (PHONE, EMAIL))
        result = self.call_kw(
            "pv_salesperson", "res.partner", "web_read", [self.own_customer.ids, self.spec()]
        )
        self.assertEqual(result[0]["phone"], self.own_customer.phone)

    def test_web_save_keeps_the_real_value(self):
        result = self.call_kw(
            "pv_cs",
            "res.partner",
            "web_save",
            [self.customer.ids, {"phone": PHONE_MASK, "email": EMAIL_MASK, "function": "Buyer"}],
            {"specification": {"phone": {}, "email": {}, "function": {}}},
        )
        self.assertEqual(result[0]["phone"], PHONE_MASK)
        self.assertEqual(result[0]["function"], "Buyer")
        self.customer.invalidate_recordset()
        self.assertEqual((self.customer.phone, self.customer.email), (PHONE, EMAIL))
        self.call_kw(
            "pv_cs",
            "res.partner",
            "web_save",
            [self.customer.ids, {"phone": "13911112222"}],
            {"specification": {}},
        )
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.phone, "13911112222")
