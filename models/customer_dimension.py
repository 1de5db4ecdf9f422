from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import classifier


class CustomerDimension(models.Model):
    """A weighted axis of the standard (value, stability, risk…) with ordered levels."""

    _name = "customer.dimension"
    _inherit = ["customer.standard.mixin"]
    _description = "Classification Dimension"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    weight = fields.Float(
        digits=(5, 2),
        required=True,
        help="Share of the score, in %. The weights of a company's active dimensions total 100.",
    )
    level_ids = fields.One2many("customer.dimension.level", "dimension_id", string="Levels")
    description = fields.Text(translate=True)
    weight_total = fields.Float(
        compute="_compute_weight_total",
        digits=(5, 2),
        string="Total of Active Weights",
        help="The weights of the company's active dimensions, this one as edited.",
    )
    weight_notice = fields.Char(compute="_compute_weight_total", string="Weights")

    _sql_constraints = [
        ("weight_range", "CHECK(weight >= 0 AND weight <= 100)", "A weight is between 0 and 100."),
    ]

    @api.depends("weight", "active", "company_id")
    def _compute_weight_total(self):
        """Live while editing: the other active dimensions as saved, plus these ones."""
        for company, dims in self.grouped("company_id").items():
            others = self.search(
                [("company_id", "=", company.id), ("id", "not in", self._origin.ids)]
            )
            total = round(
                sum(others.mapped("weight")) + sum(dims.filtered("active").mapped("weight")), 2
            )
            shown = f"{total:g}"
            dims.weight_total = total
            dims.weight_notice = (
                False
                if abs(total - classifier.WEIGHT_TOTAL) <= classifier.WEIGHT_TOLERANCE
                else self.env._("The active weights total %(total)s %%, not 100 %%.", total=shown)
            )

    @api.constrains("weight", "active", "company_id")
    def _check_weights(self):
        """Weights total 100 per company (deferred while several dimensions change)."""
        if not self.env.context.get("customer_defer_weight_check"):
            self._check_weight_totals(self.company_id)

    @api.model
    def _check_weight_totals(self, companies):
        if not isinstance(companies, models.BaseModel):
            companies = self.env["res.company"].browse(companies)
        for company in companies:
            dims = self.search([("company_id", "=", company.id)])
            try:
                classifier.check_weights(dims.mapped("weight"), _=self.env._)
            except classifier.StandardError as err:
                raise ValidationError(
                    self.env._("%(company)s: %(error)s", company=company.name, error=str(err))
                ) from None

    @api.constrains("level_ids")
    def _check_levels(self):
        """Refuse a dimension whose levels cannot work (checked again before each run)."""
        for dim in self:
            levels = dim.level_ids.sorted(lambda lv: (lv.sequence, lv.id))
            try:
                classifier.check_levels(
                    dim.name, [(lv.name, bool(lv.condition_ids)) for lv in levels], _=self.env._
                )
                classifier.check_bands(
                    dim.name,
                    [
                        (lv.name, c.indicator_id.code, c.value, c.value_to)
                        for lv in levels
                        for c in lv.condition_ids
                        if c.operator == "between"
                    ],
                    _=self.env._,
                )
            except classifier.StandardError as err:
                raise ValidationError(str(err)) from None

    def _to_engine(self):
        return tuple(
            classifier.Dimension(
                id=dim.id,
                name=dim.name,
                weight=dim.weight,
                levels=tuple(
                    classifier.Level(
                        id=lv.id,
                        name=lv.name,
                        points=lv.points,
                        conditions=lv.condition_ids._to_engine(),
                        match_all=lv.match == "all",
                    )
                    for lv in dim.level_ids.sorted(lambda lv: (lv.sequence, lv.id))
                ),
            )
            for dim in self
        )


class CustomerDimensionLevel(models.Model):
    _name = "customer.dimension.level"
    _inherit = ["customer.standard.mixin"]
    _description = "Dimension Level"
    _order = "dimension_id, sequence, id"

    dimension_id = fields.Many2one(
        "customer.dimension", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="dimension_id.company_id", store=True, index=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    points = fields.Float(digits=(5, 2), required=True, help="Points, from 0 to 100.")
    match = fields.Selection(
        [("all", "All conditions"), ("any", "Any condition")], default="all", required=True
    )
    condition_ids = fields.One2many(
        "customer.condition",
        "level_id",
        string="Conditions",
        help="Levels are tried from top to bottom; the first whose conditions match wins. "
        "A level without conditions matches everyone (the last level must be one).",
    )

    _sql_constraints = [
        ("points_range", "CHECK(points >= 0 AND points <= 100)", "Points are between 0 and 100."),
    ]

    @api.depends("dimension_id", "name")
    def _compute_display_name(self):
        for level in self:
            level.display_name = f"{level.dimension_id.name}: {level.name}"
