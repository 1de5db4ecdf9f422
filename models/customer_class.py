from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import classifier

#: field types whose empty value is "missing data": a number or a box always has a value
REQUIRED_FIELD_TYPES = (
    "char",
    "text",
    "html",
    "selection",
    "many2one",
    "many2many",
    "date",
    "datetime",
)

OWNER_LEVELS = [
    ("director", "Sales director"),
    ("manager", "Sales manager"),
    ("specialist", "Sales specialist"),
    ("assistant", "Sales assistant"),
]


class CustomerClass(models.Model):
    """A customer class and the strategy that goes with it."""

    _name = "customer.class"
    _inherit = ["customer.input.mixin"]
    _input_ranges = {
        "response_hours": (0, 8760),
        "allocation_weight": (0, 1000),
        # a managed decline is a goal too, but revenue cannot fall by more than all of it
        "goal_revenue_growth": (-100, 1000),
    }
    _description = "Customer Class"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Technical code, e.g. strategic.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    code_prefix = fields.Char(help="Text used for {class} in customer code schemes, e.g. S.")
    followup_ids = fields.One2many(
        "customer.class.followup",
        "class_id",
        string="Follow-ups",
        help="Every customer of the class gets one open activity per line.",
    )
    response_hours = fields.Float(
        string="Respond Within (hours)",
        help="Complaints and requests of customers of this class must be answered within "
        "these hours, counted on the company's working calendar (or as plain hours, a "
        "setting). 0: no response time.",
    )
    owner_level = fields.Selection(
        OWNER_LEVELS,
        help="Who owns customers of this class: a salesperson of a lower level needs "
        "re-allocation.",
    )
    allocation_weight = fields.Float(
        string="Load Weight",
        default=1.0,
        help="How much one customer of this class weighs in its salesperson's load, "
        "compared with the capacity set on sales team members.",
    )
    sla_request_count = fields.Integer(
        string="Requests (90 days)",
        compute="_compute_service_level",
        help="Complaints and requests with a response time, of the last 90 days.",
    )
    sla_in_time_rate = fields.Float(
        string="Answered in Time (%)",
        compute="_compute_service_level",
        help="Share of the last 90 days' complaints and requests answered before their "
        "deadline (open ones past their deadline count as late).",
    )
    sla_median_hours = fields.Float(
        string="Median Response (hours)",
        compute="_compute_service_level",
        help="Median time between a complaint or request and its answer, last 90 days.",
    )
    required_field_ids = fields.Many2many(
        "ir.model.fields",
        "customer_class_required_field_rel",
        "class_id",
        "field_id",
        string="Required Data",
        domain=[
            ("model", "=", "res.partner"),
            ("store", "=", True),
            ("ttype", "in", REQUIRED_FIELD_TYPES),
        ],
        help="Partner fields every customer of this class should fill in: the partner's "
        "completeness and the Missing data filter and anomaly report are based on them.",
    )
    resource_focus = fields.Text(translate=True)
    goal = fields.Text(translate=True)
    goal_revenue_growth = fields.Float(
        string="Revenue Growth Goal (%)",
        help="Yearly revenue growth the class's strategy aims at (e.g. 15 for +15 %), "
        "against which the strategy effectiveness report measures it.",
    )
    goal_repurchase_rate = fields.Float(
        string="Repurchase Goal (%)",
        help="Share of the class's customers who should order again each quarter.",
    )

    _sql_constraints = [
        ("code_uniq", "UNIQUE(code)", "A class code must be unique."),
        ("response_positive", "CHECK(response_hours >= 0)", "A response time cannot be negative."),
        (
            "repurchase_goal_range",
            "CHECK(goal_repurchase_rate >= 0 AND goal_repurchase_rate <= 100)",
            "A repurchase goal is a share from 0 to 100 %.",
        ),
        (
            "allocation_weight_positive",
            "CHECK(allocation_weight >= 0)",
            "A load weight cannot be negative.",
        ),
    ]

    @api.depends_context("company")
    def _compute_service_level(self):
        """Service level of the current company's last 90 days, in one query."""
        stats = self.env["customer.tracking.record"]._service_levels(self.ids)
        for klass in self:
            count, rate, median = stats.get(klass.id, (0, 0.0, 0.0))
            klass.sla_request_count = count
            klass.sla_in_time_rate = rate
            klass.sla_median_hours = median

    @api.constrains("required_field_ids")
    def _check_required_fields(self):
        """Only stored partner fields that can be empty: anything else would never count
        as missing, or could not be searched for in one query."""
        partner_fields = self.env["res.partner"]._fields
        for klass in self:
            for field in klass.required_field_ids:
                model_field = (
                    partner_fields.get(field.name) if field.model == "res.partner" else None
                )
                if (
                    not model_field
                    or not model_field.store
                    or field.ttype not in REQUIRED_FIELD_TYPES
                ):
                    technical_name = f"{field.field_description} ({field.model}.{field.name})"
                    raise ValidationError(
                        self.env._(
                            "The class %(cls)s cannot require %(field)s: only stored partner "
                            "fields that can be left empty (text, date, selection, relation) "
                            "can be required data.",
                            cls=klass.name,
                            field=technical_name,
                        )
                    )

    @api.constrains("active")
    def _check_used_by_rules(self):
        """A class that a standard in force gives, or a draft may give, stays active."""
        self._check_not_used(self.filtered(lambda c: not c.active), ("active", "draft"))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used_by_rules(self):
        # archived standards too: their history names these classes
        self._check_not_used(self, ("active", "draft", "archived"))

    def _check_not_used(self, classes, states):
        rules = (
            self.env["customer.class.rule"]
            .sudo()
            .search([("class_id", "in", classes.ids), ("standard_id.state", "in", states)], limit=1)
        )
        if rules:
            raise ValidationError(
                self.env._(
                    "The class %(cls)s is used by the rule %(rule)s of the standard "
                    "%(standard)s: make a new version of the standard without it first.",
                    cls=rules.class_id.name,
                    rule=rules.name,
                    standard=rules.standard_id.display_name,
                )
            )


class CustomerClassRule(models.Model):
    """Ordered rule: levels, score range and indicator conditions -> class."""

    _name = "customer.class.rule"
    _inherit = ["customer.standard.mixin", "customer.input.mixin"]
    _input_ranges = {"score_min": (0, 100), "score_max": (0, 100)}
    _description = "Customer Class Rule"
    _order = "standard_id, sequence, id"

    standard_id = fields.Many2one(
        "customer.standard", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="standard_id.company_id", store=True, index=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    class_id = fields.Many2one("customer.class", required=True, ondelete="restrict")
    level_ids = fields.Many2many(
        "customer.dimension.level",
        string="Levels",
        domain="[('dimension_id.standard_id', '=', standard_id)]",
        help="The partner must reach one of these levels in each dimension they belong to.",
    )
    score_min = fields.Float(string="Score From", digits=(5, 2))
    score_max = fields.Float(string="Score To", digits=(5, 2), default=100)
    match = fields.Selection(
        [("all", "All conditions"), ("any", "Any condition")], default="all", required=True
    )
    condition_ids = fields.One2many("customer.condition", "rule_id", string="Conditions")

    _sql_constraints = [
        (
            "score_range",
            "CHECK(score_min >= 0 AND score_max <= 100 AND score_min <= score_max)",
            "The score range must lie within 0 to 100, its start before its end.",
        ),
    ]

    @api.constrains("class_id")
    def _check_class_active(self):
        for rule in self:
            if not rule.class_id.active:
                raise ValidationError(
                    self.env._(
                        "The rule %(rule)s points to the archived class %(cls)s.",
                        rule=rule.name,
                        cls=rule.class_id.name,
                    )
                )

    def _is_fallback(self):
        """A rule without levels, score range nor conditions: it matches everyone."""
        self.ensure_one()
        return not (
            self.level_ids
            or self.condition_ids
            or self.score_min > 0
            or (self.score_max or 0) < 100
        )

    def _to_engine(self):
        rules = []
        for rule in self:
            levels = {}
            for level in rule.level_ids:
                levels.setdefault(level.dimension_id.id, set()).add(level.id)
            rules.append(
                classifier.Rule(
                    id=rule.id,
                    name=rule.name,
                    class_id=rule.class_id.id,
                    levels={dim: frozenset(ids) for dim, ids in levels.items()},
                    score_min=rule.score_min or None,
                    score_max=rule.score_max if rule.score_max < 100 else None,
                    conditions=rule.condition_ids._to_engine(),
                    match_all=rule.match == "all",
                )
            )
        return tuple(rules)
