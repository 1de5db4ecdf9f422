from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from ..models import res_partner_classification
from ..models.customer_classification import PARAM_REVENUE_SOURCE
from ..models.customer_standard import RUN_DONE
from .common_classification import ClassificationCase


@tagged("post_install", "-at_install")
class TestSchedule(ClassificationCase):
    def patch_batch(self, size):
        return patch.object(res_partner_classification, "BATCH_SIZE", size)

    def run_to_end(self, standard=None):
        """Call the scheduled action until the company's full run is done; count the calls."""
        standard = standard or self.standard
        calls = 0
        while True:
            self.Partner._cron_reclassify()
            calls += 1
            if standard.run_cursor == RUN_DONE:
                return calls

    def in_scope(self):
        return len(self.Partner._classification_partners(self.company))

    def test_cron_works_in_batches_and_resumes(self):
        partners = self.Partner.create(
            [{"name": f"Batch {i}", "is_company": True, "customer_rank": 1} for i in range(7)]
        )
        self.standard._queue_run("schedule")
        with self.patch_batch(3):
            self.Partner._cron_reclassify()
            cursor = self.standard.run_cursor
            self.assertGreater(cursor, 0)
            # killed here: the next call goes on after the cursor, not from the start
            self.Partner._cron_reclassify()
            self.assertGreater(self.standard.run_cursor, cursor)
            calls = 2 + self.run_to_end()
        self.assertGreater(calls, 3)
        self.assertEqual(self.standard.last_run_evaluated, self.in_scope())
        self.assertEqual(set(partners.mapped("customer_class_id")), {self.classes["prospect"]})

    def test_every_full_run_evaluates_everyone(self):
        """A finished run leaves nothing behind: the next one starts from the beginning."""
        with self.patch_batch(4):
            for _run in range(3):
                partner = self.customer()
                self.run_to_end()
                self.assertEqual(self.standard.last_run_evaluated, self.in_scope())
                self.assertEqual(partner.customer_class_id, self.classes["prospect"])

    def test_activation_restarts_the_run_as_a_configuration_change(self):
        partner = self.customer()
        self.invoice(partner, 600_000)
        self.classify(partner)
        with self.patch_batch(3):
            self.Partner._cron_reclassify()  # a run under way...
            self.assertNotEqual(self.standard.run_cursor, RUN_DONE)
            # ...when a new version raises the Mid threshold: the run starts over with it
            draft = self.new_version()
            self.level("Value contribution", "Mid", draft).condition_ids.value = 700_000
            self.activate(draft)
            self.assertEqual(draft.run_queued, "config")
            self.run_to_end(draft)
        last = self.History.search([("partner_id", "=", partner.id)], limit=1)
        self.assertRecordValues(
            last,
            [
                {
                    "origin": "config",
                    "new_class_id": self.classes["optimization"].id,
                    "standard_id": draft.id,
                }
            ],
        )
        self.assertEqual(partner.classification_id.standard_id, draft)
        self.assertEqual(draft.last_run_evaluated, self.in_scope())
        self.assertIn("Changed class:", draft.message_ids[0].body)

    def test_a_broken_company_does_not_stop_the_others(self):
        """Each call of the scheduled action does work while some is left: a company whose
        standard fails is finished, noted on its standard, and the next one goes on."""
        broken, busy = (
            self.env["res.company"].create({"name": name}) for name in ("Broken", "Busy")
        )
        self.Standard._active_for(self.company).run_cursor = RUN_DONE
        broken_standard = self.Standard._active_for(broken)
        self.customer("Broken's customer", company_id=broken.id)
        # broken behind the ORM's back: its weights no longer total 100
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "UPDATE customer_dimension SET weight = 0 WHERE standard_id = %s",
                broken_standard.id,
            )
        )
        self.env.invalidate_all()
        partner = self.customer("Busy's customer", company_id=busy.id)
        busy_standard = self.Standard._active_for(busy)
        self.assertEqual(busy_standard.run_cursor, 0)
        with self.assertLogs("odoo.addons.customer_classification", "WARNING") as logs:
            self.Partner._cron_reclassify()
        self.assertEqual(len(logs.output), 1)
        self.assertEqual(broken_standard.run_cursor, RUN_DONE)
        self.assertIn("must total 100", broken_standard.message_ids[0].body)
        # the same call went on with the next company
        self.assertNotEqual(busy_standard.run_cursor, 0)
        self.assertEqual(partner.with_company(busy).customer_class_id, self.classes["prospect"])

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
