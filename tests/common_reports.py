"""A small hand-made set of monthly snapshots (January to June 2025) in two companies
of the test's own, for the class overview, class migration and churn reports."""

from datetime import date

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

# month -> [(customer, class code or None, revenue of the month, window revenue, stage)]
COMPANY_A = {
    1: [
        ("c1", "potential", 100, 1000, "active"),
        ("c2", "optimization", 300, 2000, "active"),
        ("c3", None, 0, 0, "prospect"),
        ("c4", "strategic", 600, 5000, "new"),
    ],
    2: [
        ("c1", "potential", 200, 1100, "active"),
        ("c2", "optimization", 0, 2000, "at_risk"),
        ("c3", None, 0, 0, "new"),
        ("c4", "strategic", 800, 5800, "active"),
    ],
    3: [
        ("c1", "strategic", 500, 1600, "active"),
        ("c2", "potential", 0, 1500, "churned"),
        ("c3", "optimization", 100, 100, "active"),
        ("c4", "strategic", 400, 6200, "active"),
    ],
    4: [
        ("c1", "strategic", 300, 1900, "active"),
        ("c2", "optimization", 0, 1500, "churned"),
        ("c3", "optimization", 0, 100, "at_risk"),
        ("c4", "strategic", 500, 6700, "active"),
        ("c5", "optimization", 200, 200, "new"),
    ],
    5: [
        ("c1", "strategic", 0, 1900, "active"),
        ("c2", "optimization", 600, 2100, "reactivated"),
        ("c3", "optimization", 0, 100, "churned"),
        ("c4", "potential", 0, 6700, "active"),
        ("c5", None, 0, 200, "new"),
    ],
    # no revenue at all: the month's revenue shares are empty, not a division by zero
    6: [
        ("c1", "strategic", 0, 1900, "active"),
        ("c2", "prospect", 0, 2100, "active"),
        ("c3", "optimization", 0, 100, "churned"),
        ("c4", "potential", 0, 6700, "active"),
        ("c5", "optimization", 0, 200, "churned"),
    ],
}
# c1 is a customer of both companies, with other classes and stages in B
COMPANY_B = {
    1: [
        ("c1", "strategic", 5000, 50000, "active"),
        ("c6", "potential", 1000, 9000, "active"),
    ],
    2: [
        ("c1", "strategic", 0, 50000, "churned"),
        ("c6", "strategic", 2000, 11000, "active"),
    ],
    3: [("c6", "strategic", 0, 11000, "churned")],
}


class ReportsCase(TransactionCase):
    """The snapshots of COMPANY_A and COMPANY_B, their customers, Users and Managers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.Overview = cls.env["customer.class.overview.report"]
        cls.Migration = cls.env["customer.class.migration.report"]
        cls.Churn = cls.env["customer.churn.report"]
        cls.company_a = cls.env["res.company"].create({"name": "Reports Company A"})
        cls.company_b = cls.env["res.company"].create({"name": "Reports Company B"})
        cls.classes = {
            code: cls.env.ref(f"customer_classification.class_{code}")
            for code in ("strategic", "potential", "optimization", "prospect")
        }
        both = [Command.set([cls.company_a.id, cls.company_b.id])]
        cls.user_1 = cls._user("rep_user_1", "group_user", cls.company_a)
        cls.user_2 = cls._user("rep_user_2", "group_user", cls.company_a)
        cls.manager = cls._user("rep_manager", "group_manager", cls.company_a, company_ids=both)
        cls.manager_b = cls._user("rep_manager_b", "group_manager", cls.company_b)
        cls.plain = new_test_user(
            cls.env,
            "rep_plain",
            groups="base.group_user",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        salespeople = {"c1": cls.user_1, "c2": cls.user_1, "c3": cls.user_2, "c6": cls.manager_b}
        cls.partners = {
            name: cls.env["res.partner"].create(
                {
                    "name": f"Report customer {name}",
                    "is_company": True,
                    "customer_rank": 1,
                    "user_id": salespeople[name].id if name in salespeople else False,
                }
            )
            for name in ("c1", "c2", "c3", "c4", "c5", "c6")
        }
        rows = []
        for company, table in ((cls.company_a, COMPANY_A), (cls.company_b, COMPANY_B)):
            for month, lines in table.items():
                for name, klass, revenue_month, revenue_window, stage in lines:
                    rows.append(
                        {
                            "month": date(2025, month, 1),
                            "company_id": company.id,
                            "partner_id": cls.partners[name].id,
                            "class_id": klass and cls.classes[klass].id,
                            "revenue_month": revenue_month,
                            "revenue_window": revenue_window,
                            "lifecycle_stage": stage,
                        }
                    )
        cls.env["customer.classification.snapshot"].sudo().create(rows)
        cls.env.flush_all()

    @classmethod
    def _user(cls, login, group, company, company_ids=None):
        return new_test_user(
            cls.env,
            login,
            groups=f"base.group_user,customer_classification.{group}",
            company_id=company.id,
            company_ids=company_ids or [Command.set(company.ids)],
        )

    def as_user(self, model, user, companies=None):
        """``model`` as ``user`` working in ``companies`` (their own by default)."""
        companies = companies or user.company_ids
        return model.with_user(user).with_context(allowed_company_ids=companies.ids)

    def by_class(self, groups):
        """``{class code or None: values}`` of ``_read_group`` rows grouped by a class."""
        codes = {klass: code for code, klass in self.classes.items()}
        return {codes.get(klass): tuple(values) for klass, *values in groups}

    def month(self, number):
        return date(2025, number, 1)
