from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import allocator

ALLOCATION_METHODS = [
    ("keep", "Keep the current owner when they fit"),
    ("least_loaded", "Least loaded"),
    ("round_robin", "Round robin"),
]


class CustomerAllocationRule(models.Model):
    """Which sales team, and which levels in it, own the customers of a domain."""

    _name = "customer.allocation.rule"
    _inherit = ["customer.input.mixin"]
    _description = "Customer Allocation Rule"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Rules are tried in this order; first match wins.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    domain = fields.Char(
        string="Customers",
        required=True,
        default="[]",
        help="The customers this rule allocates, e.g. a region, an industry, a class or a "
        "score range.",
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", required=True, check_company=True, ondelete="cascade"
    )
    allow_director = fields.Boolean(string="Directors")
    allow_manager = fields.Boolean(string="Managers")
    allow_specialist = fields.Boolean(string="Specialists", default=True)
    allow_assistant = fields.Boolean(string="Assistants")
    method = fields.Selection(
        ALLOCATION_METHODS,
        required=True,
        default="keep",
        help="Keep: the current owner stays when they are a member of the team with an "
        "allowed level and room in their capacity; otherwise, and with Least loaded, the "
        "member with the lowest load for their capacity. Round robin: members in turn.",
    )

    @api.constrains("allow_director", "allow_manager", "allow_specialist", "allow_assistant")
    def _check_levels(self):
        for rule in self:
            if not rule._allowed_levels():
                raise ValidationError(
                    self.env._(
                        "The allocation rule %(rule)s allows no level: tick at least one.",
                        rule=rule.name,
                    )
                )

    @api.constrains("domain")
    def _check_domain(self):
        Partner = self.env["res.partner"]
        for rule in self:
            try:
                Partner._check_domain_text(rule.domain)
            except Exception as err:
                raise ValidationError(
                    self.env._(
                        "The customers of the allocation rule %(rule)s are not a valid "
                        "domain: %(error)s",
                        rule=rule.name,
                        error=str(err),
                    )
                ) from err

    def _allowed_levels(self):
        self.ensure_one()
        return frozenset(level for level in allocator.LEVELS if self[f"allow_{level}"])

    def _to_engine(self):
        return [
            allocator.Rule(
                id=rule.id,
                team_id=rule.team_id.id,
                levels=rule._allowed_levels(),
                method=rule.method,
            )
            for rule in self
        ]

    def _matching(self, partner_ids):
        """``{partner_id: rule_id}``: the first of these rules (in order) each matches."""
        Partner = self.env["res.partner"]
        wanted = set(partner_ids)
        result = {}
        for rule in self:
            left = wanted - result.keys()
            if not left:
                break
            # callers run as superuser: only the partners the rule's company sees
            domain = [
                *Partner._domain_from_text(rule.domain),
                "|",
                ("company_id", "=", False),
                ("company_id", "parent_of", rule.company_id.id),
            ]
            found = Partner.with_company(rule.company_id).search(domain, order="id")
            for partner_id in left.intersection(found.ids):
                result[partner_id] = rule.id
        return result
