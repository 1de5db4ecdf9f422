from odoo import fields, models


class ResPartnerIndustry(models.Model):
    _inherit = "res.partner.industry"

    classification_code = fields.Char(
        string="Code",
        help="Short code used for the {industry} token of customer code schemes, e.g. MFG.",
    )

    classification_risk = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        string="Risk",
        help="Industry risk used by the classification; unknown industries count as medium.",
    )

    _sql_constraints = [
        (
            "classification_code_uniq",
            "UNIQUE(classification_code)",
            "Two industries cannot have the same code.",
        )
    ]
