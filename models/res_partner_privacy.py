"""Personal data masking: a customer's phone, mobile, e-mail and ID / registration number
reach the browser of a user without the "Sensitive customer data" group only masked
(138****5678, w***@example.com).

Masking is applied where values leave the server for a user, never to the values
themselves: ``_read_format`` (the one place ``read``, ``search_read``, ``web_read`` and
``web_search_read`` — x2many sub-records and many2one sub-reads included — and mail's
chatter data go through), ``_export_rows`` (every export, also of other models' partner
columns), ``onchange`` answers and the e-mail in display names. Code that works with a
partner's values (sending mail, the engine, PDF reports, duplicate detection) reads the
fields themselves and gets the real values. Saving a form that holds a masked value
keeps the real value (``write``), and a masked value is never stored.
"""

from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import UserError, ValidationError

from ..engine.privacy_mask import looks_masked, mask

GROUP_SENSITIVE = "customer_classification.group_customer_sensitive"
PARAM_SALESPERSON_FULL = "customer_classification.sensitive_salesperson_full"
#: context key that unmasks reads done in superuser mode (see _customer_privacy_sees_all)
CONTEXT_UNMASKED = "customer_privacy_unmasked"
#: the values users type, protected on save → kind of mask
SENSITIVE_FIELDS = {
    "phone": "phone",
    "mobile": "phone",
    "email": "email",
    "customer_registration_number": "identifier",
}
#: fields computed from them, which would give them away → kind of mask
DERIVED_FIELDS = {
    "email_formatted": "email",
    "email_normalized": "email",
    "phone_sanitized": "phone",
    "customer_phone_e164": "phone",
    "customer_mobile_e164": "phone",
    "customer_phone_search": "phone",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------
    # who sees what
    # ------------------------------------------------------------------

    @api.model
    def _customer_masked_fields(self):
        """The partner fields masked for users without the group → kind of mask."""
        fields_map = {**SENSITIVE_FIELDS, **DERIVED_FIELDS}
        return {name: kind for name, kind in fields_map.items() if name in self._fields}

    @api.model
    def _customer_privacy_salesperson_full(self):
        """The setting: a partner's own salesperson sees its data in full (default on)."""
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_SALESPERSON_FULL, "True")
        return value.strip().lower() not in ("false", "0", "")

    @api.model
    def _customer_privacy_set_salesperson_full(self, enabled):
        """Store the setting explicitly ("True"/"False"): a missing parameter means on."""
        value = "True" if enabled else "False"
        params = self.env["ir.config_parameter"].sudo()
        if params.get_param(PARAM_SALESPERSON_FULL) != value:
            params.set_param(PARAM_SALESPERSON_FULL, value)

    @api.model
    def _customer_privacy_sees_all(self):
        """True when the current user sees every partner's data in full.

        The *user* decides, not superuser mode: Odoo itself reads partners with ``sudo()``
        to send them to the browser (many2one names in ``web_read``, the chatter's
        authors and followers), so ``sudo()`` alone must not unmask. The superuser account
        (scheduled actions, the shell) and holders of the group see all; so does server
        code that reads for another system, not a browser (webhooks), in superuser mode
        with ``customer_privacy_unmasked`` in the context (a context key alone would be
        forgeable over RPC, superuser mode is not)."""
        env = self.env
        return (
            env.uid == SUPERUSER_ID
            or (env.su and env.context.get(CONTEXT_UNMASKED))
            or env.user.has_group(GROUP_SENSITIVE)
        )

    def _customer_privacy_masked_ids(self):
        """Ids of the saved partners in ``self`` that the current user sees masked.

        Seen in full: the user's own organisation (its commercial partner and its
        contacts), partners of internal users and of the user's companies (colleagues,
        not customers), and — when the setting is on — the partners whose salesperson, or
        whose commercial partner's salesperson, is the user. One prefetched read for all."""
        if self._customer_privacy_sees_all():
            return set()
        # saved records (new records of a form: their origin), keeping the prefetch set
        records = self._origin.sudo().with_context(active_test=False)
        if not records:
            return set()
        user = self.env.user
        own = user.sudo().partner_id.commercial_partner_id
        companies = user.sudo().company_ids.partner_id
        salesperson_full = self._customer_privacy_salesperson_full()
        masked = set()
        for partner in records:
            commercial = partner.commercial_partner_id
            if (
                commercial == own
                or partner in companies
                or any(not linked.share for linked in partner.user_ids)
                or (salesperson_full and user in (partner.user_id | commercial.user_id))
            ):
                continue
            masked.add(partner.id)
        return masked

    # ------------------------------------------------------------------
    # where values leave the server
    # ------------------------------------------------------------------

    def _read_format(self, fnames, load="_classic_read"):
        """Mask the sensitive values of the partners the user may not see in full."""
        result = super()._read_format(fnames, load=load)
        masked_fields = self._customer_masked_fields()
        names = [name for name in fnames if name in masked_fields]
        if not names or not result:
            return result
        hidden = self._customer_privacy_masked_ids()
        if not hidden:
            return result
        for vals in result:
            if getattr(vals["id"], "origin", vals["id"]) in hidden:
                for name in names:
                    vals[name] = mask(masked_fields[name], vals[name])
        return result

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        """Exports carry the masks too, also when the partner columns belong to another
        model's export (``partner_id/phone``): those recurse into this method.

        An extra ``.id`` column tells which lines are the partners' own lines (lines of
        their one2many sub-records leave it empty); it is removed before returning."""
        masked_fields = self._customer_masked_fields()
        columns = [
            (index, masked_fields[path[0]])
            for index, path in enumerate(fields)
            if len(path) == 1 and path[0] in masked_fields
        ]
        hidden = columns and self._customer_privacy_masked_ids()
        if not hidden:
            return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        lines = super()._export_rows([*fields, [".id"]], _is_toplevel_call=_is_toplevel_call)
        for line in lines:
            record_id = line.pop()
            if record_id and int(record_id) in hidden:
                for index, kind in columns:
                    line[index] = mask(kind, line[index])
        return lines

    @api.depends_context("uid")
    def _compute_display_name(self):
        """With ``show_email`` in the context (the e-mail composer's recipients), the
        e-mail in the name is masked as the field is."""
        super()._compute_display_name()
        if not self.env.context.get("show_email"):
            return
        hidden = self._customer_privacy_masked_ids()
        for partner in self:
            if partner._origin.id in hidden and partner.email and partner.display_name:
                partner.display_name = partner.display_name.replace(
                    f"<{partner.email}>", f"<{mask('email', partner.email)}>"
                )

    def onchange(self, values, field_names, fields_spec):
        """An onchange may recompute a sensitive field from the saved value (e.g. the
        phone re-formatted when the country changes): such a value is not sent to a user
        who sees the partner masked; the form keeps showing the mask and saving it keeps
        the real value. Values the user typed in this form are theirs to see."""
        result = super().onchange(values, field_names, fields_spec)
        changed = result.get("value")
        if not changed or not self:
            return result
        names = [
            name
            for name in self._customer_masked_fields()
            if name in changed and name not in values
        ]
        if names and self._customer_privacy_masked_ids():
            for name in names:
                del changed[name]
        return result

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """Groups by a masked field would show every value in full in the group titles
        (and their domains): refused for users who see partners masked."""
        if not self.env.su and not self._customer_privacy_sees_all():
            masked_fields = self._customer_masked_fields()
            for spec in [groupby] if isinstance(groupby, str) else groupby or []:
                name = spec.split(":")[0].split(".")[0]
                if name in masked_fields:
                    raise UserError(
                        self.env._(
                            "You cannot group contacts by %(field)s: it is masked for you.",
                            field=self._fields[name].get_description(self.env)["string"],
                        )
                    )
        return super().read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy
        )

    # ------------------------------------------------------------------
    # saving: a mask never overwrites the real value
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self._customer_privacy_sees_all():
            for vals in vals_list:
                for name in SENSITIVE_FIELDS:
                    if looks_masked(vals.get(name)):
                        self._customer_privacy_refuse_mask(name, vals[name], vals.get("name"))
        return super().create(vals_list)

    def write(self, vals):
        masked_names = [name for name in SENSITIVE_FIELDS if looks_masked(vals.get(name))]
        if masked_names and not self.env.su and not self._customer_privacy_sees_all():
            vals = dict(vals)
            hidden = self.browse(self._customer_privacy_masked_ids())
            for name in masked_names:
                kind = SENSITIVE_FIELDS[name]
                value = vals[name]
                wrong = (self - hidden)[:1] or next(
                    (partner for partner in hidden if mask(kind, partner[name]) != value),
                    None,
                )
                if wrong:
                    self._customer_privacy_refuse_mask(name, value, wrong.display_name)
                # the form sent back the mask it was shown: keep the real value
                del vals[name]
        return super().write(vals)

    @api.model
    def _customer_privacy_refuse_mask(self, name, value, partner_name):
        raise ValidationError(
            self.env._(
                "%(field)s of %(partner)s holds a masked value (%(value)s): type the full "
                "value, or leave the field unchanged to keep the current one.",
                field=self._fields[name].get_description(self.env)["string"],
                partner=partner_name or self.env._("the new contact"),
                value=value,
            )
        )
