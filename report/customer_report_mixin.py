from odoo import fields, models, tools
from odoo.tools import SQL


class CustomerReportMixin(models.AbstractModel):
    """What every classification report shares: a SQL view of ``_query()`` over months of
    a company, by class, in the company's currency."""

    _name = "customer.report.mixin"
    _description = "Classification Report (shared parts)"
    _auto = False

    month = fields.Date(readonly=True, help="First day of the month.")
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    class_id = fields.Many2one("customer.class", string="Class", readonly=True)

    def _query(self):
        """The view's ``SELECT``, as an :class:`~odoo.tools.SQL`."""
        raise NotImplementedError

    def init(self):
        if self._abstract:
            return
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )


class CustomerPartnerReportMixin(models.AbstractModel):
    """A classification report with one row per customer: its salesperson reads it."""

    _name = "customer.partner.report.mixin"
    _inherit = ["customer.report.mixin"]
    _description = "Classification Report per Customer (shared parts)"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True, help="The customer's salesperson now."
    )
