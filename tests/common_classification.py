from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import SQL


class ClassificationCase(TransactionCase):
    """The default standard of the main company, customers, invoices and complaints."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.Partner = cls.env["res.partner"]
        cls.Result = cls.env["customer.classification"]
        cls.History = cls.env["customer.classification.history"]
        cls.Standard = cls.env["customer.standard"]
        cls.company = cls.env.company
        # the standard in force: version 1 without demo data, a later version with it
        cls.standard = cls.Standard._active_for(cls.company)
        cls.today = fields.Date.context_today(cls.Partner)
        cls.product = cls.env["product.product"].create({"name": "Machine", "list_price": 1.0})
        cls.classes = {
            code: cls.env.ref(f"customer_classification.class_{code}")
            for code in ("strategic", "potential", "optimization", "prospect")
        }
        cls.user = new_test_user(
            cls.env, "cl_user", groups="base.group_user,customer_classification.group_user"
        )
        cls.manager = new_test_user(
            cls.env,
            "cl_manager",
            groups="base.group_user,customer_classification.group_manager",
        )

    def customer(self, name="Customer", **vals):
        return self.Partner.create(
            dict({"name": name, "is_company": True, "customer_rank": 1}, **vals)
        )

    def invoice(self, partner, amount, days_ago=30, move_type="out_invoice", **vals):
        move = self.env["account.move"].create(
            dict(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": self.today - relativedelta(days=days_ago),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [],
                            }
                        )
                    ],
                },
                **vals,
            )
        )
        move.action_post()
        return move

    def complaint(self, partner, days_ago=10):
        return self.env["customer.tracking.record"].create(
            {
                "partner_id": partner.id,
                "record_type": "complaint",
                "summary": "Late delivery",
                "date": fields.Datetime.now() - relativedelta(days=days_ago),
            }
        )

    def classify(self, partners, **kw):
        partners._reclassify(**kw)
        return self.Result.search(
            [("partner_id", "in", partners.ids), ("company_id", "=", self.company.id)]
        )

    def forget_marks(self):
        """As if the light run had just answered every mark."""
        self.env.flush_all()
        self.env.execute_query(SQL("DELETE FROM customer_classification_mark"))
        self.env.invalidate_all()

    def levels(self, result):
        return {d["dimension"]: d["level"] for d in result.explanation["dimensions"]}

    def level(self, dimension, level, standard=None):
        """The level named ``level`` of the dimension named ``dimension``."""
        dims = (standard or self.standard).dimension_ids
        return dims.filtered(lambda d: d.name == dimension).level_ids.filtered(
            lambda lv: lv.name == level
        )

    def dimension(self, name, standard=None):
        return (standard or self.standard).dimension_ids.filtered(lambda d: d.name == name)

    def new_version(self, company=None):
        """A draft copy of the standard in force, to edit, preview and activate."""
        company = company or self.company
        return self.Standard._active_for(company)._copy_into(company)

    def activate(self, draft):
        """Put ``draft`` in force (the run it queues is the test's to make)."""
        draft.action_activate()
        self.standard = draft
        return draft
