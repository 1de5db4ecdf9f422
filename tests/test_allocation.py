"""Customer allocation through the models: rules, capacity, preview, apply.

The pure allocator has its own tests (``test_allocator.py``); these run it through the
models: the customers' classes give the weights, ``crm.team.member`` the levels and
capacities, the wizard previews and applies.
"""

import math

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from ..engine.allocator import LEVELS
from .common_allocation import SALES, AllocationCase


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
