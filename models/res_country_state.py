from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCountryState(models.Model):
    _inherit = "res.country.state"

    customer_code_region = fields.Char(
        string="Region in Customer Codes",
        size=8,
        help="What {region} gives in customer codes for partners of this state; when empty, "
        "the state's code. Odoo's codes of Chinese provinces are one character (京): the "
        "addon sets them to their two letters (BJ), which you may change.",
    )

    @api.constrains("customer_code_region")
    def _check_customer_code_region(self):
        for state in self:
            region = state.customer_code_region
            if region and (region != region.strip() or "{" in region or "}" in region):
                raise ValidationError(
                    self.env._(
                        "The region %(region)s of %(state)s cannot hold spaces around it "
                        "nor braces.",
                        region=region,
                        state=state.display_name,
                    )
                )

    @api.model
    def _default_customer_code_regions(self):
        """Give the Chinese provinces their two letters (BJ for 北京市), from the names of
        their records in Odoo (``base.state_cn_BJ``), where none is set yet."""
        prefix = "state_cn_"
        for data in (
            self.env["ir.model.data"]
            .sudo()
            .search(
                [
                    ("module", "=", "base"),
                    ("model", "=", self._name),
                    ("name", "=like", f"{prefix}%"),
                ]
            )
        ):
            state = self.browse(data.res_id).exists()
            if state and not state.customer_code_region:
                state.customer_code_region = data.name[len(prefix) :].upper()
