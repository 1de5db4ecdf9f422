from odoo import api, fields, models
from odoo.tools import SQL

from ..models import bulk_sql


class CustomerStandardPreviewLine(models.TransientModel):
    """One cell of the migration matrix: the customers going from one class to another."""

    _name = "customer.standard.preview.line"
    _description = "Classification Standard Preview Cell"
    _order = "moved desc, partner_count desc, id"

    preview_id = fields.Many2one(
        "customer.standard.preview", required=True, ondelete="cascade", index=True
    )
    from_class_id = fields.Many2one("customer.class", string="From Class")
    to_class_id = fields.Many2one("customer.class", string="To Class")
    moved = fields.Boolean(compute="_compute_moved", store=True, string="Changes Class")
    partner_count = fields.Integer(string="Customers")
    revenue = fields.Monetary(currency_field="currency_id")
    currency_id = fields.Many2one(related="preview_id.currency_id")
    partner_ids = fields.One2many("customer.standard.preview.partner", "line_id")

    @api.depends("from_class_id", "to_class_id")
    def _compute_moved(self):
        for line in self:
            line.moved = line.from_class_id != line.to_class_id

    def _insert_partners(self, rows):
        """``rows`` of (line, partner, class before, class after, score before, score after,
        revenue), in one statement whatever their number (100,000 on a large database)."""
        if not rows:
            return
        columns = list(zip(*rows, strict=True))
        now = fields.Datetime.now()
        self.env.execute_query(
            SQL(
                """
                INSERT INTO customer_standard_preview_partner
                    (line_id, partner_id, score_before, score_after, revenue,
                     create_uid, create_date, write_uid, write_date)
                SELECT v.line, v.partner, v.before, v.after, v.revenue, %(uid)s, %(now)s,
                       %(uid)s, %(now)s
                  FROM unnest(%(line)s::int[], %(partner)s::int[], %(before)s::numeric[],
                              %(after)s::numeric[], %(revenue)s::numeric[])
                    AS v(line, partner, before, after, revenue)
                """,
                uid=self.env.uid,
                now=now,
                line=bulk_sql.array(columns[0]),
                partner=bulk_sql.array(columns[1]),
                before=bulk_sql.array(columns[4]),
                after=bulk_sql.array(columns[5]),
                revenue=bulk_sql.array(columns[6]),
            )
        )

    def action_open_partners(self):
        """The customers of this cell, with their scores before and after."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "%(from)s → %(to)s",
                **{
                    "from": self.from_class_id.name or self.env._("No class"),
                    "to": self.to_class_id.name or self.env._("No class"),
                },
            ),
            "res_model": "customer.standard.preview.partner",
            "view_mode": "list",
            "views": [(False, "list")],
            "domain": [("line_id", "=", self.id)],
            "target": "current",
        }
