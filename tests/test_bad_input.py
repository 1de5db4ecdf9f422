"""Bad input gets a clear error and saves nothing; what cannot be refused never breaks a run."""

import math

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from .common_classification import ClassificationCase


@tagged("post_install", "-at_install")
class TestBadInput(ClassificationCase):
    def assert_refused(self, record, vals, message=None):
        before = record.read(list(vals))[0]
        with self.assertRaisesRegex(ValidationError, message or ""), self.env.cr.savepoint():
            record.write(vals)
        record.invalidate_recordset()
        self.assertEqual(record.read(list(vals))[0], before, f"{vals} was saved")

    def test_numbers_texts_choices_and_records_are_checked_before_saving(self):
        draft = self.new_version()
        dimension = self.dimension("Value contribution", draft)
        level = self.level("Value contribution", "High", draft)
        condition = level.condition_ids[:1]
        for value in (math.nan, math.inf, -math.inf, 101, -1, "60", [60]):
            with self.subTest(weight=value):
                self.assert_refused(dimension, {"weight": value}, "Weight")
        self.assert_refused(dimension, {"sequence": 2**31}, "whole number")
        self.assert_refused(dimension, {"name": "Value\x00"}, "NUL")
        self.assert_refused(level, {"points": math.nan}, "Points")
        self.assert_refused(condition, {"operator": "bogus"}, "not one of the choices")
        self.assert_refused(condition, {"value": math.inf})
        self.assert_refused(condition, {"indicator_id": 999_999_999}, "does not exist")
        revenue = self.env.ref("customer_classification.indicator_revenue")
        for months in (121, 24_000, -1, math.nan):
            with self.subTest(window=months):
                self.assert_refused(revenue, {"window_months": months})
        self.assertFalse(draft._problems() and "weight" in " ".join(draft._problems()))

    def test_a_domain_is_run_when_saved(self):
        scheme = self.env["customer.code.scheme"].search([], limit=1)
        for domain in ("[('id', '=', 'abc')]", "[('create_date', '>', 'notadate')]"):
            with self.subTest(domain=domain):
                self.assert_refused(scheme, {"domain": domain}, "not valid")
                with self.assertRaisesRegex(ValidationError, "not valid"):
                    self.env["res.config.settings"].create({"classification_scope_domain": domain})
        # customers are still created and coded
        self.assertTrue(self.customer().customer_code)

    def test_an_indicator_changes_kind_only_if_nothing_breaks(self):
        revenue = self.env.ref("customer_classification.indicator_revenue")
        # read by the standard in force: a new version first
        with self.assertRaisesRegex(ValidationError, "in force reads"), self.env.cr.savepoint():
            revenue.kind = "industry_risk"
        self.assertEqual(revenue.kind, "revenue")

    def test_a_partner_field_that_no_longer_exists_is_skipped_and_reported(self):
        size = self.env.ref("customer_classification.indicator_company_size")
        draft = self.new_version()
        level = self.level("Industry risk", "Low", draft)
        level.condition_ids = [
            (0, 0, {"indicator_id": size.id, "operator": "=", "value_text": "large"})
        ]
        self.activate(draft)
        partner = self.customer(classification_size_band="large")
        self.classify(partner)
        # the field's module goes away: the indicator loses its field (set null)
        self.env.flush_all()
        self.env.execute_query(
            SQL("UPDATE customer_indicator SET field_id = NULL WHERE id = %s", size.id)
        )
        self.env.invalidate_all()
        with self.assertLogs("odoo.addons.customer_classification", "WARNING") as logs:
            result = self.classify(partner)
            self.classify(partner)
        self.assertEqual(len(logs.output), 1)
        self.assertIn("company_size", logs.output[0])
        self.assertTrue(result.class_id, "the run went on without the indicator")
        self.assertNotEqual(self.levels(result)["Industry risk"], "Low")
        # a draft says so
        self.assertIn("does not exist", self.new_version().problems)
