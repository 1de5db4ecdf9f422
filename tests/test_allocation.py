"""Customer allocation: rules, capacity, preview, apply, monthly review, rights, companies.

The pure allocator has its own tests (``test_allocator.py``); these run it through the
models: the customers' classes give the weights, ``crm.team.member`` the levels and
capacities, the wizard previews and applies, the monthly review proposes.
"""

import json
import math

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL

from ..engine.allocator import LEVELS
from .common_classification import ClassificationCase

PASSWORD = "Allocation-test-1"
SALES = "base.group_user,sales_team.group_sale_salesman"
MANAGER = "base.group_user,sales_team.group_sale_salesman,customer_classification.group_manager"


class AllocationCase(ClassificationCase):
    """One sales team of the main company, tagged customers, rules over that tag."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["customer.allocation.rule"]
        cls.Run = cls.env["customer.allocation.run"]
        cls.Member = cls.env["crm.team.member"]
        cls.Message = cls.env["mail.message"]
        # only this file's rules allocate (the demo has its own)
        cls.Rule.with_context(active_test=False).search([]).active = False
        cls.tag = cls.env["res.partner.category"].create({"name": "Allocation test"})
        cls.no_tag = cls.env["res.partner.category"]
        cls.no_team = cls.env["crm.team"]
        cls.team = cls.env["crm.team"].create(
            {"name": "Allocation team", "company_id": cls.company.id, "sequence": 1}
        )
        cls.alloc_manager = new_test_user(cls.env, "al_manager", groups=MANAGER)

    # ------------------------------------------------------------------
    # Fixtures
    # ------------------------------------------------------------------
    @classmethod
    def salesperson(cls, login, level="specialist", capacity=10.0, team=None, **kwargs):
        """A salesperson, member of ``team`` (the test team) with ``level`` and ``capacity``."""
        user = new_test_user(cls.env, login, groups=SALES, name=login.title(), **kwargs)
        cls.env["crm.team.member"].create(
            {
                "crm_team_id": (team or cls.team).id,
                "user_id": user.id,
                "customer_owner_level": level,
                "customer_capacity": capacity,
            }
        )
        return user

    def customers(self, count, klass="prospect", tags=None, company=None, name="Cust", **vals):
        """``count`` customers of class ``klass`` in ``company`` (the main one)."""
        company = company or self.company
        tags = self.tag if tags is None else tags
        partners = self.Partner.create(
            [
                dict(
                    {
                        "name": f"{name} {index}",
                        "is_company": True,
                        "customer_rank": 1,
                        "category_id": [Command.set(tags.ids)],
                    },
                    **vals,
                )
                for index in range(count)
            ]
        )
        if klass == "prospect":
            # no invoice: the engine makes them prospects
            partners._reclassify(company)
        else:
            partners.with_company(company)._override_classification(
                self.classes[klass], "Allocation test"
            )
        self.assertEqual(
            partners.with_company(company).customer_class_id, self.classes[klass], "fixture"
        )
        return partners

    def rule(self, method="least_loaded", levels=("specialist",), team=None, tags=None, **vals):
        """A rule over the customers tagged ``tags`` (the test tag)."""
        return self.Rule.create(
            dict(
                {
                    "name": f"{method} {'/'.join(levels)}",
                    "company_id": self.company.id,
                    "team_id": (team or self.team).id,
                    "domain": f"[('category_id', 'in', {(tags or self.tag).ids})]",
                    "method": method,
                    **{f"allow_{level}": level in levels for level in LEVELS},
                },
                **vals,
            )
        )

    def wizard(self, partners, rules, target="selected", user=None, company=None):
        Wizard = self.env["customer.allocation.wizard"].with_user(user or self.alloc_manager)
        if company:
            # as a user with both companies ticked, working in ``company``
            Wizard = Wizard.with_context(allowed_company_ids=[company.id, self.company.id])
        return Wizard.create(
            {
                "company_id": (company or self.company).id,
                "target": target,
                "partner_ids": [Command.set(partners.ids)],
                "rule_ids": [Command.set(rules.ids)],
            }
        )

    def preview(self, partners, rules, **kwargs):
        wizard = self.wizard(partners, rules, **kwargs)
        wizard.action_preview()
        return wizard

    def proposals(self, wizard):
        """``{partner: (new salesperson, new team, reason)}`` of the preview."""
        return {
            line.partner_id: (line.new_user_id, line.new_team_id, line.reason)
            for line in wizard.line_ids
        }

    def loads(self, wizard):
        """``{user: (before, after)}`` of the preview."""
        return {load.user_id: (load.load_before, load.load_after) for load in wizard.load_ids}

    def messages(self, partners):
        return {
            partner: self.Message.search_count(
                [("model", "=", "res.partner"), ("res_id", "=", partner.id)]
            )
            for partner in partners
        }

    def members(self, *users):
        return self.Member.search([("user_id", "in", [u.id for u in users])])


@tagged("post_install", "-at_install")
class TestAllocation(AllocationCase):
    # ------------------------------------------------------------------
    # How customers are spread
    # ------------------------------------------------------------------
    def test_capacity_is_respected_end_to_end(self):
        ann = self.salesperson("al_ann", capacity=2)
        bob = self.salesperson("al_bob", capacity=2)
        partners = self.customers(6)
        rule = self.rule()
        wizard = self.preview(partners, rule)
        proposals = self.proposals(wizard)
        # same weight: processed by id, the last two find everyone full
        first, last = partners[:4], partners[4:]
        self.assertEqual([proposals[p][2] for p in first], ["least_loaded"] * 4)
        self.assertEqual([proposals[p][0] for p in first], [ann, bob, ann, bob])
        for partner in last:
            self.assertEqual(proposals[partner], (self.env["res.users"], self.no_team, "full"))
        self.assertEqual(wizard.unassigned_line_ids.partner_id, last)
        self.assertEqual(set(wizard.unassigned_line_ids.mapped("reason")), {"full"})
        self.assertEqual(wizard.changed_line_ids.partner_id, first)
        self.assertRecordValues(
            wizard, [{"customer_count": 6, "moved_count": 4, "unassigned_count": 2}]
        )
        self.assertEqual(self.loads(wizard), {ann: (0.0, 2.0), bob: (0.0, 2.0)})
        self.assertFalse(any(wizard.load_ids.mapped("over_capacity")))
        # nobody had a load: the ratio is undefined, shown as 0
        self.assertEqual((wizard.ratio_before, wizard.ratio_after), (0.0, 1.0))

        wizard.action_apply()
        self.assertEqual(first.user_id, ann | bob)
        self.assertFalse(last.user_id)
        members = self.members(ann, bob)
        members.invalidate_recordset()
        self.assertEqual(members.mapped("customer_load"), [2.0, 2.0])
        self.assertEqual(members.mapped("customer_load_rate"), [100.0, 100.0])
        # the rest cannot go anywhere: nothing to apply, nothing logged
        runs = self.Run.search_count([])
        again = self.preview(last, rule)
        self.assertEqual(set(again.line_ids.mapped("reason")), {"full"})
        self.assertFalse(again.changed_line_ids)
        with self.assertRaisesRegex(UserError, "Nothing to apply"):
            again.action_apply()
        self.assertEqual(self.Run.search_count([]), runs)
        self.assertFalse(last.user_id)

    def test_least_loaded_spreads_evenly(self):
        ann = self.salesperson("al_ann")
        bob = self.salesperson("al_bob")
        cid = self.salesperson("al_cid")
        # Ann already carries 3
        self.customers(3, tags=self.no_tag, user_id=ann.id)
        partners = self.customers(6)
        wizard = self.preview(partners, self.rule())
        proposals = self.proposals(wizard)
        self.assertEqual([proposals[p][0] for p in partners], [bob, cid] * 3)
        self.assertEqual(self.loads(wizard), {ann: (3.0, 3.0), bob: (0.0, 3.0), cid: (0.0, 3.0)})
        self.assertEqual(wizard.stdev_after, 0.0)
        self.assertEqual(wizard.ratio_after, 1.0)

    def test_round_robin_alternates_in_user_id_order(self):
        users = [self.salesperson(login) for login in ("al_zoe", "al_yan", "al_xia")]
        self.assertEqual(users, sorted(users, key=lambda u: u.id))
        # the first one is the most loaded: least loaded would skip them, not round robin
        self.customers(1, "strategic", tags=self.no_tag, user_id=users[0].id)
        partners = self.customers(6)
        wizard = self.preview(partners, self.rule("round_robin"))
        proposals = self.proposals(wizard)
        self.assertEqual([proposals[p][0] for p in partners], users * 2)
        self.assertEqual({proposals[p][2] for p in partners}, {"round_robin"})
        self.assertEqual({proposals[p][1] for p in partners}, {self.team})
        least = self.proposals(self.preview(partners, self.rule()))
        self.assertNotIn(users[0], [least[p][0] for p in partners])

    def test_keep_keeps_a_fitting_owner_and_moves_the_others(self):
        sam = self.salesperson("al_sam")
        sue = self.salesperson("al_sue")
        tom = self.salesperson("al_tom", level="assistant")
        outsider = new_test_user(self.env, "al_outsider", groups=SALES)
        fitting = self.customers(1, name="Fitting", user_id=sam.id, team_id=self.team.id)
        by_assistant = self.customers(1, name="Assistant's", user_id=tom.id)
        by_outsider = self.customers(1, name="Outsider's", user_id=outsider.id)
        wizard = self.preview(fitting | by_assistant | by_outsider, self.rule("keep"))
        proposals = self.proposals(wizard)
        self.assertEqual(proposals[fitting], (sam, self.team, "kept"))
        # moved to the least loaded specialist: Sue (0), then Sam (lower id on a tie)
        self.assertEqual(proposals[by_assistant], (sue, self.team, "least_loaded"))
        self.assertEqual(proposals[by_outsider], (sam, self.team, "least_loaded"))
        self.assertEqual(wizard.changed_line_ids.partner_id, by_assistant | by_outsider)
        # a kept owner without the team gets the rule's team
        fitting.team_id = False
        wizard = self.preview(fitting, self.rule("keep"))
        self.assertEqual(self.proposals(wizard)[fitting], (sam, self.team, "kept"))
        self.assertEqual(wizard.changed_line_ids.partner_id, fitting)

    def test_two_previews_give_identical_lines(self):
        for login in ("al_ann", "al_bob", "al_cid"):
            self.salesperson(login, capacity=9)
        key = self.env["res.partner.category"].create({"name": "Key"})
        partners = (
            self.customers(2, "strategic", tags=self.tag | key)
            | self.customers(3, "potential")
            | self.customers(6, "optimization")
            | self.customers(4)
        )
        # 29 of load for 27 of capacity: some are left out
        rules = self.rule("round_robin", tags=key, sequence=1) | self.rule(sequence=5)

        def snapshot(wizard):
            return (
                [
                    (line.partner_id, line.new_user_id, line.new_team_id, line.rule_id, line.reason)
                    for line in wizard.line_ids
                ],
                sorted((u.id, before, after) for u, (before, after) in self.loads(wizard).items()),
                (wizard.ratio_after, wizard.stdev_after, wizard.moved_count),
            )

        first = self.preview(partners, rules)
        # another wizard, customers given the other way round
        second = self.preview(partners.sorted(reverse=True), rules)
        self.assertEqual(snapshot(first), snapshot(second))
        self.assertTrue(first.changed_line_ids and first.unassigned_line_ids, "ties and full")
        # previewing again in the same wizard replaces its lines with the same ones
        lines = snapshot(first)
        first.action_preview()
        self.assertEqual(snapshot(first), lines)
        self.assertEqual(len(first.line_ids), len(partners))

    def test_fairness_figures_match_a_hand_computation(self):
        ann = self.salesperson("al_ann")
        bob = self.salesperson("al_bob")
        cid = self.salesperson("al_cid")
        self.customers(1, "strategic", tags=self.no_tag, user_id=ann.id)
        self.customers(1, tags=self.no_tag, user_id=bob.id)
        self.customers(1, tags=self.no_tag, user_id=cid.id)
        wizard = self.preview(self.customers(4), self.rule())
        # before 5, 1, 1; four customers of weight 1 go to Bob and Cid in turn: 5, 3, 3
        self.assertEqual(self.loads(wizard), {ann: (5.0, 5.0), bob: (1.0, 3.0), cid: (1.0, 3.0)})
        mean_before, mean_after = 7 / 3, 11 / 3
        stdev_before = math.sqrt(((5 - mean_before) ** 2 + 2 * (1 - mean_before) ** 2) / 3)
        stdev_after = math.sqrt(((5 - mean_after) ** 2 + 2 * (3 - mean_after) ** 2) / 3)
        self.assertAlmostEqual(stdev_before, 1.8856, places=4)
        self.assertAlmostEqual(stdev_after, 0.9428, places=4)
        self.assertAlmostEqual(wizard.ratio_before, 5.0, places=2)
        self.assertAlmostEqual(wizard.ratio_after, 5 / 3, places=2)
        self.assertAlmostEqual(wizard.stdev_before, stdev_before, places=2)
        self.assertAlmostEqual(wizard.stdev_after, stdev_after, places=2)
        wizard.action_apply()
        run = self.Run.search([], limit=1)
        self.assertEqual(
            run.fairness,
            "Before: max/min load 5.00, standard deviation 1.9\n"
            "After: max/min load 1.67, standard deviation 0.9",
        )

    # ------------------------------------------------------------------
    # Preview, then apply
    # ------------------------------------------------------------------
    def test_preview_writes_nothing(self):
        self.salesperson("al_ann")
        tom = self.salesperson("al_tom", level="assistant")
        partners = self.customers(3) | self.customers(2, user_id=tom.id)
        # an old write date: a write in this transaction would move it to now
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "UPDATE res_partner SET write_date = '2020-01-02 03:04:05' WHERE id = ANY(%s)",
                partners.ids,
            )
        )
        self.env.invalidate_all()

        def state():
            self.env.flush_all()
            return self.env.execute_query(
                SQL(
                    "SELECT id, user_id, team_id, write_date FROM res_partner "
                    "WHERE id = ANY(%s) ORDER BY id",
                    partners.ids,
                )
            )

        before, messages, runs = state(), self.messages(partners), self.Run.search_count([])
        wizard = self.preview(partners, self.rule("keep"))
        self.assertEqual(wizard.moved_count, 5, "the preview proposes moves")
        self.assertEqual(state(), before)
        self.assertEqual({row[3].year for row in before}, {2020})
        self.assertEqual(self.messages(partners), messages)
        self.assertEqual(self.Run.search_count([]), runs)

    def test_apply_writes_owners_one_note_each_and_a_run(self):
        sam = self.salesperson("al_sam")
        sue = self.salesperson("al_sue")
        tom = self.salesperson("al_tom", level="assistant")
        kept = self.customers(1, name="Kept", user_id=sam.id, team_id=self.team.id)
        moved = self.customers(2, name="New") | self.customers(1, name="Tom's", user_id=tom.id)
        rule = self.rule("keep")
        messages = self.messages(kept | moved)
        wizard = self.preview(kept | moved, rule)
        proposals = self.proposals(wizard)
        action = wizard.action_apply()
        for partner in moved:
            self.assertEqual((partner.user_id, partner.team_id), proposals[partner][:2])
        self.assertEqual(moved.user_id, sam | sue)
        self.assertEqual((kept.user_id, kept.team_id), (sam, self.team))
        # one note per moved customer, none for the kept one
        after = self.messages(kept | moved)
        self.assertEqual(after[kept], messages[kept])
        for partner in moved:
            self.assertEqual(after[partner], messages[partner] + 1, partner.name)
            note = self.Message.search(
                [("model", "=", "res.partner"), ("res_id", "=", partner.id)], limit=1
            )
            self.assertIn("Allocation", str(note.body))
            self.assertIn(partner.user_id.name, str(note.body))
            self.assertIn(self.alloc_manager.name, str(note.body))
        tom_note = self.Message.search(
            [("model", "=", "res.partner"), ("res_id", "=", moved[-1].id)], limit=1
        )
        self.assertIn(tom.name, str(tom_note.body))
        run = self.Run.browse(action["res_id"])
        self.assertRecordValues(
            run,
            [
                {
                    "company_id": self.company.id,
                    "origin": "wizard",
                    "state": "applied",
                    "line_count": 3,
                    "applied_uid": self.alloc_manager.id,
                }
            ],
        )
        self.assertTrue(run.applied_date)
        self.assertEqual(run.rule_ids, rule)
        self.assertEqual(run.line_ids.partner_id, moved)
        tom_line = run.line_ids.filtered(lambda line: line.partner_id == moved[-1])
        self.assertRecordValues(
            tom_line,
            [
                {
                    "old_user_id": tom.id,
                    "new_user_id": moved[-1].user_id.id,
                    "new_team_id": self.team.id,
                    "rule_id": rule.id,
                    "reason": "least_loaded",
                }
            ],
        )
        # the log cannot be applied twice
        with self.assertRaisesRegex(UserError, "Only a proposed"):
            run.with_user(self.alloc_manager).action_apply()

    def test_apply_needs_a_preview(self):
        self.salesperson("al_ann")
        wizard = self.wizard(self.customers(1), self.rule())
        with self.assertRaisesRegex(UserError, "Preview"):
            wizard.action_apply()
        with self.assertRaisesRegex(UserError, "at least one"):
            self.wizard(self.customers(1), self.Rule).action_preview()

    # ------------------------------------------------------------------
    # Levels and loads
    # ------------------------------------------------------------------
    def test_needs_reallocation(self):
        tom = self.salesperson("al_tom", level="assistant")
        dan = self.salesperson("al_dan", level="director")
        strategic = self.customers(1, "strategic", user_id=tom.id)
        prospect = self.customers(1, user_id=tom.id)
        unfit = self.Partner.search([("classification_owner_unfit", "=", True)])
        self.assertIn(strategic, unfit)
        self.assertNotIn(prospect, unfit, "an assistant may own a prospect")
        fit = self.Partner.search([("classification_owner_unfit", "=", False)])
        self.assertNotIn(strategic, fit)
        self.assertIn(prospect, fit)
        self.assertTrue(strategic.classification_owner_unfit)
        self.assertEqual(strategic.classification_owner_level, "assistant")
        # the wizard's "unfit" target finds it and a director rule moves it
        wizard = self.preview(self.Partner, self.rule(levels=("director",)), target="unfit")
        self.assertEqual(self.proposals(wizard)[strategic], (dan, self.team, "least_loaded"))
        self.assertNotIn(prospect, wizard.line_ids.partner_id)
        wizard.action_apply()
        self.assertEqual(strategic.user_id, dan)
        self.assertNotIn(
            strategic, self.Partner.search([("classification_owner_unfit", "=", True)])
        )
        strategic.invalidate_recordset()
        self.assertFalse(strategic.classification_owner_unfit)
        self.assertEqual(strategic.classification_owner_level, "director")

    def test_loads_on_team_members(self):
        ann = self.salesperson("al_ann", capacity=40)
        self.customers(1, "strategic", user_id=ann.id)
        self.customers(1, "potential", user_id=ann.id)
        self.customers(2, user_id=ann.id)
        archived = self.customers(1, "strategic", user_id=ann.id)
        unclassified = self.Partner.create({"name": "Not classified", "user_id": ann.id})
        self.assertFalse(unclassified.customer_class_id)
        member = self.members(ann)
        self.assertEqual(member.customer_load, 15.0)
        archived.active = False
        member.invalidate_recordset()
        # 5 + 3 + 1 + 1
        self.assertEqual(member.customer_load, 10.0)
        self.assertEqual(member.customer_load_rate, 25.0)
        self.assertEqual(self.Member._customer_loads(self.company, [ann.id]), {ann.id: 10.0})
        # the weight is the class's: a heavier class weighs more at once
        self.classes["potential"].allocation_weight = 7
        member.invalidate_recordset()
        self.assertEqual(member.customer_load, 14.0)

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_bad_input_is_refused_and_nothing_saved(self):
        ann = self.salesperson("al_ann", capacity=10)
        member = self.members(ann)
        for value in (-1, -0.5, math.nan, math.inf, "10"):
            with self.subTest(capacity=value):
                with self.assertRaises(ValidationError), self.env.cr.savepoint():
                    member.write({"customer_capacity": value})
                member.invalidate_recordset()
                self.assertEqual(member.customer_capacity, 10.0)
        bob = new_test_user(self.env, "al_bob", groups=SALES)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.Member.create(
                {"crm_team_id": self.team.id, "user_id": bob.id, "customer_capacity": -1}
            )
        self.assertFalse(self.members(bob))

        rule = self.rule()
        bad_rules = {
            "no level": {f"allow_{level}": False for level in LEVELS},
            "syntax": {"domain": "[('foo',"},
            "sql": {"domain": "[('id','=','abc')]"},
            "not a list": {"domain": "42"},
        }
        for what, vals in bad_rules.items():
            with self.subTest(rule=what):
                with self.assertRaises(ValidationError), self.env.cr.savepoint():
                    self.rule(name=f"Bad {what}", **vals)
                self.assertFalse(self.Rule.search_count([("name", "=", f"Bad {what}")]))
                with self.assertRaises(ValidationError), self.env.cr.savepoint():
                    rule.write(vals)
                rule.invalidate_recordset()
                self.assertEqual(rule.domain, f"[('category_id', 'in', {self.tag.ids})]")
                self.assertTrue(rule.allow_specialist)

    # ------------------------------------------------------------------
    # Monthly review
    # ------------------------------------------------------------------
    def review_fixture(self):
        key_tag = self.env["res.partner.category"].create({"name": "Key account"})
        key_team = self.env["crm.team"].create(
            {"name": "Key accounts", "company_id": self.company.id, "sequence": 2}
        )
        dan = self.salesperson("al_dan", level="director", team=key_team)
        ann = self.salesperson("al_ann")
        tom = self.salesperson("al_tom", level="assistant")
        key_rule = self.rule(levels=("director",), team=key_team, tags=key_tag, sequence=1)
        rule = self.rule(sequence=2)
        unassigned = self.customers(2)
        unfit = self.customers(1, "strategic", tags=self.tag | key_tag, user_id=tom.id)
        fitting = self.customers(1, user_id=ann.id, team_id=self.team.id)
        expected = {
            unassigned[0]: (ann, self.team),
            unassigned[1]: (ann, self.team),
            unfit: (dan, key_team),
        }
        return key_rule | rule, expected, fitting

    def test_monthly_review_is_off_by_default_and_only_proposes(self):
        cron = self.env.ref("customer_classification.ir_cron_review_allocation")
        self.assertFalse(cron.active)
        self.assertFalse(self.company.customer_allocation_auto_apply)
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.customer_allocation_review)
        rules, expected, fitting = self.review_fixture()
        owners = {partner: (partner.user_id, partner.team_id) for partner in expected}
        # who reviews it gets a to-do
        self.company.customer_followup_user_id = self.alloc_manager
        runs = self.Run.search([])
        self.Run._cron_review_allocation()
        run = self.Run.search([]) - runs
        self.assertRecordValues(
            run,
            [{"origin": "review", "state": "proposed", "line_count": 3, "applied_uid": False}],
        )
        self.assertEqual(run.rule_ids, rules)
        self.assertEqual(
            {line.partner_id: (line.new_user_id, line.new_team_id) for line in run.line_ids},
            expected,
        )
        self.assertNotIn(fitting, run.line_ids.partner_id)
        for partner, owner in owners.items():
            self.assertEqual((partner.user_id, partner.team_id), owner, "not applied")
        self.assertEqual(run.activity_ids.user_id, self.alloc_manager)
        # a Manager applies it
        run.with_user(self.alloc_manager).action_apply()
        self.assertEqual(run.state, "applied")
        self.assertEqual(run.applied_uid, self.alloc_manager)
        for partner, owner in expected.items():
            self.assertEqual((partner.user_id, partner.team_id), owner)
        # nothing left to move: the next review proposes nothing
        self.Run._cron_review_allocation()
        self.assertEqual(self.Run.search([]) - runs, run)

    def test_monthly_review_applies_when_the_company_says_so(self):
        _rules, expected, _fitting = self.review_fixture()
        self.company.customer_allocation_auto_apply = True
        runs = self.Run.search([])
        self.Run._cron_review_allocation()
        run = self.Run.search([]) - runs
        self.assertRecordValues(run, [{"origin": "review", "state": "applied"}])
        self.assertEqual(run.applied_uid, self.env.user)
        for partner, owner in expected.items():
            self.assertEqual((partner.user_id, partner.team_id), owner)

    def test_monthly_review_is_switched_on_in_settings(self):
        cron = self.env.ref("customer_classification.ir_cron_review_allocation")
        settings = self.env["res.config.settings"].create({"customer_allocation_review": True})
        settings.set_values()
        self.assertTrue(cron.active)
        self.assertTrue(self.env["res.config.settings"].create({}).customer_allocation_review)

    # ------------------------------------------------------------------
    # Rights
    # ------------------------------------------------------------------
    def test_only_managers_allocate(self):
        ann = self.salesperson("al_ann")
        self.customers(1, "potential", tags=self.no_tag, user_id=ann.id)
        partners = self.customers(2)
        rule = self.rule()
        wizard = self.wizard(partners, rule)
        as_ann = wizard.with_user(ann)
        with self.assertRaisesRegex(UserError, "Only sales managers"):
            as_ann.action_preview()
        self.assertEqual(wizard.state, "draft")
        self.assertFalse(wizard.line_ids)
        wizard.action_preview()
        with self.assertRaisesRegex(UserError, "Only sales managers"):
            as_ann.action_apply()
        self.assertFalse(partners.user_id)
        with self.assertRaises(AccessError):
            self.env["customer.allocation.wizard"].with_user(ann).create(
                {"rule_ids": [Command.set(rule.ids)], "target": "all"}
            )
        # a proposed run: only a Manager applies it
        self.Run._cron_review_allocation()
        run = self.Run.search([("state", "=", "proposed")], limit=1)
        self.assertTrue(run)
        with self.assertRaises(AccessError):
            run.with_user(ann).action_apply()
        with self.assertRaises(AccessError):
            run.with_user(ann).action_cancel()
        self.assertEqual(run.state, "proposed")
        self.assertFalse(partners.user_id)
        # rules are the Managers'
        with self.assertRaises(AccessError):
            self.Rule.with_user(ann).search([])
        with self.assertRaises(AccessError):
            rule.with_user(ann).read(["domain"])
        # her own load she may read
        self.assertEqual(
            self.members(ann).with_user(ann).read(["customer_load"])[0]["customer_load"], 3.0
        )
        # a Manager may do all of it
        self.assertEqual(self.Rule.with_user(self.alloc_manager).search([]), rule)
        run.with_user(self.alloc_manager).action_apply()
        self.assertEqual(partners.user_id, ann)


@tagged("post_install", "-at_install")
class TestAllocationCompanies(AllocationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Allocation B"})
        cls.team_b = cls.env["crm.team"].create(
            {"name": "B's team", "company_id": cls.company_b.id, "sequence": 0}
        )
        both = [cls.company.id, cls.company_b.id]
        cls.mc_manager = new_test_user(
            cls.env,
            "al_mc_manager",
            groups=MANAGER,
            company_id=cls.company.id,
            company_ids=both,
        )
        cls.ann = cls.salesperson("al_ann", company_ids=both)
        cls.bea = cls.salesperson(
            "al_bea", team=cls.team_b, company_id=cls.company_b.id, company_ids=both
        )

    def rule_b(self, **vals):
        return self.Rule.create(
            dict(
                {
                    "name": "B's rule",
                    "company_id": self.company_b.id,
                    "team_id": self.team_b.id,
                    "domain": f"[('category_id', 'in', {self.tag.ids})]",
                    "method": "least_loaded",
                },
                **vals,
            )
        )

    def test_company_b_is_never_used_in_company_a(self):
        rule_a, rule_b = self.rule(), self.rule_b()
        shared = self.customers(2, name="Shared")
        mine = self.customers(1, name="A only", company_id=self.company.id)
        theirs = self.customers(
            1, name="B only", company=self.company_b, company_id=self.company_b.id
        )
        # the wizard refuses B's rule in A
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.wizard(shared, rule_a | rule_b, user=self.mc_manager)
        # planning with both keeps A's only
        plan = self.Run._plan(self.company, (shared | mine).ids, rule_a | rule_b)
        self.assertEqual({p.rule_id for p in plan.proposals}, {rule_a.id})
        self.assertEqual({p.new_team_id for p in plan.proposals}, {self.team.id})
        self.assertEqual(set(plan.loads_before), {self.ann.id})
        # the monthly review: each company's run with its own rules, teams and customers
        runs = self.Run.search([])
        self.Run._cron_review_allocation()
        run_a, run_b = (self.Run.search([]) - runs).sorted(lambda run: run.company_id.id)
        self.assertEqual((run_a.company_id, run_b.company_id), (self.company, self.company_b))
        self.assertEqual((run_a.rule_ids, run_b.rule_ids), (rule_a, rule_b))
        self.assertEqual(run_a.line_ids.new_team_id, self.team)
        self.assertEqual(run_a.line_ids.new_user_id, self.ann)
        self.assertEqual(run_a.line_ids.partner_id, shared | mine)
        self.assertEqual(run_b.line_ids.new_team_id, self.team_b)
        self.assertEqual(run_b.line_ids.partner_id, shared | theirs)
        # every customer of A: B's are not in scope, and only A's team and people are used
        wizard = self.preview(self.Partner, rule_a, target="all", user=self.mc_manager)
        lines = wizard.line_ids
        self.assertLessEqual(shared | mine, lines.partner_id)
        self.assertNotIn(theirs, lines.partner_id)
        self.assertFalse(lines.filtered(lambda line: line.new_team_id == self.team_b))
        self.assertNotIn(self.bea, lines.new_user_id)
        self.assertEqual(wizard.load_ids.user_id, self.ann)
        wizard.action_apply()
        self.assertEqual((shared | mine).team_id, self.team)

    def test_a_partner_of_company_a_never_gets_a_team_of_company_b(self):
        rule_b = self.rule_b()
        shared = self.customers(1, name="Shared", company=self.company_b)
        mine = self.customers(1, name="A only", company_id=self.company.id)
        as_b = {"user": self.mc_manager, "company": self.company_b}
        for target in ("all", "unassigned", "review"):
            with self.subTest(target=target):
                wizard = self.preview(self.Partner, rule_b, target=target, **as_b)
                self.assertIn(shared, wizard.changed_line_ids.partner_id)
                self.assertNotIn(mine, wizard.line_ids.partner_id)
        # chosen by hand, it is still left out
        wizard = self.preview(mine | shared, rule_b, **as_b)
        self.assertEqual(wizard.line_ids.partner_id, shared)
        with self.assertRaisesRegex(UserError, "no customer"):
            self.preview(mine, rule_b, **as_b)
        # nor does the monthly review of company B give it B's team
        self.company_b.customer_allocation_auto_apply = True
        self.Run._cron_review_allocation()
        self.assertEqual((shared.user_id, shared.team_id), (self.bea, self.team_b))
        self.assertFalse(mine.user_id or mine.team_id)

    def test_a_stale_class_in_company_b_does_not_bring_a_partner_of_a(self):
        """Classified in B while shared, then restricted to A: B leaves it alone."""
        rule_b = self.rule_b(allow_director=True)
        tom = self.salesperson(
            "al_tom",
            level="assistant",
            team=self.team_b,
            company_id=self.company_b.id,
            company_ids=[self.company.id, self.company_b.id],
        )
        partner = self.customers(1, "strategic", company=self.company_b, user_id=tom.id)
        self.assertIn(partner.id, self.Partner._classification_unfit_ids(self.company_b))
        partner.company_id = self.company
        wizard = self.wizard(
            self.Partner, rule_b, target="unfit", user=self.mc_manager, company=self.company_b
        )
        self.assertNotIn(partner.id, wizard._target_partner_ids())
        self.company_b.customer_allocation_auto_apply = True
        self.Run._cron_review_allocation()
        self.assertEqual((partner.user_id, partner.team_id), (tom, self.no_team))

    def test_the_rules_team_belongs_to_the_rules_company(self):
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.rule(name="Cross", team=self.team_b)
        self.assertFalse(self.Rule.search_count([("name", "=", "Cross")]))
        rule = self.rule()
        with self.assertRaises(UserError), self.env.cr.savepoint():
            rule.team_id = self.team_b
        rule.invalidate_recordset()
        self.assertEqual(rule.team_id, self.team)
        # a team without a company serves every company
        shared_team = self.env["crm.team"].create({"name": "Shared team", "company_id": False})
        rule.team_id = shared_team
        self.assertEqual(rule.team_id, shared_team)


@tagged("post_install", "-at_install")
class TestAllocationOverRpc(HttpCase):
    """The buttons are public methods: a salesperson reaches them over JSON-RPC."""

    def rpc(self, login, model, method, args):
        uid = self.env["res.users"].search([("login", "=", login)]).id
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [self.env.cr.dbname, uid, PASSWORD, model, method, args],
            },
        }
        response = self.url_open(
            "/jsonrpc", data=json.dumps(payload), headers={"Content-Type": "application/json"}
        )
        return response.json()

    def test_only_managers_allocate_over_rpc(self):
        env = self.env(context=dict(self.env.context, tracking_disable=True))
        env["customer.allocation.rule"].search([]).active = False
        tag = env["res.partner.category"].create({"name": "RPC allocation"})
        team = env["crm.team"].create({"name": "RPC team", "company_id": env.company.id})
        sales = new_test_user(env, "al_rpc_sales", groups=SALES, password=PASSWORD)
        new_test_user(env, "al_rpc_manager", groups=MANAGER, password=PASSWORD)
        member = env["crm.team.member"].create(
            {"crm_team_id": team.id, "user_id": sales.id, "customer_owner_level": "specialist"}
        )
        partners = env["res.partner"].create(
            [
                {
                    "name": f"RPC customer {index}",
                    "is_company": True,
                    "customer_rank": 1,
                    "category_id": [Command.set(tag.ids)],
                }
                for index in range(2)
            ]
        )
        partners._reclassify()
        rule = env["customer.allocation.rule"].create(
            {
                "name": "RPC rule",
                "team_id": team.id,
                "domain": f"[('category_id', 'in', {tag.ids})]",
                "method": "least_loaded",
            }
        )
        Run = env["customer.allocation.run"]
        Run._cron_review_allocation()
        run = Run.search([("state", "=", "proposed")], limit=1)
        self.assertEqual(run.line_ids.partner_id, partners)
        wizard_vals = {
            "target": "selected",
            "partner_ids": [[6, 0, partners.ids]],
            "rule_ids": [[6, 0, rule.ids]],
        }
        # Odoo logs every refused call as a warning
        with self.assertLogs("odoo.http", "WARNING") as refused:
            for model, method, args in (
                ("customer.allocation.run", "action_apply", [[run.id]]),
                ("customer.allocation.run", "action_cancel", [[run.id]]),
                ("customer.allocation.wizard", "create", [wizard_vals]),
                ("customer.allocation.rule", "search_read", [[]]),
            ):
                with self.subTest(model=model, method=method):
                    answer = self.rpc("al_rpc_sales", model, method, args)
                    self.assertIn("AccessError", answer["error"]["data"]["name"])
            # the manager's wizard, called by the salesperson
            wizard_id = self.rpc(
                "al_rpc_manager", "customer.allocation.wizard", "create", [wizard_vals]
            )["result"]
            for method in ("action_preview", "action_apply"):
                answer = self.rpc(
                    "al_rpc_sales", "customer.allocation.wizard", method, [[wizard_id]]
                )
                self.assertIn(
                    answer["error"]["data"]["name"],
                    ("odoo.exceptions.AccessError", "odoo.exceptions.UserError"),
                    method,
                )
        self.assertEqual(len(refused.output), 6)
        self.assertEqual(run.state, "proposed")
        self.assertFalse(partners.user_id)
        # her own load she reads
        answer = self.rpc(
            "al_rpc_sales", "crm.team.member", "read", [[member.id], ["customer_load"]]
        )
        self.assertEqual(answer["result"][0]["customer_load"], 0.0)
        # the manager previews and applies
        answer = self.rpc(
            "al_rpc_manager", "customer.allocation.wizard", "action_preview", [[wizard_id]]
        )
        self.assertNotIn("error", answer)
        answer = self.rpc(
            "al_rpc_manager", "customer.allocation.wizard", "action_apply", [[wizard_id]]
        )
        self.assertNotIn("error", answer)
        partners.invalidate_recordset()
        self.assertEqual(partners.user_id, sales)
        self.assertEqual(partners.team_id, team)
        answer = self.rpc(
            "al_rpc_sales", "crm.team.member", "read", [[member.id], ["customer_load"]]
        )
        self.assertEqual(answer["result"][0]["customer_load"], 2.0)
