from odoo import api, models
from odoo.exceptions import UserError


class CustomerAppendOnlyMixin(models.AbstractModel):
    """History that nobody edits or deletes: rows are written by the system only."""

    _name = "customer.append.only.mixin"
    _description = "Append-only History"

    @api.model
    def _history_label(self):
        """The model's name in the user's language."""
        return self.env["ir.model"]._get(self._name).name or self._description

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")
        if not self.env.su:
            raise UserError(
                self.env._("%(model)s is written by the system only.", model=self._history_label())
            )
        return super().create(vals_list)

    def write(self, vals):  # pylint: disable=method-required-super
        self.check_access("write")
        raise UserError(self.env._("%(model)s cannot be changed.", model=self._history_label()))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        raise UserError(self.env._("%(model)s cannot be deleted.", model=self._history_label()))
