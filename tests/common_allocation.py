"""Fixtures of the allocation tests: one sales team, tagged customers, rules over the tag."""

from odoo import Command
from odoo.tests import new_test_user

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
