from datetime import datetime

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import Form
from odoo.tools import mute_logger

from .common_classification import ClassificationCase


class TestSnapshots(ClassificationCase):
    """Monthly snapshots: what a month holds, the backfill, the scheduled action, rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Snapshot = cls.env["customer.classification.snapshot"]
        cls.Month = cls.env["customer.snapshot.month"]
        cls.last_month = cls.Snapshot._last_complete_month()
        # whatever the database holds (the demo data's backfill), the tests start anew
        cls.Snapshot.search([]).unlink()
        cls.Month.search([]).unlink()

    def month_ago(self, count):
        return self.last_month - relativedelta(months=count - 1)

    def snapshot(self, partner, month):
        return self.Snapshot.search(
            [
                ("partner_id", "=", partner.id),
                ("month", "=", month),
                ("company_id", "=", self.company.id),
            ]
        )

    def history(self, partner, klass, moment, score=50.0):
        """A class change of ``partner`` logged at ``moment`` (as the engine logs it)."""
        return self.History.sudo().create(
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "new_class_id": klass.id,
                "new_score": score,
                "origin": "schedule",
                "date": moment,
            }
        )

    def start_of(self, month):
        return datetime.combine(month, datetime.min.time())

    def test_month_holds_revenue_orders_and_class_at_its_end(self):
        partner = self.customer("Snap Ltd")
        month = self.month_ago(1)
        day = (self.today - month).days
        self.invoice(partner, 1000.0, days_ago=day - 3)  # the 4th of the month
        self.invoice(partner, 500.0, days_ago=day - 5)
        self.invoice(partner, 2000.0, days_ago=day + 10)  # the month before
        self.history(
            partner, self.classes["potential"], self.start_of(month) - relativedelta(days=20)
        )
        self.history(
            partner, self.classes["strategic"], self.start_of(month) + relativedelta(days=10)
        )
        # a change after the month's end is not the month's class
        self.history(partner, self.classes["optimization"], self.start_of(self.today))
        self.Snapshot._write_month(self.company, month)
        row = self.snapshot(partner, month)
        self.assertEqual(row.class_id, self.classes["strategic"])
        self.assertEqual(row.score, 50.0)
        self.assertAlmostEqual(row.revenue_month, 1500.0)
        self.assertEqual(row.order_count, 2)
        self.assertAlmostEqual(row.revenue_window, 3500.0)
        # orders 13 and 2 days apart (usual interval 7.5 days), none in the last 25 days
        # of the month: at risk, though a new customer
        self.assertEqual(row.lifecycle_stage, "at_risk")
        self.assertGreaterEqual(row.lifetime_value, 3500.0)
        self.assertTrue(row.r_score)
        # the month before: the class of then, only the older invoice
        self.Snapshot._write_month(self.company, self.month_ago(2))
        before = self.snapshot(partner, self.month_ago(2))
        self.assertEqual(before.class_id, self.classes["potential"])
        self.assertAlmostEqual(before.revenue_month, 2000.0)

    def test_no_class_before_the_first_classification(self):
        partner = self.customer("Late Class Ltd")
        self.invoice(partner, 800.0, days_ago=(self.today - self.month_ago(3)).days - 1)
        self.history(partner, self.classes["optimization"], self.start_of(self.month_ago(1)))
        self.Snapshot._backfill(3, progress=lambda text: None)
        rows = {
            month: self.snapshot(partner, month)
            for month in (self.month_ago(3), self.month_ago(2), self.month_ago(1))
        }
        self.assertFalse(rows[self.month_ago(3)].class_id)
        self.assertFalse(rows[self.month_ago(2)].class_id)
        self.assertEqual(rows[self.month_ago(1)].class_id, self.classes["optimization"])
        self.assertAlmostEqual(rows[self.month_ago(3)].revenue_month, 800.0)

    def test_customers_of_a_month_existed_then(self):
        partner = self.customer("Old Buyer")
        self.invoice(partner, 100.0, days_ago=(self.today - self.month_ago(2)).days)
        newcomer = self.customer("Newcomer")  # created today, no invoice
        self.Snapshot._write_month(self.company, self.month_ago(2))
        self.assertTrue(self.snapshot(partner, self.month_ago(2)))
        self.assertFalse(self.snapshot(newcomer, self.month_ago(2)))

    def test_backfill_is_done_once_and_resumes(self):
        partner = self.customer("Resume Ltd")
        self.invoice(partner, 100.0, days_ago=200)
        months = [self.month_ago(n) for n in (3, 2, 1)]
        self.Snapshot._write_month(self.company, months[0])
        written = self.Snapshot._backfill(3, progress=lambda text: None)
        self.assertTrue(written)
        done = self.Month._done(months)
        self.assertIn((self.company.id, months[0]), done)
        self.assertIn((self.company.id, months[2]), done)
        # a second run writes nothing
        self.assertEqual(self.Snapshot._backfill(3, progress=lambda text: None), 0)
        self.assertEqual(
            self.Snapshot.search_count([("partner_id", "=", partner.id), ("month", "in", months)]),
            3,
        )

    def test_cron_writes_one_month_per_call(self):
        partner = self.customer("Cron Ltd")
        self.invoice(partner, 100.0, days_ago=20)
        months = self.Snapshot._months()
        self.assertEqual(len(months), 36)
        self.assertEqual(months[-1], self.last_month)
        before = self.Month.search_count([])
        self.Snapshot._cron_snapshot()
        self.assertEqual(self.Month.search_count([]), before + 1)
        first = self.Snapshot._next_missing(months)
        self.Snapshot._cron_snapshot()
        self.assertIn((first[0].id, first[1]), self.Month._done([first[1]]))

    def test_users_read_their_own_customers_managers_all(self):
        mine = self.customer("Mine Ltd", user_id=self.user.id)
        theirs = self.customer("Theirs Ltd")
        for partner in (mine, theirs):
            self.invoice(partner, 100.0, days_ago=(self.today - self.month_ago(1)).days - 2)
        self.Snapshot._write_month(self.company, self.month_ago(1))
        seen = self.Snapshot.with_user(self.user).search([("month", "=", self.month_ago(1))])
        self.assertEqual(seen.partner_id, mine)
        seen = self.Snapshot.with_user(self.manager).search([("month", "=", self.month_ago(1))])
        self.assertIn(theirs, seen.partner_id)
        with self.assertRaises(AccessError):
            self.Snapshot.with_user(self.manager).browse(seen[:1].id).write({"score": 1})

    def test_other_company_apart(self):
        other = self.env["res.company"].create({"name": "Snapshot B"})
        only_b = self.customer("Only B Snap", company_id=other.id)
        # a customer of long standing in company B
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = %s WHERE id = %s",
            (self.start_of(self.month_ago(3)), only_b.id),
        )
        self.Snapshot._write_month(self.company, self.month_ago(1))
        self.Snapshot._write_month(other, self.month_ago(1))
        self.assertEqual(self.Snapshot.search([("partner_id", "=", only_b.id)]).company_id, other)
        self.assertFalse(
            self.Snapshot.with_user(self.manager).search([("partner_id", "=", only_b.id)])
        )

    def test_followup_done_logs_effort_and_due_date(self):
        partner = self.customer("Effort Ltd", user_id=self.user.id)
        followup = self.env.ref("customer_classification.class_followup_strategic_visit")
        activity = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": partner.id,
                "activity_type_id": followup.activity_type_id.id,
                "user_id": self.user.id,
                "date_deadline": self.today + relativedelta(days=3),
                "customer_followup_id": followup.id,
                "customer_company_id": self.company.id,
                "summary": "Quarterly visit",
            }
        )
        activity.with_user(self.user).action_feedback(feedback="Visited")
        record = self.env["customer.tracking.record"].search([("partner_id", "=", partner.id)])
        self.assertEqual(record.duration, 4.0)
        self.assertEqual(record.followup_deadline, self.today + relativedelta(days=3))

    def test_effort_on_the_form_never_negative(self):
        partner = self.customer("Form Effort Ltd")
        form = Form(self.env["customer.tracking.record"])
        form.partner_id = partner
        form.record_type = "visit"
        form.summary = "Plant visit"
        form.duration = 2.5
        record = form.save()
        self.assertEqual(record.duration, 2.5)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            record.write({"duration": -1.0})
            record.flush_recordset()
        self.assertEqual(record.duration, 2.5)
        line = self.env.ref("customer_classification.class_followup_strategic_call")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            line.write({"effort_hours": -0.5})
            line.flush_recordset()
