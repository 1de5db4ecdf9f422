from odoo import models


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_values(self, src_partners, dst_partner):
        """Odoo's merge writes every stored field onto the partner it keeps: the class and
        score are left to the engine, which re-evaluates the partner."""
        dst_partner = dst_partner.with_context(customer_classification_merge=True)
        return super()._update_values(src_partners, dst_partner)
