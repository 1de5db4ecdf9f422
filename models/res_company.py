from odoo import api, models


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        """A new company classifies from day one: it gets the default standard, active."""
        companies = super().create(vals_list)
        self.env["customer.standard"].sudo()._ensure_company_standards(companies)
        return companies
