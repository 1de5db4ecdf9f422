from odoo import fields, models


class CustomerStandardPreviewPartner(models.TransientModel):
    """A customer of a preview cell, with its scores under both standards."""

    _name = "customer.standard.preview.partner"
    _description = "Classification Standard Preview Customer"
    _order = "revenue desc, id"

    line_id = fields.Many2one(
        "customer.standard.preview.line", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    from_class_id = fields.Many2one(related="line_id.from_class_id")
    to_class_id = fields.Many2one(related="line_id.to_class_id")
    score_before = fields.Float(digits=(5, 2), string="Score Now", readonly=True)
    score_after = fields.Float(digits=(5, 2), readonly=True)
    revenue = fields.Monetary(currency_field="currency_id", readonly=True)
    currency_id = fields.Many2one(related="line_id.currency_id")
