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
    partner_data = fields.Json(
        help="The cell's customers as columns (partner, score before, score after, revenue), "
        "listed as records when the cell is opened: most cells never are, and 100,000 rows "
        "cost more to insert than to keep in one document."
    )
    partners_listed = fields.Boolean()

    @api.depends("from_class_id", "to_class_id")
    def _compute_moved(self):
        for line in self:
            line.moved = line.from_class_id != line.to_class_id

    def _list_partners(self):
        """The customers of these cells as records, in one statement per cell."""
        now = fields.Datetime.now()
        for line in self.filtered(lambda line: not line.partners_listed and line.partner_data):
            data = line.partner_data
            self.env.execute_query(
                SQL(
                    """
                    INSERT INTO customer_standard_preview_partner
                        (line_id, partner_id, score_before, score_after, revenue,
                         create_uid, create_date, write_uid, write_date)
                    SELECT %(line)s, v.partner, v.before, v.after, v.revenue, %(uid)s, %(now)s,
                           %(uid)s, %(now)s
                      FROM unnest(%(partner)s::int[], %(before)s::numeric[],
                                  %(after)s::numeric[], %(revenue)s::numeric[])
                        AS v(partner, before, after, revenue)
                    """,
                    line=line.id,
                    uid=self.env.uid,
                    now=now,
                    partner=bulk_sql.array(data["partner"]),
                    before=bulk_sql.array(data["before"]),
                    after=bulk_sql.array(data["after"]),
                    revenue=bulk_sql.array(data["revenue"]),
                )
            )
            line.partners_listed = True
        self.env["customer.standard.preview.partner"].invalidate_model()

    def action_open_partners(self):
        """The customers of this cell, with their scores before and after."""
        self.ensure_one()
        self._list_partners()
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
