from odoo import fields, models


class CustomerClassificationRejectWizard(models.TransientModel):
    """Review mode: a Manager rejects the engine's proposals, and says why."""

    _name = "customer.classification.reject.wizard"
    _description = "Reject Class Proposals"

    result_ids = fields.Many2many(
        "customer.classification",
        "customer_classification_reject_wizard_result_rel",
        "wizard_id",
        "result_id",
        string="Proposals",
        required=True,
        readonly=True,
    )
    reason = fields.Text(required=True, help="Kept in the class history of each customer.")

    def action_reject(self):
        self.ensure_one()
        self.result_ids._reject_proposal(self.reason)
        return {"type": "ir.actions.act_window_close"}
