"""Webhooks send a record's fields to another system (configured by an administrator),
not to a user's browser: they carry the partners' real values, not the masks that the
user who triggered the action would see (see res_partner_privacy.py)."""

from odoo import models

from .res_partner_privacy import CONTEXT_UNMASKED


class IrActionsServer(models.Model):
    _inherit = "ir.actions.server"

    def _run_action_webhook(self, eval_context=None):
        """Read the record unmasked; server actions run in superuser mode."""
        return super(
            IrActionsServer, self.with_context(**{CONTEXT_UNMASKED: True})
        )._run_action_webhook(eval_context=eval_context)
