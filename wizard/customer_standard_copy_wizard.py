from odoo import api, fields, models
from odoo.exceptions import UserError


class CustomerStandardCopyWizard(models.TransientModel):
    """Copy a standard into other companies, as drafts to check, preview and activate."""

    _name = "customer.standard.copy.wizard"
    _description = "Copy a Classification Standard to Companies"

    standard_id = fields.Many2one("customer.standard", required=True, readonly=True)
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        domain="[('id', '!=', source_company_id), ('id', 'in', allowed_company_ids)]",
        help="Each gets a draft copy of the standard, with its dimensions, levels, rules and "
        "tag rules.",
    )
    source_company_id = fields.Many2one(related="standard_id.company_id")
    allowed_company_ids = fields.Many2many("res.company", compute="_compute_allowed_company_ids")

    @api.depends_context("uid")
    def _compute_allowed_company_ids(self):
        self.allowed_company_ids = self.env.user.company_ids

    def action_copy(self):
        """One draft per company, opened in a list."""
        self.ensure_one()
        self.standard_id._check_admin()
        companies = self.company_ids - self.standard_id.company_id
        if not companies:
            raise UserError(self.env._("Choose at least one other company."))
        if companies - self.env.user.company_ids:
            raise UserError(self.env._("You can only copy a standard into your own companies."))
        drafts = self.env["customer.standard"]
        for company in companies:
            draft = self.standard_id._copy_into(company)
            draft.message_post(
                body=self.env._(
                    "Copied from %(standard)s of %(company)s.",
                    standard=self.standard_id.display_name,
                    company=self.standard_id.company_id.name,
                )
            )
            drafts |= draft
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Copied Standards"),
            "res_model": "customer.standard",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", drafts.ids)],
            "context": {"allowed_company_ids": self.env.user.company_ids.ids},
        }
