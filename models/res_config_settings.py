from odoo import fields, models

from .res_partner import PARAM_ASSIGNMENT, PARAM_CONTACT_CODES, PARAM_SCOPE


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    customer_code_assignment = fields.Selection(
        [
            ("auto", "When a partner becomes a customer"),
            ("manual", "Only manually"),
        ],
        string="Assign Customer Codes",
        default="auto",
        required=True,
        config_parameter=PARAM_ASSIGNMENT,
        help="Automatic: a partner gets its code when it is created as a customer or "
        "when its first order is confirmed or its first invoice posted.",
    )
    customer_code_unique_scope = fields.Selection(
        [("global", "Across all companies"), ("company", "Within each company")],
        string="Codes Unique",
        default="global",
        required=True,
        config_parameter=PARAM_SCOPE,
    )
    customer_code_contact_own = fields.Boolean(
        string="Contacts Get Their Own Codes",
        config_parameter=PARAM_CONTACT_CODES,
        help="By default a contact shows the code of its company.",
    )

    def set_values(self):
        previous = self.env["ir.config_parameter"].sudo().get_param(PARAM_SCOPE, "global")
        res = super().set_values()
        if self.customer_code_unique_scope != previous:
            self.env["res.partner"]._apply_code_unique_index(self.customer_code_unique_scope)
        return res
