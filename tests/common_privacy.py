from odoo.tests import new_test_user

GROUP_SENSITIVE = "customer_classification.group_customer_sensitive"
PHONE = "13812345678"
PHONE_MASK = "138****5678"
MOBILE = "13987654321"
MOBILE_MASK = "139****4321"
EMAIL = "wang.wei@acme-privacy.example.com"
EMAIL_MASK = "w***@acme-privacy.example.com"
REG_NO = "91350100M000100Y43"
REG_NO_MASK = "9135**********0Y43"
#: every real value of the customer, none of which may reach a masked user
SECRETS = (PHONE, "8613812345678", MOBILE, "8613987654321", EMAIL, REG_NO)
MASKED_FIELDS = [
    "phone",
    "mobile",
    "email",
    "customer_registration_number",
    "email_formatted",
    "email_normalized",
    "phone_sanitized",
    "customer_phone_e164",
    "customer_mobile_e164",
]


def privacy_fixtures(cls):
    """Users per role and a customer with personal data, on ``cls`` (setUpClass)."""
    env = cls.env
    cls.Partner = env["res.partner"]
    cls.cn = env.ref("base.cn")
    common = "base.group_user,base.group_partner_manager,base.group_allow_export,"
    cls.cs = new_test_user(
        env, "pv_cs", groups=common + "customer_classification.group_customer_service"
    )
    cls.user = new_test_user(env, "pv_user", groups=common + "customer_classification.group_user")
    cls.salesperson = new_test_user(
        env, "pv_salesperson", groups=common + "customer_classification.group_user"
    )
    cls.manager = new_test_user(
        env,
        "pv_manager",
        groups=common + "customer_classification.group_manager",
    )
    cls.holder = new_test_user(
        env,
        "pv_holder",
        groups=common + "customer_classification.group_customer_service," + GROUP_SENSITIVE,
    )
    cls.customer = cls.Partner.create(
        {
            "name": "Acme Privacy Ltd",
            "is_company": True,
            "customer_rank": 1,
            "country_id": cls.cn.id,
            "phone": PHONE,
            "mobile": MOBILE,
            "email": EMAIL,
            "customer_registration_number": REG_NO,
        }
    )
    cls.contact = cls.Partner.create(
        {
            "name": "Li Lei",
            "parent_id": cls.customer.id,
            "country_id": cls.cn.id,
            "phone": "13700001111",
            "email": "li.lei@acme-privacy.example.com",
        }
    )
    cls.own_customer = cls.Partner.create(
        {
            "name": "Salesperson's Own Customer",
            "is_company": True,
            "customer_rank": 1,
            "country_id": cls.cn.id,
            "user_id": cls.salesperson.id,
            "phone": "13600002222",
            "email": "own@own-customer.example.com",
        }
    )
    cls.own_contact = cls.Partner.create(
        {
            "name": "Contact of the Own Customer",
            "parent_id": cls.own_customer.id,
            "country_id": cls.cn.id,
            "mobile": "13500003333",
        }
    )


def assert_no_secret(case, data):
    """None of the customer's real values appears anywhere in ``data``."""
    text = str(data)
    for secret in SECRETS:
        case.assertNotIn(secret, text)
