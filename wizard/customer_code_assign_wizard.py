from odoo import api, fields, models

from ..models.res_partner import BATCH_SIZE, PARAM_BULK_REQUESTED

#: above this many partners the work goes to the scheduled action
SYNC_LIMIT = 20000
#: partners the wizard lists before it codes them
PREVIEW_LIMIT = 80


class CustomerCodeAssignWizard(models.TransientModel):
    """Give a code to every partner in scope that has none."""

    _name = "customer.code.assign.wizard"
    _description = "Assign Missing Customer Codes"

    candidate_count = fields.Integer(
        string="Partners Without Code",
        default=lambda self: self._default_candidate_count(),
        readonly=True,
        help="Partners in scope, without a code, that a code scheme would code.",
    )
    in_background = fields.Boolean(compute="_compute_in_background")
    partner_ids = fields.Many2many(
        "res.partner",
        compute="_compute_partner_ids",
        string="Partners to Code",
        help="The first of the partners that will receive a code, to check before.",
    )

    @api.model
    def _candidates(self, limit=None):
        Partner = self.env["res.partner"].with_context(active_test=False)
        return Partner.search(Partner._customer_code_candidates_domain(), limit=limit)

    @api.model
    def _default_candidate_count(self):
        Partner = self.env["res.partner"].with_context(active_test=False)
        return Partner.search_count(Partner._customer_code_candidates_domain())

    @api.depends("candidate_count")
    def _compute_partner_ids(self):
        for wizard in self:
            wizard.partner_ids = self._candidates(limit=PREVIEW_LIMIT)

    def action_view_candidates(self):
        """Every partner that will receive a code, in a list of its own."""
        Partner = self.env["res.partner"]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Partners to Code"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": Partner._customer_code_candidates_domain(),
            "context": {"active_test": False},
        }

    @api.depends("candidate_count")
    def _compute_in_background(self):
        for wizard in self:
            wizard.in_background = wizard.candidate_count > SYNC_LIMIT

    def action_assign(self):
        """Assign now in batches, or hand a large job to the scheduled action."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        if self.in_background:
            self.env["ir.config_parameter"].sudo().set_param(PARAM_BULK_REQUESTED, True)
            self.env.ref("customer_classification.ir_cron_assign_customer_codes")._trigger()
            message = self.env._(
                "%(count)s partners will receive their code in the background, "
                "%(batch)s at a time.",
                count=self.candidate_count,
                batch=BATCH_SIZE,
            )
        else:
            total, last_id, remaining = 0, 0, self.candidate_count
            while remaining:
                coded, last_id, remaining = Partner._assign_missing_codes_batch(after_id=last_id)
                total += coded
            message = self.env._("%(count)s partners received a customer code.", count=total)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
