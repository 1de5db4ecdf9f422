from odoo import api, fields, models
from odoo.tools import SQL

ORIGINS = [
    ("auto", "Automatic assignment"),
    ("bulk", "Bulk assignment"),
    ("manual", "Typed by hand"),
    ("recode", "Re-code"),
    ("import", "Import"),
    ("deleted", "Partner deleted"),
    ("merge", "Merge"),
]


class CustomerCodeHistory(models.Model):
    """Append-only log of every customer code a partner was given or lost."""

    _name = "customer.code.history"
    _description = "Customer Code History"
    _inherit = ["customer.append.only.mixin"]
    _order = "date desc, id desc"
    _rec_name = "new_code"

    # a deleted partner's codes stay reserved, and their history with them
    partner_id = fields.Many2one("res.partner", index=True, ondelete="set null", readonly=True)
    company_id = fields.Many2one(
        "res.company",
        readonly=True,
        index=True,
        help="Company of the partner when the code changed (empty: shared partner).",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Changed by", default=lambda self: self.env.user, readonly=True
    )
    old_code = fields.Char(readonly=True, index="btree_not_null")
    new_code = fields.Char(readonly=True)
    origin = fields.Selection(ORIGINS, required=True, readonly=True)
    reason = fields.Text(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        for record in records:
            self.env["customer.classification.history"]._log_code_changes(
                [(record.partner_id.id, record.old_code, record.new_code)], record.reason
            )
        return records

    @api.model
    def _log_sql(self, rows, origin, reason=None):
        """Insert history ``rows`` of ``(partner_id, old_code, new_code)`` in one query."""
        if not rows:
            return
        values = SQL(", ").join(
            SQL("(%s, %s, %s)", partner_id, old, new) for partner_id, old, new in rows
        )
        self.env.execute_query(
            SQL(
                """
                INSERT INTO customer_code_history
                    (partner_id, company_id, old_code, new_code, origin, reason, date,
                     user_id, create_uid, create_date, write_uid, write_date)
                SELECT v.partner_id, p.company_id, v.old_code, v.new_code, %(origin)s,
                       %(reason)s, %(now)s, %(uid)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM (VALUES %(values)s) AS v(partner_id, old_code, new_code)
                  JOIN res_partner p ON p.id = v.partner_id
                """,
                origin=origin,
                reason=reason,
                uid=self.env.uid,
                now=fields.Datetime.now(),
                values=values,
            )
        )
        self.invalidate_model()
        self.env["customer.classification.history"]._log_code_changes(rows, reason)
