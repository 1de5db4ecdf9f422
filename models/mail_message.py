"""The chatter shows each message's sender address (``email_from``, e.g. ``"Wang Wei"
<wang.wei@example.com>`` on a message the customer e-mailed in): masked when the author
is a partner the user sees masked (see res_partner_privacy.py). Messages without an
author partner keep their address: nothing tells whose data it is."""

from odoo import models

from ..engine.privacy_mask import mask


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _customer_privacy_masked_message_ids(self):
        """Ids of the messages in ``self`` whose author the current user sees masked."""
        authors = self.sudo().author_id
        hidden = authors._customer_privacy_masked_ids() if authors else set()
        return {message.id for message in self.sudo() if message.author_id.id in hidden}

    def _read_format(self, fnames, load="_classic_read"):
        """Mask the sender address of messages whose author the user sees masked."""
        result = super()._read_format(fnames, load=load)
        if "email_from" not in fnames or not result:
            return result
        hidden = self._customer_privacy_masked_message_ids()
        for vals in result:
            if vals["id"] in hidden:
                vals["email_from"] = mask("email", vals["email_from"])
        return result

    def _author_to_store(self, store):
        """The chatter receives the sender address with the author: masked the same way."""
        res = super()._author_to_store(store)
        for message in self.browse(self._customer_privacy_masked_message_ids()):
            store.add(message, {"email_from": mask("email", message.sudo().email_from)})
        return res
