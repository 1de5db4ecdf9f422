from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class CustomerClassificationOverrideWizard(models.TransientModel):
    """A Manager sets the class by hand, with a reason and an optional end date."""

    _name = "customer.classification.override.wizard"
    _description = "Override Customer Class"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    class_id = fields.Many2one("customer.class", required=True)
    reason = fields.Text()
    date_until = fields.Date(
        string="Until", help="Leave empty to keep the override until it is removed."
    )
    restores_engine_class = fields.Boolean(
        compute="_compute_restores_engine_class",
        help="Every customer is overridden and the class chosen is the engine's own: "
        "the override is removed rather than stacked.",
    )

    @api.depends("partner_ids", "class_id")
    def _compute_restores_engine_class(self):
        for wizard in self:
            partners = wizard.partner_ids.commercial_partner_id
            wizard.restores_engine_class = bool(
                partners
                and wizard.class_id
                and all(
                    p.classification_override_class_id
                    and p.classification_computed_class_id == wizard.class_id
                    for p in partners
                )
            )

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        ctx = self.env.context
        if not res.get("partner_ids") and ctx.get("active_model") == "res.partner":
            res["partner_ids"] = [fields.Command.set(ctx.get("active_ids") or [])]
        return res

    def action_apply(self):
        """Store the override; the engine keeps computing and shows its proposal beside it."""
        self.ensure_one()
        if not self.env.user.has_group("customer_classification.group_manager"):
            raise AccessError(self.env._("Only Customer Classification Managers can override."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give a reason for the override."))
        if self.date_until and self.date_until < fields.Date.context_today(self):
            raise UserError(self.env._("The end date of an override cannot be in the past."))
        self.partner_ids._override_classification(
            self.class_id, self.reason.strip(), self.date_until
        )
        return {"type": "ir.actions.act_window_close"}

    def action_remove_override(self):
        """Back to the engine's class for customers dropped on the engine's own column."""
        self.ensure_one()
        results = self.partner_ids.commercial_partner_id.classification_id
        results.action_remove_override()
        return {"type": "ir.actions.act_window_close"}
