from contextlib import closing
from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from ..engine import anomaly as rules
from ..models.customer_anomaly_run import DETECT_LOCK
from ..models.customer_classification import PARAM_REVENUE_SOURCE
from .common_classification import ClassificationCase


class TestAnomalyRules(ClassificationCase):
    """The pure rules of ``engine/anomaly.py``."""

    def test_revenue_change(self):
        self.assertEqual(rules.revenue_change(1000, 3000, 3), rules.JUMP)
        self.assertIsNone(rules.revenue_change(1000, 2999, 3))
        self.assertEqual(rules.revenue_change(3000, 1000, 3), rules.DROP)
        self.assertIsNone(rules.revenue_change(3000, 1001, 3))
        self.assertEqual(rules.revenue_change(1000, 0, 3), rules.DROP, "a drop to zero counts")
        self.assertEqual(rules.revenue_change(1000, -50, 3), rules.DROP)
        self.assertIsNone(rules.revenue_change(0, 5000, 3), "a new customer is no anomaly")
        self.assertIsNone(rules.revenue_change(-100, 5000, 3))
        with self.assertRaises(ValueError):
            rules.revenue_change(1000, 3000, 1)

    def test_code_matches(self):
        plain = rules.pattern_regex("T{year}{seq:4}")
        classy = rules.pattern_regex("{class}-{region}-{seq:3}", ["S", "P"])
        schemes = [(plain, None), (classy, None), (None, r"VIP\d{3}")]
        for code in ("T20260001", "T2026123456", "S-BJ-001", "P-SH-1234", "VIP123"):
            self.assertTrue(rules.code_matches(code, schemes), code)
        for code in ("T2026001", "X-BJ-001", "S--001", "VIP12", "t20260001", "T20260001 "):
            self.assertFalse(rules.code_matches(code, schemes), code)
        self.assertIsNone(rules.pattern_regex("T{nope}{seq:4}"))
        self.assertTrue(rules.pattern_regex("a.b{{x}}{seq:1}").fullmatch("a.b{x}7"))


@tagged("post_install", "-at_install")
class TestAnomalies(ClassificationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Run = cls.env["customer.anomaly.run"]
        cls.Anomaly = cls.env["customer.anomaly"]
        cls.engine_today = cls.env["customer.classification"]._today()
        month = cls.engine_today.replace(day=1)
        cls.recent_day = month - relativedelta(months=2, days=-4)  # in the last 3 months
        cls.previous_day = month - relativedelta(months=5, days=-4)  # in the 3 before
        cls.old_day = month - relativedelta(months=8, days=-4)  # in the window only
        cls.steward = new_test_user(
            cls.env,
            "an_steward",
            groups="base.group_user,customer_classification.group_manager",
        )
        cls.service = new_test_user(
            cls.env,
            "an_service",
            groups="base.group_user,customer_classification.group_customer_service",
        )
        cls.company.write({"customer_anomaly_factor": 3, "customer_data_steward_id": False})
        # each test says which data its classes require (the shipped ones require some)
        cls.env["customer.class"].with_context(active_test=False).search([]).write(
            {"required_field_ids": [Command.clear()]}
        )
        cls.other_company = cls.env["res.company"].create({"name": "Anomaly Company B"})

    def invoice_on(self, partner, amount, day, move_type="out_invoice"):
        return self.invoice(partner, amount, move_type=move_type, invoice_date=day)

    def detect(self, company=None):
        return self.Run._detect(company or self.company, "manual")

    def found(self, run, partners):
        """``{(partner, type)}`` of ``run`` among ``partners``."""
        return {(a.partner_id, a.anomaly_type) for a in run.anomaly_ids if a.partner_id in partners}

    # ------------------------------------------------------------------
    # Each anomaly
    # ------------------------------------------------------------------
    def test_revenue_jump_and_drop(self):
        jump, steady, drop, gone, new = (
            self.customer(name) for name in ("Jump", "Steady", "Drop", "Gone", "New")
        )
        for partner, previous, recent in (
            (jump, 1000, 3000),
            (steady, 1000, 2900),
            (drop, 3000, 1000),
            (gone, 1000, 0),
            (new, 0, 5000),
        ):
            if previous:
                self.invoice_on(partner, previous, self.previous_day)
            if recent:
                self.invoice_on(partner, recent, self.recent_day)
        run = self.detect()
        everyone = jump | steady | drop | gone | new
        self.assertEqual(
            self.found(run, everyone),
            {(jump, "revenue_jump"), (drop, "revenue_drop"), (gone, "revenue_drop")},
        )
        anomaly = run.anomaly_ids.filtered(lambda a: a.partner_id == jump)
        self.assertEqual((anomaly.amount_before, anomaly.amount_after), (1000, 3000))
        self.assertIn("3,000.00", anomaly.description)
        # a higher factor: the jump (3 times) and the drop (a third) are no longer anomalies
        self.company.customer_anomaly_factor = 3.5
        self.assertEqual(self.found(self.detect(), everyone), {(gone, "revenue_drop")})

    def test_revenue_this_month_not_compared(self):
        """Only complete months count: the current month's sales change nothing."""
        partner = self.customer("Current month")
        self.invoice_on(partner, 1000, self.previous_day)
        self.invoice_on(partner, 1000, self.recent_day)
        self.invoice_on(partner, 50000, self.engine_today.replace(day=1))
        self.assertFalse(self.found(self.detect(), partner))

    def test_negative_net_revenue(self):
        refunded, fine = self.customer("Refunded"), self.customer("Fine")
        self.invoice_on(refunded, 100, self.old_day)
        self.invoice_on(refunded, 500, self.old_day, move_type="out_refund")
        self.invoice_on(fine, 500, self.old_day)
        self.invoice_on(fine, 100, self.old_day, move_type="out_refund")
        run = self.detect()
        self.assertEqual(self.found(run, refunded | fine), {(refunded, "negative_revenue")})
        anomaly = run.anomaly_ids.filtered(lambda a: a.partner_id == refunded)
        self.assertEqual(anomaly.amount_after, -400)

    def sale_on(self, partner, amount, day):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "price_unit": amount, "tax_id": []}
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = datetime.combine(day, time(12))
        return order

    def test_revenue_source_setting(self):
        """With confirmed sale orders as the revenue source, orders are read, not invoices."""
        invoiced, ordered = self.customer("Invoiced jump"), self.customer("Ordered drop")
        self.invoice_on(invoiced, 1000, self.previous_day)
        self.invoice_on(invoiced, 5000, self.recent_day)
        self.sale_on(ordered, 9000, self.previous_day)
        self.sale_on(ordered, 1000, self.recent_day)
        both = invoiced | ordered
        self.assertEqual(self.found(self.detect(), both), {(invoiced, "revenue_jump")})
        self.env["ir.config_parameter"].sudo().set_param(PARAM_REVENUE_SOURCE, "sale_order")
        self.assertEqual(self.found(self.detect(), both), {(ordered, "revenue_drop")})

    def test_queries_do_not_grow_with_customers(self):
        """Set-based: the detection runs as many queries for 3 customers as for 30."""

        def queries_for(count):
            partners = self.Partner.create(
                [
                    {"name": f"Q{count} {i}", "is_company": True, "customer_rank": 1}
                    for i in range(count)
                ]
            )
            for partner in partners:
                self.invoice_on(partner, 1000, self.previous_day)
            self.env.execute_query(
                SQL(
                    "UPDATE res_partner SET customer_code = 'BAD-' || id WHERE id IN %s",
                    tuple(partners.ids),
                )
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            run = self.detect()
            self.env.flush_all()
            queries = self.env.cr.sql_log_count - before
            self.assertGreaterEqual(len(self.found(run, partners)), 2 * count)
            return queries

        self.detect()  # each measured detection replaces a previous report
        self.assertEqual(queries_for(3), queries_for(30))

    def test_strategic_without_salesperson(self):
        alone = self.customer("Strategic alone")
        served = self.customer("Strategic served", user_id=self.user.id)
        potential = self.customer("Potential alone")
        Result = self.env["customer.classification"].sudo()
        Result._set_override(self.company, alone | served, self.classes["strategic"], "Key", None)
        Result._set_override(self.company, potential, self.classes["potential"], "Mid", None)
        run = self.detect()
        self.assertEqual(
            self.found(run, alone | served | potential), {(alone, "strategic_no_salesperson")}
        )

    def test_code_matching_no_scheme(self):
        Scheme = self.env["customer.code.scheme"]
        Scheme.search([]).active = False
        Scheme.create({"name": "Plain", "pattern": "T{year}{seq:4}"})
        Scheme.create({"name": "VIP", "pattern": "V{seq:5}", "validation_regex": r"VIP\d{3}"})
        Scheme.create({"name": "Old", "pattern": "Z{seq:3}", "active": False})
        Scheme.create(
            {"name": "Other company", "pattern": "Q{seq:2}", "company_id": self.other_company.id}
        )
        codes = {
            "T20260001": False,
            "T2026123456": False,
            "V00001": False,
            "VIP123": False,
            "X-1": True,
            "Z001": True,
            "Q01": True,
        }
        partners = self.Partner
        for code in codes:
            partner = self.customer(f"Coded {code}")
            # codes from before the schemes (an import): planted as they are
            self.env.execute_query(
                SQL("UPDATE res_partner SET customer_code = %s WHERE id = %s", code, partner.id)
            )
            partners |= partner
        self.env.invalidate_all()
        run = self.detect()
        flagged = {p.customer_code for p, _kind in self.found(run, partners)}
        self.assertEqual(flagged, {code for code, bad in codes.items() if bad})
        anomaly = run.anomaly_ids.filtered(lambda a: a.customer_code == "X-1")
        self.assertEqual(anomaly.anomaly_type, "code_no_scheme")
        self.assertIn("X-1", anomaly.description)
        # the company B scheme counts in company B
        other = self.detect(self.other_company)
        self.assertNotIn("Q01", {a.customer_code for a in other.anomaly_ids})

    def test_missing_required_data(self):
        phone = self.env["ir.model.fields"]._get("res.partner", "phone")
        self.classes["strategic"].required_field_ids = [(6, 0, phone.ids)]
        missing = self.customer("No phone", user_id=self.user.id)
        complete = self.customer("Phone", user_id=self.user.id, phone="+86 138 1234 5678")
        Result = self.env["customer.classification"].sudo()
        Result._set_override(
            self.company, missing | complete, self.classes["strategic"], "Key", None
        )
        run = self.detect()
        self.assertEqual(self.found(run, missing | complete), {(missing, "missing_data")})
        anomaly = run.anomaly_ids.filtered(lambda a: a.partner_id == missing)
        self.assertIn(phone.field_description, anomaly.description)

    def test_override_expired(self):
        ended, running, open_ended = (
            self.customer(name) for name in ("Ended", "Running", "Open-ended")
        )
        Result = self.env["customer.classification"].sudo()
        klass = self.classes["potential"]
        Result._set_override(
            self.company, ended, klass, "Trial", self.engine_today - relativedelta(days=1)
        )
        Result._set_override(self.company, running, klass, "Trial", self.engine_today)
        Result._set_override(self.company, open_ended, klass, "Trial", None)
        run = self.detect()
        self.assertEqual(
            self.found(run, ended | running | open_ended), {(ended, "override_expired")}
        )
        anomaly = run.anomaly_ids.filtered(lambda a: a.partner_id == ended)
        self.assertEqual(anomaly.date_value, self.engine_today - relativedelta(days=1))

    # ------------------------------------------------------------------
    # The report and the steward
    # ------------------------------------------------------------------
    def test_new_run_replaces_report(self):
        partner = self.customer("Bad code")
        self.env.execute_query(
            SQL("UPDATE res_partner SET customer_code = 'NOPE-1' WHERE id = %s", partner.id)
        )
        self.env.invalidate_all()
        first = self.detect()
        second = self.detect()
        self.assertFalse(first.exists(), "the previous report is replaced")
        self.assertEqual(self.Run.search([("company_id", "=", self.company.id)]), second)
        self.assertEqual(self.Anomaly.search([("partner_id", "=", partner.id)]).run_id, second)
        self.assertEqual(second.anomaly_count, len(second.anomaly_ids))
        other = self.detect(self.other_company)
        self.assertTrue(second.exists(), "another company's run keeps this one")
        self.assertNotEqual(other, second)

    def test_steward_activity_with_counts(self):
        self.company.customer_data_steward_id = self.steward
        jump, drop = self.customer("Jump"), self.customer("Drop")
        self.invoice_on(jump, 100, self.previous_day)
        self.invoice_on(jump, 1000, self.recent_day)
        self.invoice_on(drop, 1000, self.previous_day)
        run = self.detect()
        counts = run._counts()
        self.assertGreaterEqual(counts["revenue_jump"], 1)
        self.assertGreaterEqual(counts["revenue_drop"], 1)
        activity = run.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.steward)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertIn(str(run.anomaly_count), activity.summary)
        self.assertIn(f"Revenue Jump: {counts['revenue_jump']}", activity.note)
        self.assertIn(f"Revenue Drop: {counts['revenue_drop']}", activity.note)
        self.assertEqual(run.steward_id, self.steward)
        # the steward opens the run from the activity, then the list, and closes the to-do
        as_steward = run.with_user(self.steward)
        action = as_steward.action_view_anomalies()
        listed = self.Anomaly.with_user(self.steward).search(action["domain"])
        self.assertEqual(len(listed), run.anomaly_count)
        activity.with_user(self.steward).action_feedback(feedback="Checked")
        self.assertFalse(run.activity_ids)
        # the next detection's to-do replaces this one
        self.detect()
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "customer.anomaly.run"), ("user_id", "=", self.steward.id)]
            ),
            1,
        )

    def test_no_steward_no_activity(self):
        run = self.detect()
        self.assertFalse(run.activity_ids)
        self.assertFalse(run.steward_id)
        self.assertIn("No data steward", run.note)

    def test_steward_must_read_the_report(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.company.customer_data_steward_id = self.user
        self.assertFalse(self.company.customer_data_steward_id)
        # a steward who lost the Manager rights since: the run says nobody was told
        self.company.customer_data_steward_id = self.steward
        self.steward.groups_id = [(3, self.env.ref("customer_classification.group_manager").id)]
        run = self.detect()
        self.assertFalse(run.activity_ids)
        self.assertIn("nobody was told", run.note)

    def test_factor_above_one(self):
        for factor in (1, 0.5, 0, -3):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.company.customer_anomaly_factor = factor
        self.assertEqual(self.company.customer_anomaly_factor, 3)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env["res.config.settings"].create({"customer_anomaly_factor": 1}).execute()
        self.assertEqual(self.company.customer_anomaly_factor, 3)

    def test_settings_write_the_company(self):
        settings = self.env["res.config.settings"].create(
            {"customer_anomaly_factor": 4, "customer_data_steward_id": self.steward.id}
        )
        settings.execute()
        self.assertEqual(self.company.customer_anomaly_factor, 4)
        self.assertEqual(self.company.customer_data_steward_id, self.steward)

    # ------------------------------------------------------------------
    # Scheduled action, button, rights, companies
    # ------------------------------------------------------------------
    def test_cron_once_per_company_and_day(self):
        self.Run.search([]).unlink()  # the demo's first detection, if any
        self.Run._cron_detect_anomalies()
        runs = self.Run.search([])
        self.assertEqual(len(runs.company_id), 1, "one company per call")
        for _i in range(self.env["res.company"].search_count([])):
            self.Run._cron_detect_anomalies()
        runs = self.Run.search([])
        self.assertEqual(runs.company_id, self.env["res.company"].search([]))
        self.assertEqual(set(runs.mapped("origin")), {"schedule"})
        self.Run._cron_detect_anomalies()
        self.assertEqual(self.Run.search([]), runs, "each company once a day")

    def test_busy_company(self):
        """A detection of the same company in another transaction: the button says so,
        the scheduled action goes on with the other companies and retries soon."""
        self.Run.search([]).unlink()
        with closing(self.registry.cursor()) as other:
            other.execute(
                SQL(
                    "SELECT pg_advisory_xact_lock(hashtext(%s), %s)",
                    DETECT_LOCK,
                    self.company.id,
                )
            )
            with self.assertRaises(UserError):
                self.Run.with_user(self.manager).action_detect()
            for _i in range(self.env["res.company"].search_count([])):
                self.Run._cron_detect_anomalies()
            other.rollback()
        done = self.Run.search([]).company_id
        self.assertNotIn(self.company, done)
        self.assertIn(self.other_company, done)
        self.Run._cron_detect_anomalies()
        self.assertIn(self.company, self.Run.search([]).company_id)

    def test_button_managers_only(self):
        for user in (self.user, self.service):
            with self.assertRaises(AccessError):
                self.Run.with_user(user).action_detect()
        action = self.Run.with_user(self.manager).action_detect()
        run = self.Run.browse(action["res_id"])
        self.assertEqual(run.origin, "manual")
        self.assertEqual(run.user_id, self.manager)
        self.assertEqual(run.company_id, self.company)

    def test_users_cannot_read_the_report(self):
        """The report lists every customer of the company with revenue figures: it is the
        data steward's and the Managers' tool, not the salespeople's."""
        partner = self.customer("Bad code")
        self.env.execute_query(
            SQL("UPDATE res_partner SET customer_code = 'NOPE-2' WHERE id = %s", partner.id)
        )
        self.env.invalidate_all()
        run = self.detect()
        anomaly = run.anomaly_ids.filtered(lambda a: a.partner_id == partner)
        for user in (self.user, self.service):
            with self.assertRaises(AccessError):
                self.Anomaly.with_user(user).search([])
            with self.assertRaises(AccessError):
                run.with_user(user).read(["anomaly_count"])
            with self.assertRaises(AccessError):
                anomaly.with_user(user).action_open_partner()
        action = anomaly.with_user(self.manager).action_open_partner()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", partner.id))
        with self.assertRaises(AccessError):
            anomaly.with_user(self.manager).write({"anomaly_type": "missing_data"})
        with self.assertRaises(AccessError):
            anomaly.with_user(self.manager).unlink()

    def test_multi_company(self):
        """A partner restricted to company A is never in company B's report, and a
        Manager of company B does not see company A's report."""
        restricted = self.customer("Only A", company_id=self.company.id)
        shared = self.customer("Shared")
        self.env.execute_query(
            SQL(
                "UPDATE res_partner SET customer_code = 'BAD-' || id WHERE id IN %s",
                tuple((restricted | shared).ids),
            )
        )
        self.env.invalidate_all()
        run_a = self.detect()
        run_b = self.detect(self.other_company)
        both = restricted | shared
        self.assertEqual({p for p, _k in self.found(run_a, both)}, set(both))
        self.assertEqual({p for p, _k in self.found(run_b, both)}, {shared})
        manager_b = new_test_user(
            self.env,
            "an_manager_b",
            groups="base.group_user,customer_classification.group_manager",
            company_id=self.other_company.id,
            company_ids=[(6, 0, self.other_company.ids)],
        )
        visible = self.Anomaly.with_user(manager_b).search([])
        self.assertEqual(visible.run_id, run_b)
        self.assertEqual(self.Run.with_user(manager_b).search([]), run_b)
        # company A's steward cannot be a user without access to company A
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.company.customer_data_steward_id = manager_b
