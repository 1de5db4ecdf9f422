from odoo import api, fields, models
from odoo.exceptions import ValidationError

#: tracking record types a follow-up can be (complaints and requests come from customers)
FOLLOWUP_RECORD_TYPES = [
    ("visit", "Visit"),
    ("call", "Call"),
    ("email", "Email"),
    ("meeting", "Meeting"),
    ("other", "Other"),
]


class CustomerClassFollowup(models.Model):
    """One follow-up of a class strategy: e.g. strategic = a visit every 90 days.

    ``res.partner._schedule_class_followups()`` keeps one open activity per line for every
    customer of the class; marking it done logs a tracking record and plans the next one.
    """

    _name = "customer.class.followup"
    _inherit = ["customer.input.mixin"]
    _input_ranges = {"interval_days": (1, 3650)}
    _description = "Customer Class Follow-up"
    _order = "class_id, sequence, id"

    class_id = fields.Many2one("customer.class", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        required=True,
        ondelete="restrict",
        domain="[('res_model', 'in', (False, 'res.partner'))]",
    )
    interval_days = fields.Integer(
        string="Every (days)",
        required=True,
        default=30,
        help="Days between two follow-ups: the next one is due this many days after the "
        "last one was done (or after today, for the first).",
    )
    summary = fields.Char(required=True, translate=True)
    record_type = fields.Selection(
        FOLLOWUP_RECORD_TYPES,
        string="Logged As",
        required=True,
        default="call",
        help="Marking the activity done logs a tracking record of this type.",
    )
    responsible = fields.Selection(
        [
            ("salesperson", "The customer's salesperson"),
            ("team_leader", "The sales team leader"),
            ("user", "A fixed user"),
        ],
        required=True,
        default="salesperson",
        help="Who gets the activity. A customer without a salesperson falls back to the team "
        "leader, then to the follow-up user chosen in Settings.",
    )
    user_id = fields.Many2one(
        "res.users", string="Fixed User", domain="[('share', '=', False)]", ondelete="restrict"
    )
    effort_hours = fields.Float(
        string="Effort (hours)",
        default=0.5,
        help="Expected time one follow-up takes: the tracking record it logs carries it, for "
        "the cost to serve per class.",
    )

    _sql_constraints = [
        (
            "interval_positive",
            "CHECK(interval_days > 0)",
            "A follow-up interval must be at least one day.",
        ),
        (
            "effort_not_negative",
            "CHECK(effort_hours >= 0)",
            "The effort of a follow-up cannot be negative.",
        ),
    ]

    @api.constrains("responsible", "user_id")
    def _check_fixed_user(self):
        for line in self:
            if line.responsible == "user" and not line.user_id:
                raise ValidationError(
                    self.env._(
                        "The follow-up %(line)s of the class %(cls)s goes to a fixed user: "
                        "choose the user.",
                        line=line.summary,
                        cls=line.class_id.name,
                    )
                )

    @api.depends("class_id", "summary")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.class_id.name}: {line.summary}"
