from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

#: types a customer expects an answer to, within its class's response time
SLA_TYPES = ("complaint", "request")
#: how the calendar view shows an overdue record
OVERDUE_COLOR = "#D9534F"
#: the service level of a class is read over this many days
SERVICE_LEVEL_DAYS = 90

RECORD_TYPES = [
    ("visit", "Visit"),
    ("call", "Call"),
    ("email", "Email"),
    ("meeting", "Meeting"),
    ("complaint", "Complaint"),
    ("request", "Request"),
    ("feedback", "Feedback"),
    ("other", "Other"),
]


class CustomerTrackingRecord(models.Model):
    """A contact with a customer: visit, call, complaint… (complaints count in stability)."""

    _name = "customer.tracking.record"
    _description = "Customer Tracking Record"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", required=True, index=True, check_company=True)
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Tracked by",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
    )
    record_type = fields.Selection(
        RECORD_TYPES, string="Type", required=True, default="call", tracking=True
    )
    summary = fields.Text(required=True, tracking=True)
    # a Manager's conclusion: only Managers see and set it
    adjustment = fields.Selection(
        [("upgrade", "Upgrade"), ("keep", "Keep"), ("downgrade", "Downgrade")],
        string="Suggested Adjustment",
        groups="customer_classification.group_manager",
        tracking=True,
    )
    suggested_class_id = fields.Many2one(
        "customer.class", groups="customer_classification.group_manager", tracking=True
    )
    followup_id = fields.Many2one(
        "customer.class.followup",
        string="Class Follow-up",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="Logged by marking this follow-up of the class strategy done.",
    )
    followup_deadline = fields.Date(
        string="Follow-up Due",
        readonly=True,
        copy=False,
        help="The due date of the class follow-up this record closed: done on time when "
        "the record's date is not after it.",
    )
    duration = fields.Float(
        string="Effort (hours)",
        help="Time spent on this contact, for the cost to serve per class. A record logged "
        "by a class follow-up takes the follow-up's expected effort.",
    )
    # response times: complaints and requests are answered within the class's hours
    state = fields.Selection(
        [("open", "Open"), ("answered", "Answered"), ("closed", "Closed")],
        compute="_compute_state",
        store=True,
        precompute=True,
        tracking=True,
        help="Complaints and requests run open, answered, closed (Mark Answered, Close); "
        "other contacts are closed.",
    )
    answered_date = fields.Datetime(string="Answered On", readonly=True, copy=False)
    sla_class_id = fields.Many2one(
        "customer.class",
        string="Class at the Time",
        compute="_compute_deadline",
        store=True,
        help="The customer's class when the complaint or request came in: its response "
        "time sets the deadline.",
    )
    deadline = fields.Datetime(
        string="Answer Before",
        compute="_compute_deadline",
        store=True,
        help="Date + the response hours of the customer's class, on the company's working "
        "calendar (or as plain hours, a setting).",
    )
    overdue = fields.Boolean(
        readonly=True,
        copy=False,
        index=True,
        help="The deadline passed before an answer.",
    )
    escalated = fields.Boolean(
        readonly=True, copy=False, help="The team leader got an activity about it."
    )
    calendar_color = fields.Char(compute="_compute_calendar_color")

    _sql_constraints = [
        (
            "duration_not_negative",
            "CHECK(duration >= 0)",
            "The effort of a tracking record cannot be negative.",
        ),
    ]

    @api.depends("record_type", "partner_id", "date")
    def _compute_display_name(self):
        types = dict(self._fields["record_type"]._description_selection(self.env))
        for record in self:
            record.display_name = " - ".join(
                part
                for part in (
                    types.get(record.record_type),
                    record.partner_id.name,
                    record.date and fields.Date.to_string(record.date.date()),
                )
                if part
            )

    @api.depends("record_type")
    def _compute_state(self):
        for record in self:
            if not record.state or record.state == "closed" or record.record_type not in SLA_TYPES:
                record.state = "open" if record.record_type in SLA_TYPES else "closed"

    @api.depends("date", "record_type", "company_id", "commercial_partner_id")
    def _compute_deadline(self):
        for record in self:
            klass = self.env["customer.class"]
            if record.record_type in SLA_TYPES and record.commercial_partner_id:
                partner = record.commercial_partner_id.sudo().with_company(record.company_id)
                klass = partner.customer_class_id
            record.sla_class_id = klass
            hours = klass.response_hours
            record.deadline = (
                record.company_id._customer_response_deadline(record.date, hours)
                if hours and record.date
                else False
            )

    @api.depends("overdue", "state")
    def _compute_calendar_color(self):
        for record in self:
            record.calendar_color = OVERDUE_COLOR if record.overdue else False

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._mark_complaints()
        records.filtered("deadline")._update_overdue()
        return records

    def write(self, vals):
        counted = {"record_type", "date", "partner_id", "company_id"} & set(vals)
        if counted:
            # what was counted before (a complaint turned into a call counts no more)
            self._mark_complaints()
        res = super().write(vals)
        if counted:
            self._mark_complaints()
        if counted or "state" in vals:
            self._update_overdue()
        return res

    def unlink(self):
        self._mark_complaints()
        return super().unlink()

    def _mark_complaints(self):
        """A complaint changes the stability dimension: re-evaluate the customer soon."""
        complaints = self.filtered(lambda r: r.record_type == "complaint")
        complaints.commercial_partner_id._mark_for_reclassification()

    # ------------------------------------------------------------------
    # Response times
    # ------------------------------------------------------------------
    def action_answer(self):
        """The customer got an answer: record when."""
        self._check_can_answer()
        todo = self.filtered(lambda r: r.state == "open")
        if not todo:
            raise UserError(self.env._("Only open complaints and requests can be answered."))
        todo.sudo().write({"state": "answered", "answered_date": fields.Datetime.now()})
        todo._close_escalations()

    def action_close(self):
        """Nothing more to do; a record closed unanswered counts as answered now."""
        self._check_can_answer()
        now = fields.Datetime.now()
        for record in self.sudo().filtered(lambda r: r.state != "closed"):
            record.write({"state": "closed", "answered_date": record.answered_date or now})
        self._close_escalations()

    def _check_can_answer(self):
        """The author, the customer's salesperson, or a manager may answer; customer
        service only reads; nobody answers what their companies do not see."""
        if not self.env.user.has_group("customer_classification.group_user"):
            raise AccessError(
                self.env._("Customer service reads tracking records; it does not answer them.")
            )
        self.check_access("read")
        if self.env.user.has_group("customer_classification.group_manager"):
            return
        uid = self.env.uid
        for record in self.sudo():
            if uid not in (record.user_id.id, record.commercial_partner_id.user_id.id):
                raise AccessError(
                    self.env._(
                        "Only its author, the customer's salesperson or a manager may "
                        "answer %(record)s.",
                        record=record.display_name,
                    )
                )

    def _update_overdue(self):
        """Set the overdue flag from the deadline; escalate what just became overdue."""
        now = fields.Datetime.now()
        newly = self.browse()
        for record in self.sudo():
            late = bool(record.deadline) and (
                record.answered_date > record.deadline
                if record.answered_date
                else record.state == "open" and now > record.deadline
            )
            if late != record.overdue:
                record.overdue = late
                if late and record.state == "open":
                    newly |= record
        newly.filtered(lambda r: not r.escalated)._escalate()

    @api.model
    def _cron_check_response_times(self):
        """Scheduled action: flag what passed its deadline unanswered, and escalate."""
        late = self.sudo().search(
            [
                ("state", "=", "open"),
                ("overdue", "=", False),
                ("deadline", "<", fields.Datetime.now()),
            ]
        )
        late._update_overdue()

    def _escalate(self):
        """An escalation activity for the salesperson's team leader."""
        activity_type = self.env.ref(
            "customer_classification.mail_activity_type_response_overdue",
            raise_if_not_found=False,
        )
        for record in self.sudo():
            user = record._escalation_user()
            if user:
                record.activity_schedule(
                    activity_type_id=activity_type.id if activity_type else False,
                    summary=self.env._(
                        "Overdue: answer %(customer)s", customer=record.partner_id.display_name
                    ),
                    note=record.summary,
                    user_id=user.id,
                    date_deadline=fields.Date.context_today(record),
                )
            record.escalated = True

    def _escalation_user(self):
        """The team leader of the customer's salesperson, else the company's fallback
        user, else the salesperson."""
        self.ensure_one()
        customer = self.commercial_partner_id
        salesperson = customer.user_id
        leader = self.env["res.partner"]._customer_team_leaders(
            self.company_id, {customer.id: (salesperson.id, customer.team_id.id)}
        )[customer.id]
        Users = self.env["res.users"]
        for user in (Users.browse(leader), self.company_id.customer_followup_user_id, salesperson):
            if user and user.active and not user.share:
                return user
        return Users

    def _close_escalations(self):
        self.sudo().activity_unlink(["customer_classification.mail_activity_type_response_overdue"])

    @api.model
    def _service_levels(self, class_ids):
        """``{class_id: (count, % answered in time, median response hours)}`` over the
        last 90 days of the current company, in one query."""
        if not class_ids:
            return {}
        self.flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT sla_class_id,
                       count(*),
                       100.0 * count(*) FILTER (WHERE answered_date <= deadline)
                           / NULLIF(count(*) FILTER (
                               WHERE answered_date IS NOT NULL OR deadline < %(now)s), 0),
                       percentile_cont(0.5) WITHIN GROUP (
                           ORDER BY extract(epoch FROM answered_date - date) / 3600)
                  FROM customer_tracking_record
                 WHERE company_id = %(cid)s AND deadline IS NOT NULL
                   AND date >= %(since)s AND sla_class_id = ANY(%(ids)s)
                 GROUP BY sla_class_id
                """,
                now=fields.Datetime.now(),
                cid=self.env.company.id,
                since=fields.Datetime.subtract(fields.Datetime.now(), days=SERVICE_LEVEL_DAYS),
                ids=list(class_ids),
            )
        )
        return {cid: (count, rate or 0.0, median or 0.0) for cid, count, rate, median in rows}
