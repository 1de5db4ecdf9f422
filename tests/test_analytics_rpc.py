"""The analytics over JSON-RPC: who may refresh them, who reads which figures."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import json_rpc

PASSWORD = "Analytics-rpc-1"


@tagged("post_install", "-at_install")
class TestAnalyticsOverRpc(HttpCase):
    def setUp(self):
        super().setUp()
        for login, groups in (
            ("an_portal", "base.group_portal"),
            ("an_plain", "base.group_user"),
            ("an_service", "customer_classification.group_customer_service"),
            ("an_user", "sales_team.group_sale_salesman,customer_classification.group_user"),
            ("an_manager", "customer_classification.group_manager"),
        ):
            new_test_user(self.env, login, groups=groups, password=PASSWORD)

    def rpc(self, login, model, method, args):
        return json_rpc(self, login, PASSWORD, model, method, args)

    def test_refresh_needs_a_manager(self):
        Analytics = self.env["customer.analytics"]
        before = Analytics.search_count([])
        with self.assertLogs("odoo.http", "WARNING") as refused:
            for login in ("an_portal", "an_plain", "an_service", "an_user"):
                with self.subTest(login=login):
                    answer = self.rpc(
                        login, "res.partner", "action_refresh_customer_analytics", [[]]
                    )
                    self.assertIn("AccessError", answer["error"]["data"]["name"])
        self.assertEqual(len(refused.output), 4)
        self.assertEqual(Analytics.search_count([]), before)
        answer = self.rpc("an_manager", "res.partner", "action_refresh_customer_analytics", [[]])
        self.assertNotIn("error", answer)

    def test_analytics_and_snapshots_readable_by_whom(self):
        partner = self.env["res.partner"].create(
            {"name": "RPC Analytics Ltd", "is_company": True, "customer_rank": 1}
        )
        self.env["res.partner"].browse()._refresh_customer_analytics()
        domain = [("partner_id", "=", partner.id)]
        with self.assertLogs("odoo.http", "WARNING") as refused:
            for login in ("an_portal", "an_plain", "an_service"):
                for model in ("customer.analytics", "customer.classification.snapshot"):
                    with self.subTest(login=login, model=model):
                        answer = self.rpc(login, model, "search_read", [domain, ["id"]])
                        self.assertIn("AccessError", answer["error"]["data"]["name"])
        self.assertEqual(len(refused.output), 6)
        answer = self.rpc(
            "an_user", "customer.analytics", "search_read", [domain, ["lifecycle_stage"]]
        )
        self.assertEqual(answer["result"][0]["lifecycle_stage"], "prospect")
        answer = self.rpc(
            "an_user",
            "res.partner",
            "read",
            [[partner.id], ["lifecycle_stage", "rfm_segment", "abc_class"]],
        )
        self.assertEqual(answer["result"][0]["lifecycle_stage"], "prospect")
