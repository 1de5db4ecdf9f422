from odoo import api, models
from odoo.exceptions import UserError


def by_sequence(record):
    """Sort key of the parts of a standard: the order in which they are tried.

    Works on new records too (a form being edited), whose ids are not numbers yet.
    """
    return (record.sequence, record.id or 0)


class CustomerStandardMixin(models.AbstractModel):
    """A part of a classification standard: edited only while its standard is a draft.

    Dimensions, levels, conditions, class rules and tag rules belong to one version of a
    company's standard. A standard in force (or archived, for the history that names it)
    never changes: every change goes through a new version.
    """

    _name = "customer.standard.mixin"
    _description = "Classification Standard Part"

    def _standards(self):
        """The standards these records belong to."""
        return self.standard_id

    def _check_standard_draft(self):
        locked = self._standards().filtered(lambda s: s.state != "draft")
        if locked:
            raise UserError(
                self.env._(
                    "The standard %(standard)s is %(state)s and cannot change: click "
                    "New Version on it, edit the draft, preview it and activate it.",
                    standard=locked[0].display_name,
                    state=dict(locked._fields["state"]._description_selection(self.env))[
                        locked[0].state
                    ].lower(),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._check_standard_draft()
        return records

    def write(self, vals):
        self._check_standard_draft()
        res = super().write(vals)
        self._check_standard_draft()  # not moved into a standard in force either
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_standard_in_force(self):
        self._check_standard_draft()
