from odoo import models


class CustomerStandardMixin(models.AbstractModel):
    """A part of a company's classification standard: changing it re-evaluates everyone."""

    _name = "customer.standard.mixin"
    _description = "Classification Standard Part"

    def _standard_companies(self):
        """The companies whose standard these records belong to."""
        return self.company_id

    def _mark_standard_changed(self):
        self.env["customer.classification"]._mark_configuration_changed(self._standard_companies())

    def write(self, vals):
        res = super().write(vals)
        self._mark_standard_changed()
        return res
