"""Exact dates and values: one calendar for every run, windows from the Settings,
numbers compared as numbers, missing values matching nothing, negative revenue."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from ..engine import classifier
from ..models.customer_classification import (
    PARAM_REVENUE_SOURCE,
    PARAM_TIMEZONE,
    PARAM_WINDOW,
)
from .common_classification import ClassificationCase

#: 00:30 on 1 November in Shanghai (UTC+8) is still 31 October in UTC
MIDNIGHT_UTC8 = "2026-10-31 16:30:00"


@tagged("post_install", "-at_install")
class TestDatesValues(ClassificationCase):
    def set_param(self, key, value):
        self.env["ir.config_parameter"].sudo().set_param(key, value)

    def indicators(self, partner):
        self.env.flush_all()  # the indicators read the database
        Result = self.Result.sudo()
        return Result._indicator_values(self.company, [partner.id], Result._today())[partner.id]

    # ------------------------------------------------------------------
    # One calendar
    # ------------------------------------------------------------------
    @freeze_time(MIDNIGHT_UTC8)
    def test_today_is_the_settings_timezone_for_manual_and_scheduled_runs(self):
        self.set_param(PARAM_TIMEZONE, "Asia/Shanghai")
        los_angeles = new_test_user(
            self.env,
            "cl_tz_user",
            groups="base.group_user,customer_classification.group_user",
            tz="America/Los_Angeles",
        )
        for env in (self.env, self.env(user=los_angeles), self.env(context={"tz": "UTC"})):
            self.assertEqual(env["customer.classification"]._today(), date(2026, 11, 1))
        self.set_param(PARAM_TIMEZONE, "UTC")
        self.assertEqual(self.Result._today(), date(2026, 10, 31))
        # junk in the system parameter: UTC, and one warning however often it is read
        self.set_param(PARAM_TIMEZONE, "Mars/Olympus_Mons_Test")
        with self.assertLogs("odoo.addons.customer_classification", "WARNING") as logs:
            self.assertEqual(self.Result._today(), date(2026, 10, 31))
            self.Result._today()
        self.assertEqual(len(logs.output), 1)

    @freeze_time(MIDNIGHT_UTC8)
    def test_a_complaint_falls_on_its_local_date(self):
        """Logged at 00:30 in Shanghai on 2 November 2025 (16:30 UTC the day before): inside
        the twelve months that end today, 1 November 2026 in Shanghai."""
        self.set_param(PARAM_TIMEZONE, "Asia/Shanghai")
        partner = self.customer()
        for when in ("2025-11-01 16:30:00", "2025-10-31 17:00:00"):
            self.env["customer.tracking.record"].create(
                {
                    "partner_id": partner.id,
                    "record_type": "complaint",
                    "summary": "Late",
                    "date": when,
                }
            )
        # the second one is on 1 November 2025 in Shanghai: the day the window excludes
        self.assertEqual(self.indicators(partner)["complaint_count"], 1)

    @freeze_time(MIDNIGHT_UTC8)
    def test_an_order_falls_in_its_local_month(self):
        """Confirmed at 01:00 on 1 October in Shanghai (30 September, 17:00 UTC): October's,
        the last complete month on 1 November, which rose from September."""
        self.set_param(PARAM_TIMEZONE, "Asia/Shanghai")
        self.set_param(PARAM_REVENUE_SOURCE, "sale_order")
        partner = self.customer()
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "price_unit": 1000, "tax_id": []}
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = datetime(2026, 9, 30, 17, 0)
        values = self.indicators(partner)
        self.assertEqual(values["growth_months"], 1)
        self.assertEqual(values["days_since_last_order"], 31)

    # ------------------------------------------------------------------
    # Windows
    # ------------------------------------------------------------------
    def test_the_evaluation_window_drives_the_indicators_without_their_own(self):
        partner = self.customer()
        self.invoice(partner, 700_000, days_ago=200)
        self.assertEqual(self.indicators(partner)["revenue"], 700_000)
        self.set_param(PARAM_WINDOW, 6)
        self.assertEqual(self.indicators(partner)["revenue"], 0)
        revenue = self.env.ref("customer_classification.indicator_revenue")
        self.assertFalse(revenue.window_months)
        revenue.window_months = 12  # its own window wins
        self.assertEqual(self.indicators(partner)["revenue"], 700_000)
        # junk in the system parameter: the default twelve months, one warning
        revenue.window_months = 0
        self.set_param(PARAM_WINDOW, "24000")
        with self.assertLogs("odoo.addons.customer_classification", "WARNING") as logs:
            self.assertEqual(self.indicators(partner)["revenue"], 700_000)
        self.assertEqual(len(logs.output), 1)

    # ------------------------------------------------------------------
    # Values
    # ------------------------------------------------------------------
    def test_in_compares_numbers_and_a_missing_value_matches_nothing(self):
        is_in = classifier.Condition("order_count", "in", values=("3.0", "4"))
        self.assertTrue(is_in.matches({"order_count": 3}))
        self.assertTrue(is_in.matches({"order_count": 4.0}))
        self.assertFalse(is_in.matches({"order_count": 5}))
        not_d = classifier.Condition("esg_rating", "!=", value="d")
        self.assertTrue(not_d.matches({"esg_rating": "a"}))
        self.assertFalse(not_d.matches({"esg_rating": None}))
        self.assertFalse(not_d.matches({}))
        self.assertFalse(classifier.Condition("esg_rating", "=", value="d").matches({}))

    def test_negative_net_revenue_is_a_value_rules_can_target(self):
        partner = self.customer()
        self.invoice(partner, 100)
        self.invoice(partner, 600, move_type="out_refund")
        self.assertEqual(self.indicators(partner)["revenue"], -500)
        draft = self.new_version()
        low = self.level("Value contribution", "Low", draft)
        refunds = self.level("Value contribution", "Mid", draft).copy(
            {"name": "Refunds exceed sales", "sequence": low.sequence - 1}
        )
        refunds.condition_ids = [
            Command.create(
                {
                    "indicator_id": self.env.ref("customer_classification.indicator_revenue").id,
                    "operator": "<",
                    "value": 0,
                }
            )
        ]
        self.assertNotIn("negative", draft.problems or "")
        self.activate(draft)
        result = self.classify(partner)
        self.assertEqual(self.levels(result)["Value contribution"], "Refunds exceed sales")
