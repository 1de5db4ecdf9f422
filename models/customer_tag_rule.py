from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import classifier


class CustomerTagRule(models.Model):
    """Class, levels and indicator conditions -> a partner tag, kept up to date by the engine.

    Every run adds the tag to the partners that match and removes it from the ones that no
    longer do; tags that no active rule manages are never touched.
    """

    _name = "customer.tag.rule"
    _inherit = ["customer.standard.mixin", "customer.input.mixin"]
    _description = "Customer Tag Rule"
    _order = "standard_id, sequence, id"

    standard_id = fields.Many2one(
        "customer.standard", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="standard_id.company_id", store=True, index=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    tag_id = fields.Many2one(
        "res.partner.category",
        required=True,
        ondelete="cascade",
        domain="[('parent_id', '=', classification_tag_parent_id)]",
        help="A tag under the Classification tag.",
    )
    classification_tag_parent_id = fields.Many2one(
        "res.partner.category", compute="_compute_classification_tag_parent_id"
    )
    class_ids = fields.Many2many(
        "customer.class",
        string="Classes",
        help="The partner's effective class is one of these (empty: any class).",
    )
    level_ids = fields.Many2many(
        "customer.dimension.level",
        string="Levels",
        domain="[('dimension_id.standard_id', '=', standard_id)]",
        help="The partner reached one of these levels (empty: any level).",
    )
    match = fields.Selection(
        [("all", "All conditions"), ("any", "Any condition")], default="all", required=True
    )
    condition_ids = fields.One2many(
        "customer.condition", "tag_rule_id", string="Indicator Conditions"
    )

    def _compute_classification_tag_parent_id(self):
        self.classification_tag_parent_id = self.env[
            "res.partner.category"
        ]._classification_parent()

    @api.constrains("tag_id")
    def _check_tag_parent(self):
        parent = self.env["res.partner.category"]._classification_parent()
        for rule in self:
            if rule.tag_id.parent_id != parent:
                raise ValidationError(
                    self.env._(
                        "The tag %(tag)s of the rule %(rule)s must be under the %(parent)s tag.",
                        tag=rule.tag_id.name,
                        rule=rule.name,
                        parent=parent.name,
                    )
                )

    def _to_engine(self):
        return tuple(
            classifier.TagRule(
                id=rule.id,
                tag_id=rule.tag_id.id,
                class_ids=frozenset(rule.class_ids.ids),
                level_ids=frozenset(rule.level_ids.ids),
                conditions=rule.condition_ids._to_engine(),
                match_all=rule.match == "all",
            )
            for rule in self
        )


class ResPartnerCategory(models.Model):
    _inherit = "res.partner.category"

    @api.model
    def _classification_parent(self):
        """The "Classification" tag, parent of every tag that tag rules manage."""
        return (
            self.env.ref(
                "customer_classification.res_partner_category_classification",
                raise_if_not_found=False,
            )
            or self.browse()
        )
