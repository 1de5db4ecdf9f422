from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class CustomerCodeRecodeWizard(models.TransientModel):
    """Change a partner's code, with a reason kept in the code history."""

    _name = "customer.code.recode.wizard"
    _description = "Re-code Customer"

    partner_id = fields.Many2one("res.partner", required=True, readonly=True)
    current_code = fields.Char(related="partner_id.customer_code", string="Current Code")
    mode = fields.Selection(
        [("regenerate", "Generate a new code"), ("new", "Type a new code")],
        required=True,
        default="regenerate",
    )
    new_code = fields.Char(help="The code to give, when typing it.")
    reason = fields.Text(required=True)

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if not res.get("partner_id") and self.env.context.get("active_model") == "res.partner":
            res["partner_id"] = self.env.context.get("active_id")
        return res

    def action_apply(self):
        """Give the partner its new code and log old, new, who, when and why."""
        self.ensure_one()
        if not self.env.user.has_group("customer_classification.group_manager"):
            raise AccessError(self.env._("Only Customer Classification Managers can re-code."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give a reason for the new code."))
        partner = self.partner_id
        old_code = partner.customer_code
        if self.mode == "new":
            new_code = (self.new_code or "").strip()
            if not new_code:
                raise UserError(self.env._("Type the new code."))
        else:
            Scheme = self.env["customer.code.scheme"].sudo()
            scheme = Scheme._scheme_for(partner)
            if not scheme:
                raise UserError(
                    self.env._(
                        "No code scheme applies to %(partner)s.", partner=partner.display_name
                    )
                )
            new_code = scheme._plan_codes(partner)[partner.id]
        if new_code == old_code:
            raise UserError(self.env._("The new code is the same as the current one."))
        partner.sudo().with_context(customer_code_recode=True).write({"customer_code": new_code})
        self.env["customer.code.history"].sudo().create(
            {
                "partner_id": partner.id,
                "company_id": partner.company_id.id,
                "old_code": old_code,
                "new_code": new_code,
                "origin": "recode",
                "reason": self.reason.strip(),
            }
        )
        return {"type": "ir.actions.act_window_close"}
