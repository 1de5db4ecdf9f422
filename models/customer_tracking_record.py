from odoo import api, fields, models

RECORD_TYPES = [
    ("visit", "Visit"),
    ("call", "Call"),
    ("email", "Email"),
    ("meeting", "Meeting"),
    ("complaint", "Complaint"),
    ("feedback", "Feedback"),
    ("other", "Other"),
]


class CustomerTrackingRecord(models.Model):
    """A contact with a customer: visit, call, complaint… (complaints count in stability)."""

    _name = "customer.tracking.record"
    _description = "Customer Tracking Record"
    _inherit = ["mail.thread"]
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

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._mark_complaints()
        return records

    def write(self, vals):
        counted = {"record_type", "date", "partner_id", "company_id"} & set(vals)
        if counted:
            # what was counted before (a complaint turned into a call counts no more)
            self._mark_complaints()
        res = super().write(vals)
        if counted:
            self._mark_complaints()
        return res

    def unlink(self):
        self._mark_complaints()
        return super().unlink()

    def _mark_complaints(self):
        """A complaint changes the stability dimension: re-evaluate the customer soon."""
        complaints = self.filtered(lambda r: r.record_type == "complaint")
        complaints.commercial_partner_id._mark_for_reclassification()
