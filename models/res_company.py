from datetime import timedelta

from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    customer_followup_user_id = fields.Many2one(
        "res.users",
        string="Follow-up Fallback User",
        domain="[('share', '=', False)]",
        help="Gets the class follow-ups, escalations and allocation reviews of customers "
        "that have neither a salesperson nor a team leader.",
    )
    customer_sla_working_hours = fields.Boolean(
        string="Response Times in Working Hours",
        default=True,
        help="Count the response hours of complaints and requests on the company's working "
        "calendar (nights, weekends and public holidays excluded); otherwise as plain hours.",
    )
    customer_allocation_auto_apply = fields.Boolean(
        string="Apply Monthly Re-allocation",
        help="The monthly review applies the re-allocation it proposes; otherwise it only "
        "proposes it to the managers.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """A new company classifies from day one: it gets the default standard, active."""
        companies = super().create(vals_list)
        self.env["customer.standard"].sudo()._ensure_company_standards(companies)
        return companies

    def _customer_response_deadline(self, start, hours):
        """``start`` (naive UTC) + ``hours`` of response time: on the company's working
        calendar (leaves included), or as plain hours, as the company chose."""
        self.ensure_one()
        calendar = self.resource_calendar_id
        if self.customer_sla_working_hours and calendar:
            deadline = calendar.plan_hours(hours, start, compute_leaves=True)
            if deadline:
                return deadline
        return start + timedelta(hours=hours)
