"""Response times: complaints and requests are answered within the hours of the
customer's class, counted on the company's working calendar; what passes its deadline
is flagged and escalated once; each class shows its service level per company."""

from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common_classification import ClassificationCase

#: a Friday, one hour before the end of the working day (the calendar is in UTC)
FRIDAY_16H = datetime(2030, 3, 1, 16, 0)
MONDAY = datetime(2030, 3, 4)


def at(day, hour, minute=0):
    return day.replace(hour=hour, minute=minute)


@tagged("post_install", "-at_install")
class TestResponseTimes(ClassificationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Record = cls.env["customer.tracking.record"]
        cls.overdue_type = cls.env.ref(
            "customer_classification.mail_activity_type_response_overdue"
        )
        cls.salesperson = new_test_user(
            cls.env, "rt_sales", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesperson = new_test_user(
            cls.env, "rt_other_sales", groups="sales_team.group_sale_salesman"
        )
        cls.leader = new_test_user(cls.env, "rt_leader", groups="sales_team.group_sale_salesman")
        cls.fallback = new_test_user(cls.env, "rt_fallback", groups="base.group_user")
        cls.service = new_test_user(
            cls.env,
            "rt_service",
            groups="base.group_user,customer_classification.group_customer_service",
        )
        team = cls.env["crm.team"].create(
            {"name": "Response team", "user_id": cls.leader.id, "company_id": cls.company.id}
        )
        cls.env["crm.team.member"].create({"crm_team_id": team.id, "user_id": cls.salesperson.id})
        # the standard 40 hours (Mon-Fri 8-12, 13-17), in UTC to keep the sums simple
        cls.calendar = cls.env["resource.calendar"].create({"name": "Test 40 h UTC", "tz": "UTC"})
        cls.company.write(
            {
                "resource_calendar_id": cls.calendar.id,
                "customer_sla_working_hours": True,
                "customer_followup_user_id": cls.fallback.id,
            }
        )
        cls.partner = cls.Partner.create(
            {
                "name": "Potential customer",
                "is_company": True,
                "customer_rank": 1,
                "user_id": cls.salesperson.id,
            }
        )
        cls.partner._override_classification(cls.classes["potential"], "Test")
        cls.contact = cls.Partner.create({"name": "Buyer", "parent_id": cls.partner.id})

    def request(self, date, record_type="complaint", partner=None, **vals):
        return self.Record.create(
            dict(
                {
                    "partner_id": (partner or self.contact).id,
                    "record_type": record_type,
                    "summary": "Where is my order?",
                    "date": date,
                },
                **vals,
            )
        )

    def escalations(self, record):
        return record.activity_ids.filtered(lambda a: a.activity_type_id == self.overdue_type)

    # ------------------------------------------------------------------
    # Deadlines
    # ------------------------------------------------------------------
    def test_deadline_counts_working_hours_across_the_weekend(self):
        """4 hours from Friday 16:00: one hour on Friday, three on Monday morning."""
        self.assertEqual(FRIDAY_16H.strftime("%A"), "Friday")
        for record_type in ("complaint", "request"):
            record = self.request(FRIDAY_16H, record_type)
            self.assertRecordValues(
                record,
                [
                    {
                        "state": "open",
                        "sla_class_id": self.classes["potential"].id,
                        "deadline": at(MONDAY, 11),
                        "overdue": False,
                        "escalated": False,
                    }
                ],
            )
        # the lunch break is not working time either
        self.assertEqual(self.request(at(MONDAY, 10)).deadline, at(MONDAY, 15))
        # a public holiday on Monday moves it to Tuesday
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.calendar.id,
                "date_from": at(MONDAY, 0),
                "date_to": at(MONDAY, 23, 59),
            }
        )
        self.assertEqual(self.request(FRIDAY_16H).deadline, datetime(2030, 3, 5, 11, 0))

    def test_plain_hours_when_the_setting_is_off(self):
        self.company.customer_sla_working_hours = False
        self.assertEqual(self.request(FRIDAY_16H).deadline, at(FRIDAY_16H, 20))
        # a strategic customer: 2 hours
        self.partner._override_classification(self.classes["strategic"], "Test")
        record = self.request(FRIDAY_16H, "request")
        self.assertEqual(record.sla_class_id, self.classes["strategic"])
        self.assertEqual(record.deadline, at(FRIDAY_16H, 18))

    def test_no_deadline_for_contacts_or_classes_without_response_time(self):
        for record_type in ("visit", "call", "email", "meeting", "feedback", "other"):
            record = self.request(FRIDAY_16H, record_type)
            self.assertRecordValues(
                record,
                [{"deadline": False, "sla_class_id": False, "state": "closed", "overdue": False}],
            )
        # a customer without a class yet
        newcomer = self.customer("Newcomer")
        self.assertFalse(newcomer.customer_class_id)
        self.assertFalse(self.request(FRIDAY_16H, partner=newcomer).deadline)
        # a class without response time
        self.classes["potential"].response_hours = 0
        record = self.request(FRIDAY_16H)
        self.assertEqual(record.sla_class_id, self.classes["potential"])
        self.assertFalse(record.deadline)
        self.assertEqual(record.state, "open")
        with freeze_time(datetime(2030, 4, 1)):
            self.Record._cron_check_response_times()
        self.assertFalse(record.overdue)

    # ------------------------------------------------------------------
    # Answers
    # ------------------------------------------------------------------
    def test_answer_records_when(self):
        record = self.request(FRIDAY_16H)
        with freeze_time(at(MONDAY, 9, 30)):
            record.with_user(self.salesperson).action_answer()
        self.assertRecordValues(
            record, [{"state": "answered", "answered_date": at(MONDAY, 9, 30), "overdue": False}]
        )
        with self.env.cr.savepoint(), self.assertRaises(UserError):
            record.action_answer()
        # in time, it stays so whatever the scheduled action sees later
        with freeze_time(at(MONDAY, 18)):
            self.Record._cron_check_response_times()
            record.with_user(self.salesperson).action_close()
        self.assertRecordValues(
            record, [{"state": "closed", "answered_date": at(MONDAY, 9, 30), "overdue": False}]
        )
        # closed unanswered: counts as answered when closed
        other = self.request(FRIDAY_16H, "request")
        with freeze_time(at(MONDAY, 10)):
            other.action_close()
        self.assertEqual((other.state, other.answered_date), ("closed", at(MONDAY, 10)))

    def test_overdue_is_flagged_and_escalated_once(self):
        with freeze_time(FRIDAY_16H):
            record = self.request(FRIDAY_16H)
        self.assertEqual(record.deadline, at(MONDAY, 11))
        with freeze_time(at(MONDAY, 10, 59)):
            self.Record._cron_check_response_times()
        self.assertFalse(record.overdue)
        self.assertFalse(self.escalations(record))
        with freeze_time(at(MONDAY, 11, 30)):
            self.Record._cron_check_response_times()
            self.Record._cron_check_response_times()
        self.assertTrue(record.overdue)
        self.assertTrue(record.escalated)
        escalation = self.escalations(record)
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation.user_id, self.leader)
        self.assertEqual(escalation.date_deadline, MONDAY.date())
        self.assertIn(self.contact.name, escalation.summary)
        self.assertEqual(record.calendar_color, "#D9534F")
        # answered late: the escalation goes, the record stays late
        with freeze_time(at(MONDAY, 14)):
            record.with_user(self.salesperson).action_answer()
            self.Record._cron_check_response_times()
        self.assertFalse(self.escalations(record))
        self.assertFalse(escalation.exists())
        self.assertRecordValues(
            record, [{"state": "answered", "answered_date": at(MONDAY, 14), "overdue": True}]
        )

    def test_escalation_goes_to_the_customers_team_then_to_the_fallback_user(self):
        other_leader = new_test_user(self.env, "rt_leader2", groups="base.group_user")
        own_team = self.env["crm.team"].create(
            {"name": "Key accounts", "user_id": other_leader.id, "company_id": self.company.id}
        )
        with_team = self.customer("With a team", team_id=own_team.id)
        nobody = self.customer("Nobody's")
        (with_team | nobody)._override_classification(self.classes["potential"], "Test")
        with freeze_time(FRIDAY_16H):
            records = self.request(FRIDAY_16H, partner=with_team) | self.request(
                FRIDAY_16H, partner=nobody
            )
        with freeze_time(at(MONDAY, 12)):
            self.Record._cron_check_response_times()
        self.assertEqual(self.escalations(records[0]).user_id, other_leader)
        self.assertEqual(self.escalations(records[1]).user_id, self.fallback)
        self.assertTrue(all(records.mapped("escalated")))

    def test_who_may_answer(self):
        record = self.request(FRIDAY_16H, user_id=self.other_salesperson.id)
        for user in (self.service, self.user):
            with self.env.cr.savepoint(), self.assertRaises(AccessError):
                record.with_user(user).action_answer()
        self.assertEqual(record.state, "open")
        # a salesperson who is neither the author nor the customer's salesperson
        by_salesperson = self.request(FRIDAY_16H, user_id=self.salesperson.id)
        self.partner.user_id = self.leader
        with self.env.cr.savepoint(), self.assertRaises(AccessError):
            by_salesperson.with_user(self.other_salesperson).action_answer()
        with self.env.cr.savepoint(), self.assertRaises(AccessError):
            by_salesperson.with_user(self.other_salesperson).action_close()
        self.assertEqual(by_salesperson.state, "open")
        # the author, the customer's salesperson, a manager may
        by_salesperson.with_user(self.salesperson).action_answer()
        self.assertEqual(by_salesperson.state, "answered")
        record.with_user(self.leader).action_answer()
        self.assertEqual(record.state, "answered")
        third = self.request(FRIDAY_16H, user_id=self.other_salesperson.id)
        third.with_user(self.manager).action_answer()
        self.assertEqual(third.state, "answered")

    def test_a_manager_of_another_company_never_answers(self):
        """Being a manager does not open another company's records."""
        company_b = self.env["res.company"].create({"name": "Answering Company B"})
        manager_b = new_test_user(
            self.env,
            "rt_manager_b",
            groups="customer_classification.group_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        record = self.request(FRIDAY_16H)
        self.assertEqual(record.company_id, self.env.company)
        for action in ("action_answer", "action_close"):
            with self.env.cr.savepoint(), self.assertRaises(AccessError):
                getattr(record.with_user(manager_b), action)()
        self.assertEqual(record.state, "open")
        self.assertFalse(record.answered_date)

    def test_customer_service_never_answers(self):
        """Customer service only reads tracking records, even as a customer's salesperson."""
        customer = self.customer("Served by customer service", user_id=self.service.id)
        customer._override_classification(self.classes["potential"], "Test")
        record = self.request(FRIDAY_16H, partner=customer)
        self.assertTrue(record.deadline)
        for action in ("action_answer", "action_close"):
            with self.env.cr.savepoint(), self.assertRaises(AccessError):
                getattr(record.with_user(self.service), action)()
        self.assertEqual(record.state, "open")

    # ------------------------------------------------------------------
    # Service level of a class
    # ------------------------------------------------------------------
    def test_class_service_level_counts_the_current_company(self):
        """3 requests, answered after 1, 3 and 6 plain hours against 4: 2 in time."""
        company_b = self.env["res.company"].create({"name": "Service Company B"})
        company_b.customer_sla_working_hours = False
        self.company.customer_sla_working_hours = False
        self.partner.with_company(company_b)._override_classification(
            self.classes["potential"], "Test"
        )
        start = at(MONDAY, 9)
        with freeze_time(start):
            records = [self.request(start, "request") for _n in range(3)]
            in_b = self.request(start, "request", company_id=company_b.id)
        self.assertEqual(in_b.sla_class_id, self.classes["potential"])
        self.assertEqual(in_b.deadline, at(MONDAY, 13))
        for record, hour in zip([*records, in_b], (10, 12, 15, 19), strict=True):
            with freeze_time(at(MONDAY, hour)):
                record.action_answer()
        self.assertEqual([r.overdue for r in records], [False, False, True])
        potential = self.classes["potential"]
        with freeze_time(datetime(2030, 3, 10)):
            potential.invalidate_recordset()
            self.assertEqual(potential.sla_request_count, 3)
            self.assertAlmostEqual(potential.sla_in_time_rate, 200 / 3, places=2)
            self.assertAlmostEqual(potential.sla_median_hours, 3.0, places=4)
            # another request, another company (the values are not cached per company)
            potential.invalidate_recordset()
            in_company_b = potential.with_company(company_b)
            self.assertEqual(in_company_b.sla_request_count, 1)
            self.assertEqual(in_company_b.sla_in_time_rate, 0.0)
            self.assertAlmostEqual(in_company_b.sla_median_hours, 10.0, places=4)
        # an open request past its deadline counts as late; 90 days later, nothing counts
        with freeze_time(at(MONDAY, 9)):
            self.request(at(MONDAY, 9), "request")
        with freeze_time(datetime(2030, 3, 10)):
            potential.invalidate_recordset()
            self.assertEqual(potential.sla_request_count, 4)
            self.assertAlmostEqual(potential.sla_in_time_rate, 50.0, places=2)
            self.assertAlmostEqual(potential.sla_median_hours, 3.0, places=4)
        with freeze_time(datetime(2030, 6, 10)):
            potential.invalidate_recordset()
            self.assertEqual(potential.sla_request_count, 0)
            self.assertEqual(potential.sla_in_time_rate, 0.0)
