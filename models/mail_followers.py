"""The chatter's follower list shows each follower's e-mail (a related field of the
partner's): masked like the partner's own field (see res_partner_privacy.py)."""

from odoo import models

from ..engine.privacy_mask import mask


class MailFollowers(models.Model):
    _inherit = "mail.followers"

    def _read_format(self, fnames, load="_classic_read"):
        """Mask the followers' e-mails that the user sees masked on the partner."""
        result = super()._read_format(fnames, load=load)
        if "email" not in fnames or not result:
            return result
        hidden = self.partner_id._customer_privacy_masked_ids()
        if not hidden:
            return result
        partner_of = {follower.id: follower.partner_id.id for follower in self}
        for vals in result:
            if partner_of.get(vals["id"]) in hidden:
                vals["email"] = mask("email", vals["email"])
        return result
