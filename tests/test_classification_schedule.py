from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from ..models import res_partner_classification
from ..models.customer_classification import PARAM_PENDING_ORIGIN, PARAM_REVENUE_SOURCE
from ..models.res_partner_classification import PARAM_CRON_CURSOR
from .common_classification import ClassificationCase


@tagged("post_install", "-at_install")
class TestSchedule(ClassificationCase):
    def test_cron_works_in_batches_and_resumes(self):
        partners = self.Partner.create(
            [{"name": f"Batch {i}", "is_company": True, "customer_rank": 1} for i in range(7)]
        )
        params = self.env["ir.config_parameter"].sudo()
        with self.patch_batch(3):
            self.Partner._cron_reclassify()
            cursor = params.get_param(PARAM_CRON_CURSOR)
            self.assertNotEqual(cursor, "0:0")
            # killed here: the next call goes on after the cursor, not from the start
            calls = 1
            while params.get_param(PARAM_CRON_CURSOR) != "0:0":
                self.Partner._cron_reclassify()
                calls += 1
        self.assertGreater(calls, 2)
        self.assertEqual(set(partners.mapped("customer_class_id")), {self.classes["prospect"]})

    def patch_batch(self, size):
        return patch.object(res_partner_classification, "BATCH_SIZE", size)

    def test_configuration_change_is_recorded_as_such(self):
        partner = self.customer()
        self.invoice(partner, 600_000)
        self.classify(partner)
        # raising the Mid threshold triggers a run recorded as a configuration change
        self.env.ref("customer_classification.level_value_mid").condition_ids.value = 700_000
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(params.get_param(PARAM_PENDING_ORIGIN), "config")
        while True:
            self.Partner._cron_reclassify()
            if params.get_param(PARAM_CRON_CURSOR) == "0:0":
                break
        last = self.History.search([("partner_id", "=", partner.id)], limit=1)
        self.assertEqual((last.origin, last.new_class_id), ("config", self.classes["optimization"]))

    def test_revenue_from_confirmed_orders(self):
        self.env["ir.config_parameter"].sudo().set_param(PARAM_REVENUE_SOURCE, "sale_order")
        partner = self.customer()
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "price_unit": 1_300_000, "tax_id": []}
                    )
                ],
            }
        )
        self.invoice(partner, 999)  # invoices do not count in this mode
        order.action_confirm()
        self.assertTrue(partner.classification_outdated)
        result = self.classify(partner)
        self.assertEqual(result.explanation["indicators"]["revenue"], 1_300_000)
        self.assertEqual(self.levels(result)["Value contribution"], "High")
