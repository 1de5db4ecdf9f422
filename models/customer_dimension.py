from odoo import api, fields, models

from ..engine import classifier
from .customer_standard_mixin import by_sequence


class CustomerDimension(models.Model):
    """A weighted axis of a standard (value, stability, risk…) with ordered levels.

    Whether the weights total 100 %, every dimension ends with a catch-all level and no
    bands overlap is checked on the whole standard (``customer.standard._problems``), live
    while a draft is edited and again before it is previewed or activated: a draft may be
    saved half done, so that weights are moved from one dimension to another in one save.
    """

    _name = "customer.dimension"
    _inherit = ["customer.standard.mixin", "customer.input.mixin"]
    _input_ranges = {"weight": (0, 100)}
    _description = "Classification Dimension"
    _order = "standard_id, sequence, id"

    standard_id = fields.Many2one(
        "customer.standard", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="standard_id.company_id", store=True, index=True)
    standard_state = fields.Selection(related="standard_id.state", string="Standard Status")
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    weight = fields.Float(
        digits=(5, 2),
        required=True,
        help="Share of the score, in %. The weights of the dimensions of a standard total 100.",
    )
    level_ids = fields.One2many("customer.dimension.level", "dimension_id", string="Levels")
    level_summary = fields.Char(
        compute="_compute_level_summary", string="Levels (points)", help="In the order tried."
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("weight_range", "CHECK(weight >= 0 AND weight <= 100)", "A weight is between 0 and 100."),
    ]

    @api.depends("level_ids.name", "level_ids.points", "level_ids.sequence")
    def _compute_level_summary(self):
        for dim in self:
            levels = dim.level_ids.sorted(by_sequence)
            dim.level_summary = " → ".join(f"{lv.name} ({lv.points:g})" for lv in levels)

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
                    for lv in dim.level_ids.sorted(by_sequence)
                ),
            )
            for dim in self
        )


class CustomerDimensionLevel(models.Model):
    _name = "customer.dimension.level"
    _inherit = ["customer.standard.mixin", "customer.input.mixin"]
    _input_ranges = {"points": (0, 100)}
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

    def _standards(self):
        return self.dimension_id.standard_id

    @api.depends("dimension_id", "name")
    def _compute_display_name(self):
        for level in self:
            level.display_name = f"{level.dimension_id.name}: {level.name}"
