from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUiReports(HttpCase):
    def test_dashboard_tour(self):
        """A manager's dashboard: every panel renders its report and links to it."""
        today = fields.Date.context_today(self.env["res.partner"])
        last_month = today.replace(day=1) - relativedelta(months=1)
        quarter_end = today.replace(day=1) - relativedelta(months=(today.month - 1) % 3 + 1)
        # the demo data's snapshots and overdue answers give every panel something to draw
        for model, domain in (
            ("customer.classification.snapshot", [("month", "=", last_month)]),
            (
                "customer.class.migration.report",
                [("period_type", "=", "quarter"), ("date", "=", quarter_end)],
            ),
            ("customer.churn.report", [("month", "=", last_month)]),
            ("customer.tracking.record", [("overdue", "=", True)]),
        ):
            self.assertTrue(self.env[model].search_count(domain), model)
        self.start_tour("/odoo", "customer_classification_dashboard_tour", login="admin")
