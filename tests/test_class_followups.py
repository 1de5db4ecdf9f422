"""Class strategies in action: every customer has one open activity per follow-up line of
its class, planned without a mail, moved on when done, cancelled when it no longer
applies, kept apart per company."""

from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common_classification import ClassificationCase


@tagged("post_install", "-at_install")
class TestClassFollowups(ClassificationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Activity = cls.env["mail.activity"]
        cls.Followup = cls.env["customer.class.followup"]
        cls.Record = cls.env["customer.tracking.record"]
        cls.lines = {
            name: cls.env.ref(f"customer_classification.class_followup_{name}")
            for name in (
                "strategic_visit",
                "strategic_call",
                "potential_call",
                "optimization_promotion",
                "prospect_call",
            )
        }
        cls.call = cls.env.ref("mail.mail_activity_data_call")
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")
        cls.salesperson = new_test_user(
            cls.env, "fu_sales", groups="sales_team.group_sale_salesman"
        )
        cls.leader = new_test_user(cls.env, "fu_leader", groups="sales_team.group_sale_salesman")
        cls.fallback = new_test_user(cls.env, "fu_fallback", groups="base.group_user")
        cls.fixed = new_test_user(cls.env, "fu_fixed", groups="base.group_user")
        cls.team = cls.env["crm.team"].create(
            {"name": "Follow-up team", "user_id": cls.leader.id, "company_id": cls.company.id}
        )
        cls.env["crm.team.member"].create(
            {"crm_team_id": cls.team.id, "user_id": cls.salesperson.id}
        )
        cls.company.customer_followup_user_id = cls.fallback

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @property
    def now_date(self):
        return self.env["customer.classification"]._today()

    @contextmanager
    def hook_off(self):
        """Classes change without the engine telling the follow-ups (as before this
        feature was installed): only a run of the scheduler plans them."""
        with patch.object(
            type(self.Partner), "_on_customer_class_changed", lambda self, changes, origin: None
        ):
            yield

    def set_class(self, partners, code, company=None, quiet=False):
        """The manager's override: the engine's own way to change a class."""
        klass = code if not isinstance(code, str) else self.classes[code]
        company = company or self.company
        partners = partners.with_company(company)
        if quiet:
            with self.hook_off():
                partners._override_classification(klass, "Test")
        else:
            partners._override_classification(klass, "Test")
        self.assertEqual(partners[:1].customer_class_id, klass)

    def followups(self, partners, company=None):
        """The open class follow-ups of ``partners`` planned by ``company``."""
        return self.Activity.search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                ("customer_followup_id", "!=", False),
                ("customer_company_id", "=", (company or self.company).id),
            ],
            order="id",
        )

    def by_line(self, partner, company=None):
        return {act.customer_followup_id: act for act in self.followups(partner, company)}

    def own_class(self, *lines):
        """A class of our own, with follow-up lines ``(responsible, vals)``."""
        klass = self.env["customer.class"].create({"name": "Test key accounts", "code": "t_key"})
        self.Followup.create(
            [
                dict(
                    {
                        "class_id": klass.id,
                        "activity_type_id": self.call.id,
                        "summary": f"Line {n}",
                        "interval_days": 7,
                        "responsible": responsible,
                    },
                    **vals,
                )
                for n, (responsible, vals) in enumerate(lines)
            ]
        )
        return klass

    # ------------------------------------------------------------------
    # Planning
    # ------------------------------------------------------------------
    def test_first_run_plans_one_activity_per_line_of_the_class(self):
        strategic, potential = self.customer("Strategic"), self.customer("Potential")
        strategic.user_id = potential.user_id = self.salesperson
        self.set_class(strategic, "strategic", quiet=True)
        self.set_class(potential, "potential", quiet=True)
        self.assertFalse(self.followups(strategic | potential))
        stats = (strategic | potential)._schedule_class_followups()
        self.assertEqual(stats, {"created": 3, "cancelled": 0, "unassigned": 0})
        today = self.now_date
        visit, call = self.lines["strategic_visit"], self.lines["strategic_call"]
        self.assertEqual(set(self.by_line(strategic)), {visit, call})
        for line, activity in self.by_line(strategic).items():
            self.assertRecordValues(
                activity,
                [
                    {
                        "res_id": strategic.id,
                        "activity_type_id": line.activity_type_id.id,
                        "summary": line.summary,
                        "user_id": self.salesperson.id,
                        "date_deadline": today + timedelta(days=line.interval_days),
                        "customer_company_id": self.company.id,
                        "automated": True,
                    }
                ],
            )
        self.assertEqual(self.by_line(strategic)[visit].date_deadline, today + timedelta(days=90))
        (potential_call,) = self.followups(potential)
        self.assertEqual(potential_call.customer_followup_id, self.lines["potential_call"])
        self.assertEqual(potential_call.date_deadline, today + timedelta(days=30))
        # the activity is readable through the ORM like any other (no stale cache)
        self.assertIn(potential_call, potential.activity_ids)

    def test_a_second_run_changes_nothing(self):
        partners = self.customer("A") | self.customer("B")
        self.set_class(partners, "strategic", quiet=True)
        self.assertEqual(partners._schedule_class_followups()["created"], 4)
        before = self.followups(partners)
        self.assertEqual(
            partners._schedule_class_followups(),
            {"created": 0, "cancelled": 0, "unassigned": 0},
        )
        # the full run over every customer in scope: twice, the second has no work
        self.Partner._schedule_class_followups()
        self.assertEqual(
            self.Partner._schedule_class_followups(),
            {"created": 0, "cancelled": 0, "unassigned": 0},
        )
        self.assertEqual(self.followups(partners), before)

    def test_a_duplicate_is_cancelled(self):
        """Two open activities for one line (e.g. two runs at once): the newest goes."""
        partner = self.customer()
        self.set_class(partner, "potential")
        (first,) = self.followups(partner)
        copy = first.copy({"customer_followup_id": first.customer_followup_id.id})
        copy.customer_company_id = self.company
        self.assertEqual(len(self.followups(partner)), 2)
        self.assertEqual(partner._schedule_class_followups()["cancelled"], 1)
        self.assertEqual(self.followups(partner), first)

    def test_the_scheduled_action_plans_them(self):
        partner = self.customer()
        self.set_class(partner, "potential", quiet=True)
        self.Partner._cron_schedule_class_followups()
        self.assertEqual(self.followups(partner).customer_followup_id, self.lines["potential_call"])

    def test_the_scheduled_action_passes_over_customers_nobody_can_take(self):
        """A batch that nobody can be given changes nothing: the scheduled action goes on
        to the next one instead of asking to be called again for ever."""
        self.company.customer_followup_user_id = False
        orphan, served = self.customer("Orphan"), self.customer("Served")
        served.user_id = self.salesperson
        self.set_class(orphan | served, "potential", quiet=True)
        Cron = type(self.env["ir.cron"])
        module = "odoo.addons.customer_classification.models.res_partner_followup"
        with (
            patch(f"{module}.FOLLOWUP_BATCH_SIZE", 1),
            patch.object(Cron, "_notify_progress", autospec=True) as progress,
        ):
            self.Partner._cron_schedule_class_followups()
            self.assertEqual(self.followups(served).user_id, self.salesperson)
            self.assertFalse(self.followups(orphan))
            self.assertEqual(progress.call_args.kwargs["done"], 1)
            # called again: only the orphan is left, and nothing can be done for it
            self.Partner._cron_schedule_class_followups()
            self.assertEqual(progress.call_args.kwargs, {"done": 0, "remaining": 0})
        self.assertFalse(self.followups(orphan))

    # ------------------------------------------------------------------
    # Done
    # ------------------------------------------------------------------
    def test_done_logs_the_contact_and_plans_the_next(self):
        partner = self.customer()
        partner.user_id = self.salesperson
        self.set_class(partner, "strategic")
        visit = self.by_line(partner)[self.lines["strategic_visit"]]
        call = self.by_line(partner)[self.lines["strategic_call"]]
        visit.action_feedback(feedback="<p>Met the buyer</p>")
        self.assertFalse(visit.exists())
        record = self.Record.search([("partner_id", "=", partner.id)])
        self.assertRecordValues(
            record,
            [
                {
                    "record_type": "visit",
                    "followup_id": self.lines["strategic_visit"].id,
                    "user_id": self.env.uid,
                    "summary": "Met the buyer",
                    "company_id": self.company.id,
                    "state": "closed",
                }
            ],
        )
        following = self.by_line(partner)
        self.assertEqual(
            set(following), {self.lines["strategic_visit"], self.lines["strategic_call"]}
        )
        self.assertEqual(following[self.lines["strategic_call"]], call)
        self.assertEqual(
            following[self.lines["strategic_visit"]].date_deadline,
            self.now_date + timedelta(days=90),
        )
        # done with action_done (no feedback): the summary of the line is logged
        call.action_done()
        record = self.Record.search([("partner_id", "=", partner.id)], limit=1)
        self.assertEqual(
            (record.record_type, record.followup_id, record.summary),
            ("call", self.lines["strategic_call"], "Monthly call"),
        )
        self.assertEqual(
            self.by_line(partner)[self.lines["strategic_call"]].date_deadline,
            self.now_date + timedelta(days=30),
        )
        self.assertEqual(len(self.followups(partner)), 2)

    def test_last_completion_sets_the_next_due_date(self):
        partner = self.customer()
        self.set_class(partner, "potential", quiet=True)
        done = self.Record.create(
            {
                "partner_id": partner.id,
                "record_type": "call",
                "summary": "Called",
                "date": fields.Datetime.now() - timedelta(days=10),
                "followup_id": self.lines["potential_call"].id,
            }
        )
        self.env.flush_all()  # logged in an earlier transaction
        self.assertEqual(partner._schedule_class_followups()["created"], 1)
        done_on = self.env["customer.classification"]._local_date(done.date)
        self.assertEqual(done_on, self.now_date - timedelta(days=10))
        self.assertEqual(self.followups(partner).date_deadline, done_on + timedelta(days=30))

    def test_done_after_an_earlier_completion_counts_from_today(self):
        """The contact just logged is the last completion, not the one before it."""
        partner = self.customer()
        self.set_class(partner, "potential", quiet=True)
        self.Record.create(
            {
                "partner_id": partner.id,
                "record_type": "call",
                "summary": "Called",
                "date": fields.Datetime.now() - timedelta(days=10),
                "followup_id": self.lines["potential_call"].id,
            }
        )
        self.env.flush_all()  # logged in an earlier transaction
        partner._schedule_class_followups()
        self.assertEqual(self.followups(partner).date_deadline, self.now_date + timedelta(days=20))
        self.followups(partner).action_feedback(feedback="Called again")
        self.assertEqual(self.followups(partner).date_deadline, self.now_date + timedelta(days=30))

    # ------------------------------------------------------------------
    # Class changes, archived lines, scope
    # ------------------------------------------------------------------
    def test_class_change_cancels_old_lines_and_plans_new_ones(self):
        partner = self.customer()
        self.set_class(partner, "strategic")
        self.assertEqual(
            set(self.by_line(partner)),
            {self.lines["strategic_visit"], self.lines["strategic_call"]},
        )
        Message = self.env["mail.message"]
        chatter = [("model", "=", "res.partner"), ("res_id", "=", partner.id)]
        last_message = Message.search(chatter, limit=1, order="id desc")
        # through the engine, in the same transaction as the class change
        self.set_class(partner, "potential")
        self.assertEqual(set(self.by_line(partner)), {self.lines["potential_call"]})
        note = Message.search(
            [*chatter, ("id", ">", last_message.id), ("body", "ilike", "follow-ups cancelled")]
        )
        self.assertEqual(len(note), 1)
        self.assertIn("Class follow-ups cancelled", note.body)
        self.assertIn("Potential", note.body)
        self.assertIn("Quarterly visit", note.body)
        self.assertIn("Monthly call", note.body)
        self.assertEqual(note.message_type, "notification")
        self.assertFalse(self.env["mail.mail"].search([("mail_message_id", "=", note.id)]))
        # and the engine's own runs do the same: invoices make a prospect potential
        customer = self.customer("Growing")
        cron = self.env.ref("customer_classification.ir_cron_schedule_class_followups")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self.classify(customer)
        # a first classification leaves the planning to the scheduled action, at once
        self.assertFalse(self.followups(customer))
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1
        )
        self.Partner._cron_schedule_class_followups()
        self.assertEqual(set(self.by_line(customer)), {self.lines["prospect_call"]})
        self.invoice(customer, 700_000)
        self.classify(customer)
        self.assertEqual(customer.customer_class_id, self.classes["potential"])
        self.assertEqual(set(self.by_line(customer)), {self.lines["potential_call"]})

    def test_archived_line_is_cancelled_on_next_run(self):
        partner = self.customer()
        self.set_class(partner, "strategic")
        self.assertEqual(len(self.followups(partner)), 2)
        self.lines["strategic_visit"].action_archive()
        self.assertEqual(
            partner._schedule_class_followups(), {"created": 0, "cancelled": 1, "unassigned": 0}
        )
        self.assertEqual(set(self.by_line(partner)), {self.lines["strategic_call"]})
        note = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id)], limit=1, order="id desc"
        )
        self.assertIn("Quarterly visit", note.body)
        self.assertNotIn("Monthly call", note.body)
        # back in use: planned again
        self.lines["strategic_visit"].action_unarchive()
        self.assertEqual(partner._schedule_class_followups()["created"], 1)
        self.assertEqual(len(self.followups(partner)), 2)

    def test_customer_leaving_scope_loses_its_followups(self):
        archived, no_customer, staying = (
            self.customer("Archived"),
            self.customer("No longer a customer"),
            self.customer("Staying"),
        )
        self.set_class(archived | no_customer | staying, "potential")
        self.assertEqual(len(self.followups(archived | no_customer | staying)), 3)
        archived.action_archive()
        no_customer.customer_rank = 0
        self.Partner._schedule_class_followups()
        self.assertFalse(self.followups(archived | no_customer))
        self.assertEqual(len(self.followups(staying)), 1)

    # ------------------------------------------------------------------
    # Who gets them
    # ------------------------------------------------------------------
    def test_owner_falls_back_to_team_leader_then_company_user(self):
        with_salesperson = self.customer("Salesperson", user_id=self.salesperson.id)
        with_team = self.customer("Team only", team_id=self.team.id)
        with_nobody = self.customer("Nobody")
        partners = with_salesperson | with_team | with_nobody
        self.set_class(partners, "potential", quiet=True)
        self.assertEqual(partners._schedule_class_followups()["created"], 3)
        self.assertEqual(self.followups(with_salesperson).user_id, self.salesperson)
        self.assertEqual(self.followups(with_team).user_id, self.leader)
        self.assertEqual(self.followups(with_nobody).user_id, self.fallback)
        # a salesperson who left counts as none
        other = self.customer("Archived salesperson", user_id=self.salesperson.id)
        self.set_class(other, "potential", quiet=True)
        self.salesperson.action_archive()
        self.assertEqual(other._schedule_class_followups()["created"], 1)
        self.assertEqual(self.followups(other).user_id, self.fallback)

    def test_a_new_salesperson_takes_over_the_open_followups(self):
        partner = self.customer("Changing hands")
        partner.user_id = self.salesperson
        self.set_class(partner, "strategic")
        self.assertEqual(self.followups(partner).user_id, self.salesperson)
        mails = self.env["mail.mail"].search_count([])
        partner.user_id = self.fixed
        self.assertEqual(self.followups(partner).user_id, self.fixed)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        # no salesperson any more: the team leader of the customer's team, then Settings'
        partner.write({"user_id": False, "team_id": self.team.id})
        self.assertEqual(self.followups(partner).user_id, self.leader)
        partner.team_id = False
        self.assertEqual(self.followups(partner).user_id, self.fallback)

    def test_no_owner_at_all_is_counted_unassigned(self):
        self.company.customer_followup_user_id = False
        orphan = self.customer("Orphan")
        self.set_class(orphan, "strategic", quiet=True)
        for _run in range(2):
            self.assertEqual(
                orphan._schedule_class_followups(),
                {"created": 0, "cancelled": 0, "unassigned": 2},
            )
        self.assertFalse(self.followups(orphan))
        # a fallback user chosen in Settings: the next run plans them
        self.company.customer_followup_user_id = self.fallback
        self.assertEqual(orphan._schedule_class_followups()["created"], 2)
        self.assertEqual(self.followups(orphan).user_id, self.fallback)

    def test_fixed_user_and_team_leader_lines(self):
        lonely = new_test_user(self.env, "fu_lonely", groups="sales_team.group_sale_salesman")
        no_leader = self.env["crm.team"].create(
            {"name": "No leader", "company_id": self.company.id}
        )
        self.env["crm.team.member"].create({"crm_team_id": no_leader.id, "user_id": lonely.id})
        klass = self.own_class(
            ("salesperson", {}),
            ("team_leader", {"activity_type_id": self.todo.id}),
            ("user", {"user_id": self.fixed.id}),
        )
        sales, leader, fixed = klass.followup_ids.sorted("summary")
        partners = {
            "salesperson": self.customer("S", user_id=self.salesperson.id),
            "team": self.customer("T", team_id=self.team.id),
            "nobody": self.customer("N"),
            "no leader": self.customer("L", user_id=lonely.id),
        }
        everyone = self.Partner.concat(*partners.values())
        self.set_class(everyone, klass, quiet=True)
        self.assertEqual(everyone._schedule_class_followups()["created"], 12)
        expected = {
            "salesperson": (self.salesperson, self.leader, self.fixed),
            "team": (self.leader, self.leader, self.fixed),
            "nobody": (self.fallback, self.fallback, self.fixed),
            "no leader": (lonely, lonely, self.fixed),
        }
        for name, users in expected.items():
            got = self.by_line(partners[name])
            self.assertEqual(
                (got[sales].user_id, got[leader].user_id, got[fixed].user_id), users, name
            )
        self.assertEqual(self.by_line(partners["team"])[leader].activity_type_id, self.todo)
        self.assertEqual(
            self.by_line(partners["team"])[sales].date_deadline, self.now_date + timedelta(days=7)
        )
        # without a fallback, the fixed user still gets theirs; the rest is unassigned
        self.company.customer_followup_user_id = False
        orphan = self.customer("Orphan")
        self.set_class(orphan, klass, quiet=True)
        self.assertEqual(
            orphan._schedule_class_followups(), {"created": 1, "cancelled": 0, "unassigned": 2}
        )
        self.assertEqual(self.followups(orphan).user_id, self.fixed)

    # ------------------------------------------------------------------
    # No mail
    # ------------------------------------------------------------------
    def test_bulk_generation_sends_no_mail(self):
        partners = self.Partner.create(
            [
                {
                    "name": f"Bulk {n}",
                    "is_company": True,
                    "customer_rank": 1,
                    "email": f"bulk{n}@example.com",
                    "user_id": self.salesperson.id if n % 2 else False,
                }
                for n in range(200)
            ]
        )
        self.set_class(partners, "strategic", quiet=True)
        self.env.flush_all()
        Mail, Message, Followers = (
            self.env["mail.mail"],
            self.env["mail.message"],
            self.env["mail.followers"],
        )
        followers_domain = [("res_model", "=", "res.partner"), ("res_id", "in", partners.ids)]
        before = (
            Mail.search_count([]),
            Message.search_count([]),
            Followers.search_count(followers_domain),
        )
        stats = partners._schedule_class_followups()
        self.assertEqual(stats["created"], 400)
        self.env.flush_all()
        self.assertEqual(len(self.followups(partners)), 400)
        after = (
            Mail.search_count([]),
            Message.search_count([]),
            Followers.search_count(followers_domain),
        )
        self.assertEqual(after, before)

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_bad_intervals_are_refused(self):
        count = self.Followup.with_context(active_test=False).search_count([])
        vals = {
            "class_id": self.classes["potential"].id,
            "activity_type_id": self.call.id,
            "summary": "Bad",
        }
        for bad in (0, -1, -30, 3651):
            with self.env.cr.savepoint(), self.assertRaises(ValidationError):
                self.Followup.create(dict(vals, interval_days=bad))
        self.assertEqual(self.Followup.with_context(active_test=False).search_count([]), count)
        line = self.lines["potential_call"]
        for bad in (0, -7):
            with self.env.cr.savepoint(), self.assertRaises(ValidationError):
                line.write({"interval_days": bad})
            line.invalidate_recordset()
            self.assertEqual(line.interval_days, 30)
        # the edges are fine
        line.interval_days = 1
        self.assertEqual(self.Followup.create(dict(vals, interval_days=3650)).interval_days, 3650)

    def test_fixed_user_line_needs_a_user(self):
        count = self.Followup.with_context(active_test=False).search_count([])
        with self.env.cr.savepoint(), self.assertRaises(ValidationError):
            self.Followup.create(
                {
                    "class_id": self.classes["potential"].id,
                    "activity_type_id": self.call.id,
                    "summary": "Nobody's",
                    "responsible": "user",
                }
            )
        self.assertEqual(self.Followup.with_context(active_test=False).search_count([]), count)
        line = self.lines["potential_call"]
        with self.env.cr.savepoint(), self.assertRaises(ValidationError):
            line.responsible = "user"
        line.invalidate_recordset()
        self.assertEqual(line.responsible, "salesperson")
        line.write({"responsible": "user", "user_id": self.fixed.id})
        with self.env.cr.savepoint(), self.assertRaises(ValidationError):
            line.user_id = False

    # ------------------------------------------------------------------
    # Companies and users
    # ------------------------------------------------------------------
    def test_companies_are_kept_apart(self):
        company_b = self.env["res.company"].create({"name": "Follow-up Company B"})
        company_b.customer_followup_user_id = self.fallback
        own = self.customer("A's own", company_id=self.company.id)
        shared = self.customer("Shared")
        self.set_class(own | shared, "strategic")
        self.set_class(shared, "potential", company=company_b)
        self.assertEqual(len(self.followups(own)), 2)
        self.assertFalse(self.followups(own, company_b))
        all_own = self.Activity.search([("res_model", "=", "res.partner"), ("res_id", "=", own.id)])
        self.assertEqual(all_own.customer_company_id, self.company)
        self.assertEqual(
            set(self.by_line(shared)), {self.lines["strategic_visit"], self.lines["strategic_call"]}
        )
        self.assertEqual(set(self.by_line(shared, company_b)), {self.lines["potential_call"]})
        own_activities, shared_a, shared_b = (
            self.followups(own),
            self.followups(shared),
            self.followups(shared, company_b),
        )
        # company B's run leaves A's follow-ups alone, and the other way round
        self.Partner._schedule_class_followups(companies=company_b)
        (own | shared)._schedule_class_followups(companies=company_b)
        self.assertEqual(self.followups(own), own_activities)
        self.assertFalse(self.followups(own, company_b))
        self.assertEqual(self.followups(shared), shared_a)
        self.Partner._schedule_class_followups(companies=self.company)
        self.assertEqual(self.followups(shared, company_b), shared_b)
        # every company at once: nothing to do either
        self.assertEqual(
            (own | shared)._schedule_class_followups(companies=self.company | company_b),
            {"created": 0, "cancelled": 0, "unassigned": 0},
        )
        # done in B: logged in B, planned again in B only
        shared_b.action_done()
        record = self.Record.search([("partner_id", "=", shared.id)])
        self.assertEqual(record.company_id, company_b)
        self.assertEqual(
            self.followups(shared, company_b).customer_followup_id, self.lines["potential_call"]
        )
        self.assertEqual(self.followups(shared), shared_a)

    def test_salesperson_sees_and_completes_own_followups(self):
        partner = self.customer(user_id=self.salesperson.id)
        someone_else = self.customer("Someone else's", user_id=self.leader.id)
        self.set_class(partner | someone_else, "potential")
        Activity = self.Activity.with_user(self.salesperson)
        mine = Activity.search(
            [("customer_followup_id", "!=", False), ("user_id", "=", self.salesperson.id)]
        )
        self.assertEqual(mine, self.followups(partner))
        mine.action_feedback(feedback="Called them")
        record = self.Record.search([("partner_id", "=", partner.id)])
        self.assertRecordValues(
            record,
            [
                {
                    "user_id": self.salesperson.id,
                    "followup_id": self.lines["potential_call"].id,
                    "summary": "Called them",
                }
            ],
        )
        following = Activity.search(
            [("customer_followup_id", "!=", False), ("user_id", "=", self.salesperson.id)]
        )
        self.assertEqual(len(following), 1)
        self.assertNotEqual(following, mine)
        self.assertEqual(following.date_deadline, self.now_date + timedelta(days=30))
        self.assertEqual(following.res_id, partner.id)
