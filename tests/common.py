import json

from odoo.tests import TransactionCase, new_test_user

from ..models.res_partner import PARAM_ASSIGNMENT, PARAM_CONTACT_CODES


class CustomerCodeCase(TransactionCase):
    """Fixtures shared by the customer code tests: one known scheme, users per role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.Partner = cls.env["res.partner"]
        cls.Scheme = cls.env["customer.code.scheme"]
        cls.History = cls.env["customer.code.history"]
        cls.Param = cls.env["ir.config_parameter"].sudo()
        cls.year = str(cls.env.cr.now().year)
        # Only our own schemes apply in these tests.
        cls.Scheme.search([]).active = False
        cls.scheme = cls.Scheme.create(
            {
                "name": "Test customers",
                "pattern": "T{year}{seq:4}",
                "domain": "[('customer_rank', '>', 0)]",
            }
        )
        cls.company = cls.env.company
        cls.user = new_test_user(
            cls.env, "cc_user", groups="base.group_user,customer_classification.group_user"
        )
        cls.manager = new_test_user(
            cls.env,
            "cc_manager",
            groups="base.group_user,base.group_partner_manager,customer_classification.group_manager",
        )
        cls.admin = new_test_user(
            cls.env,
            "cc_admin",
            groups="base.group_user,base.group_system,customer_classification.group_admin",
        )
        cls.country_cn = cls.env.ref("base.cn")
        cls.state_bj = cls.env["res.country.state"].create(
            {"name": "Test Beijing", "code": "BJX", "country_id": cls.country_cn.id}
        )
        cls.industry = cls.env["res.partner.industry"].create(
            {"name": "Test Electronics", "classification_code": "ELX"}
        )

    @classmethod
    def set_param(cls, key, value):
        cls.env["ir.config_parameter"].sudo().set_param(key, value)

    @classmethod
    def manual_mode(cls):
        cls.set_param(PARAM_ASSIGNMENT, "manual")

    @classmethod
    def contacts_own_codes(cls, own=True):
        cls.set_param(PARAM_CONTACT_CODES, own)

    def customer(self, name="Customer", **vals):
        return self.Partner.create(
            dict({"name": name, "is_company": True, "customer_rank": 1}, **vals)
        )

    def expected(self, serial, prefix="T"):
        return f"{prefix}{self.year}{serial:04d}"


def json_rpc(case, login, password, model, method, args):
    """``execute_kw`` over JSON-RPC as ``login``, from an ``HttpCase``: the answer's JSON."""
    uid = case.env["res.users"].search([("login", "=", login)]).id
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {
            "service": "object",
            "method": "execute_kw",
            "args": [case.env.cr.dbname, uid, password, model, method, args],
        },
    }
    response = case.url_open(
        "/jsonrpc", data=json.dumps(payload), headers={"Content-Type": "application/json"}
    )
    return response.json()
