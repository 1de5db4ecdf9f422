from dateutil.relativedelta import relativedelta

from odoo.tests import new_test_user

from ..wizard.customer_classification_review_wizard import _last_complete_quarter

CHINESE_NAME = "北京精密机械有限公司"


def setup_review_company(cls):
    """A company of its own with three months of snapshots over the last complete quarter:

    ======== ============ ========== ============ ======================== =========
    customer first month  class       last month   stage at the end         revenue
    ======== ============ ========== ============ ======================== =========
    beijing  strategic    → potential at_risk                               500,000
    shanghai optimization → strategic active                                120,000
    shenzhen potential    → potential active                                 80,000
    wuhan    strategic    → strategic churned                                10,000
    xian     (none yet)   → prospect  prospect                                    0
    ======== ============ ========== ============ ======================== =========
    """
    env = cls.env
    cls.classes = {
        code: env.ref(f"customer_classification.class_{code}")
        for code in ("strategic", "potential", "optimization", "prospect")
    }
    cls.review_company = env["res.company"].create({"name": "Review Test Co"})
    cls.review_manager = new_test_user(
        env,
        "review_manager",
        groups="base.group_user,customer_classification.group_manager",
        company_id=cls.review_company.id,
        company_ids=[cls.review_company.id, env.company.id],
    )
    cls.review_user = new_test_user(
        env,
        "review_user",
        groups="base.group_user,customer_classification.group_user",
        company_id=cls.review_company.id,
        company_ids=[cls.review_company.id],
    )
    names = {
        "beijing": CHINESE_NAME,
        "shanghai": "上海海通贸易有限公司",
        "shenzhen": "Shenzhen Bright Electronics",
        "wuhan": "Wuhan Steel Works",
        "xian": "Xi'an Prospect Ltd",
    }
    cls.customers = {
        key: env["res.partner"].create({"name": name, "is_company": True, "customer_rank": 1})
        for key, name in names.items()
    }
    cls.month_from, cls.month_to = _last_complete_quarter(env["customer.classification"]._today())
    middle = cls.month_from + relativedelta(months=1)
    plan = {
        # key: (class first, class last, stage last, revenue first, middle, last month)
        "beijing": ("strategic", "potential", "at_risk", 300_000, 0, 200_000),
        "shanghai": ("optimization", "strategic", "active", 20_000, 40_000, 60_000),
        "shenzhen": ("potential", "potential", "active", 30_000, 30_000, 20_000),
        "wuhan": ("strategic", "strategic", "churned", 10_000, 0, 0),
        "xian": (None, "prospect", "prospect", 0, 0, 0),
    }
    rows = []
    for key, (first, last, stage, *revenues) in plan.items():
        partner = cls.customers[key]
        classes = (first, last, last)
        stages = ("active", stage, stage)
        months = (cls.month_from, middle, cls.month_to)
        for month, code, month_stage, revenue in zip(
            months, classes, stages, revenues, strict=True
        ):
            if key == "xian" and month == cls.month_from:
                continue  # not a customer yet
            rows.append(
                {
                    "month": month,
                    "company_id": cls.review_company.id,
                    "partner_id": partner.id,
                    "class_id": cls.classes[code].id if code else False,
                    "revenue_month": revenue,
                    "lifecycle_stage": month_stage,
                }
            )
    env["customer.classification.snapshot"].sudo().create(rows)


def review_wizard(cls, user=None, **vals):
    """A review wizard of the review company, made by ``user`` (the review manager)."""
    user = user or cls.review_manager
    return (
        cls.env["customer.classification.review.wizard"]
        .with_user(user)
        .with_company(cls.review_company)
        .create(
            dict(
                {
                    "company_id": cls.review_company.id,
                    "month_from": cls.month_from,
                    "month_to": cls.month_to,
                },
                **vals,
            )
        )
    )
