"""Customer allocation: the monthly review, who may allocate, and two companies."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import json_rpc
from .common_allocation import MANAGER, PASSWORD, SALES, AllocationCase


@tagged("post_install", "-at_install")
class TestAllocationReview(AllocationCase):
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
        return json_rpc(self, login, PASSWORD, model, method, args)

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
