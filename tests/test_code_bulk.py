from unittest.mock import patch

from odoo.tests import Form

from ..models.res_partner import PARAM_BULK_REQUESTED
from ..wizard import customer_code_assign_wizard
from .common import CustomerCodeCase


class TestCodeBulk(CustomerCodeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manual_mode()
        cls.Wizard = cls.env["customer.code.assign.wizard"]
        cls.state_sh = cls.env["res.country.state"].create(
            {"name": "Test Shanghai", "code": "SHX", "country_id": cls.country_cn.id}
        )

    def make_customers(self, count, prefix="Bulk"):
        states = self.state_bj | self.state_sh
        return self.Partner.create(
            [
                {
                    "name": f"{prefix} {i}",
                    "is_company": True,
                    "customer_rank": 1,
                    "country_id": self.country_cn.id,
                    "state_id": states[i % 2].id,
                }
                for i in range(count)
            ]
        )

    def run_wizard(self, user=None):
        with Form(self.Wizard.with_user(user or self.manager)) as form:
            count = form.candidate_count
        form.record.action_assign()
        return count

    def test_wizard_codes_everyone_without_code(self):
        partners = self.make_customers(2000)
        self.assertFalse(any(partners.mapped("customer_code")))
        self.assertEqual(self.run_wizard(), 2000)
        partners.invalidate_recordset()
        codes = partners.mapped("customer_code")
        self.assertTrue(all(codes))
        self.assertEqual(len(set(codes)), 2000)
        self.assertEqual(sorted(codes)[:2], [self.expected(1), self.expected(2)])
        self.assertEqual(
            self.History.search_count(
                [("partner_id", "in", partners.ids), ("origin", "=", "bulk")]
            ),
            2000,
        )
        self.assertEqual(self.run_wizard(), 0)

    def test_query_count_does_not_grow(self):
        self.scheme.pattern = "S-{region}-{seq:4}"
        # warm up: the first run creates the series of both regions
        self.make_customers(2, "Warm-up")
        self.Partner._assign_missing_codes_batch()
        counts = []
        for size, prefix in ((20, "Small"), (2000, "Large")):
            partners = self.make_customers(size, prefix)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.Partner._assign_missing_codes_batch()
            counts.append(self.env.cr.sql_log_count - before)
            partners.invalidate_recordset()
            self.assertTrue(all(partners.mapped("customer_code")))
        self.assertEqual(counts[0], counts[1], "queries for 20 vs 2,000 partners")

    def test_batches_resume(self):
        partners = self.make_customers(30)
        coded, last_id, remaining = self.Partner._assign_missing_codes_batch(limit=10)
        self.assertEqual((coded, remaining), (10, 20))
        # a killed run starts again from what still has no code
        coded, _last, remaining = self.Partner._assign_missing_codes_batch(limit=25)
        self.assertEqual((coded, remaining), (20, 0))
        partners.invalidate_recordset()
        self.assertTrue(all(partners.mapped("customer_code")))
        self.assertEqual(self.Partner._assign_missing_codes_batch(), (0, 0, 0))
        self.assertTrue(last_id)

    def test_large_job_goes_to_the_cron(self):
        partners = self.make_customers(5)
        cron = self.env.ref("customer_classification.ir_cron_assign_customer_codes")
        with patch.object(customer_code_assign_wizard, "SYNC_LIMIT", 3):
            self.run_wizard()
        partners.invalidate_recordset()
        self.assertFalse(any(partners.mapped("customer_code")))
        self.assertTrue(self.env["ir.config_parameter"].sudo().get_param(PARAM_BULK_REQUESTED))
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        self.Partner._cron_assign_customer_codes()
        partners.invalidate_recordset()
        self.assertTrue(all(partners.mapped("customer_code")))
        self.assertFalse(self.env["ir.config_parameter"].sudo().get_param(PARAM_BULK_REQUESTED))

    def test_cron_does_nothing_in_manual_mode_unless_asked(self):
        partners = self.make_customers(3)
        self.Partner._cron_assign_customer_codes()
        partners.invalidate_recordset()
        self.assertFalse(any(partners.mapped("customer_code")))
