from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _tz_get

from .customer_classification import (
    MAX_WINDOW,
    PARAM_REVENUE_SOURCE,
    PARAM_REVIEW_MODE,
    PARAM_TIMEZONE,
    PARAM_WINDOW,
)
from .customer_duplicate import DEFAULT_THRESHOLD, PARAM_THRESHOLD
from .customer_input_mixin import check_input
from .res_partner import PARAM_ASSIGNMENT, PARAM_CONTACT_CODES, PARAM_SCOPE
from .res_partner_classification import DEFAULT_SCOPE_DOMAIN, PARAM_SCOPE_DOMAIN

#: company fields of the analytics, written together (their checks relate them)
ANALYTICS_FIELDS = (
    "customer_analytics_window_months",
    "customer_rfm_method",
    "customer_rfm_recency_thresholds",
    "customer_rfm_frequency_thresholds",
    "customer_rfm_monetary_thresholds",
    "customer_abc_a_share",
    "customer_abc_b_share",
    "customer_abc_c_share",
    "customer_lifecycle_new_days",
    "customer_lifecycle_at_risk_factor",
    "customer_lifecycle_churn_days",
    "customer_clv_horizon_years",
    "customer_cost_hourly_rate",
)

#: settings that every evaluation reads
ENGINE_PARAMS = (
    PARAM_WINDOW,
    PARAM_REVENUE_SOURCE,
    PARAM_REVIEW_MODE,
    PARAM_SCOPE_DOMAIN,
    PARAM_TIMEZONE,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"
    _input_ranges = {
        "classification_window_months": (1, MAX_WINDOW),
        "classification_interval_number": (1, 1000),
    }

    customer_code_assignment = fields.Selection(
        [
            ("auto", "When a partner becomes a customer"),
            ("manual", "Only manually"),
        ],
        string="Assign Customer Codes",
        default="auto",
        required=True,
        config_parameter=PARAM_ASSIGNMENT,
        help="Automatic: a partner gets its code when it is created as a customer or "
        "when its first order is confirmed or its first invoice posted.",
    )
    customer_code_unique_scope = fields.Selection(
        [("global", "Across all companies"), ("company", "Within each company")],
        string="Codes Unique",
        default="global",
        required=True,
        config_parameter=PARAM_SCOPE,
    )
    customer_code_contact_own = fields.Boolean(
        string="Contacts Get Their Own Codes",
        config_parameter=PARAM_CONTACT_CODES,
        help="By default a contact shows the code of its company.",
    )

    classification_window_months = fields.Integer(
        string="Evaluation Window (months)",
        default=12,
        config_parameter=PARAM_WINDOW,
        help="Revenue, orders and complaints are counted over this many months.",
    )
    classification_revenue_source = fields.Selection(
        [("invoice", "Posted customer invoices"), ("sale_order", "Confirmed sale orders")],
        string="Revenue Source",
        default="invoice",
        required=True,
        config_parameter=PARAM_REVENUE_SOURCE,
    )
    classification_timezone = fields.Selection(
        _tz_get,
        string="Calendar Timezone",
        config_parameter=PARAM_TIMEZONE,
        help="The timezone of the classification's calendar: which day is today, and on "
        "which day an order or a complaint falls, for manual and scheduled runs alike. "
        "Empty: the timezone of the user of the scheduled action.",
    )
    classification_review_mode = fields.Boolean(
        string="Review Class Changes",
        config_parameter=PARAM_REVIEW_MODE,
        help="Changes of class wait as proposals that a Manager accepts or rejects.",
    )
    classification_run_errors = fields.Text(
        compute="_compute_classification_run_errors",
        help="The companies whose standard in force fails, and why.",
    )
    classification_scope_domain = fields.Char(
        string="Partners Classified",
        default=DEFAULT_SCOPE_DOMAIN,
        config_parameter=PARAM_SCOPE_DOMAIN,
    )

    # the schedule of the daily run, read from and written to its scheduled action
    classification_interval_number = fields.Integer(
        string="Re-evaluate Every",
        default=1,
        help="How often the scheduled action re-evaluates every customer.",
    )
    classification_interval_type = fields.Selection(
        [("hours", "Hours"), ("days", "Days"), ("weeks", "Weeks"), ("months", "Months")],
        string="Re-evaluation Unit",
        default="days",
    )

    customer_followup_user_id = fields.Many2one(
        related="company_id.customer_followup_user_id", readonly=False
    )
    # analytics: not related fields, which would write the company one field at a time
    # and fail its checks half-way (the ABC shares add up only once all are written);
    # read by get_values, written together by set_values
    customer_analytics_window_months = fields.Integer(
        string="Analytics Window (months)",
    )
    customer_rfm_method = fields.Selection(
        [("quintile", "Quintiles"), ("threshold", "Thresholds")],
        string="RFM Scores",
    )
    customer_rfm_recency_thresholds = fields.Char(
        string="Recency Cut Points (days)",
    )
    customer_rfm_frequency_thresholds = fields.Char(
        string="Frequency Cut Points",
    )
    customer_rfm_monetary_thresholds = fields.Char(
        string="Monetary Cut Points",
    )
    customer_abc_a_share = fields.Float(string="A Share (%)")
    customer_abc_b_share = fields.Float(string="B Share (%)")
    customer_abc_c_share = fields.Float(string="C Share (%)")
    customer_lifecycle_new_days = fields.Integer(
        string="New Customer Period (days)",
    )
    customer_lifecycle_at_risk_factor = fields.Float(
        string="At Risk After (× usual interval)",
    )
    customer_lifecycle_churn_days = fields.Integer(
        string="Churned After (days)",
    )
    customer_clv_horizon_years = fields.Float(
        string="Lifetime Horizon (years)",
    )
    customer_cost_hourly_rate = fields.Float(
        string="Cost per Hour of Effort",
    )
    customer_sla_working_hours = fields.Boolean(
        related="company_id.customer_sla_working_hours", readonly=False
    )
    customer_resource_calendar_id = fields.Many2one(
        related="company_id.resource_calendar_id", string="Working Calendar", readonly=False
    )
    customer_allocation_auto_apply = fields.Boolean(
        related="company_id.customer_allocation_auto_apply", readonly=False
    )
    customer_anomaly_factor = fields.Float(
        related="company_id.customer_anomaly_factor", readonly=False
    )
    customer_data_steward_id = fields.Many2one(
        related="company_id.customer_data_steward_id", readonly=False
    )
    # stored as "True"/"False" by set_values (a missing parameter means on, which a
    # config_parameter Boolean could not switch off)
    customer_sensitive_salesperson_full = fields.Boolean(
        string="Salespersons See Their Customers in Full",
        help="A customer's own salesperson (of the customer or of its company) sees its "
        "phone, mobile, e-mail and ID number in full without the Sensitive customer data "
        "group.",
    )
    customer_duplicate_threshold = fields.Float(
        string="Name Similarity of Duplicates",
        config_parameter=PARAM_THRESHOLD,
        default=DEFAULT_THRESHOLD,
        digits=(3, 2),
        help="From 0 to 1: customers whose names (without case, full-width characters, "
        "punctuation and legal forms) are at least this similar are listed as possible "
        "duplicates; lower finds more, with more false alarms.",
    )
    customer_allocation_review = fields.Boolean(
        string="Monthly Allocation Review",
        help="Once a month, propose a salesperson for unassigned customers and for customers "
        "whose salesperson does not fit their class any more.",
    )

    def _classification_cron(self):
        cron = self.env.ref("customer_classification.ir_cron_reclassify", raise_if_not_found=False)
        return cron.sudo() if cron else cron

    @api.constrains("classification_interval_number")
    def _check_classification_interval(self):
        for settings in self:
            if settings.classification_interval_number <= 0:
                raise ValidationError(
                    self.env._("Re-evaluate at least every hour, day, week or month.")
                )

    @api.depends("company_id")
    def _compute_classification_run_errors(self):
        failing = self.env["customer.standard"].search(
            [("state", "=", "active"), ("run_error", "!=", False)]
        )
        text = "\n".join(
            f"{standard.company_id.name}: {standard.run_error}" for standard in failing
        )
        for settings in self:
            settings.classification_run_errors = text

    @api.constrains("classification_window_months")
    def _check_classification_window(self):
        for settings in self:
            if not 1 <= settings.classification_window_months <= MAX_WINDOW:
                raise ValidationError(
                    self.env._("The evaluation window is 1 to %(max)s months.", max=MAX_WINDOW)
                )

    @api.constrains("customer_duplicate_threshold")
    def _check_customer_duplicate_threshold(self):
        for settings in self:
            self.env["customer.duplicate"]._check_threshold(settings.customer_duplicate_threshold)

    @api.constrains("classification_scope_domain")
    def _check_classification_scope_domain(self):
        for settings in self:
            try:
                self.env["res.partner"]._check_domain_text(settings.classification_scope_domain)
            except Exception as err:
                raise ValidationError(
                    self.env._(
                        "The domain of classified partners is not valid: %(error)s",
                        error=str(err),
                    )
                ) from err

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_classification_input(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_classification_input(vals)
        return super().write(vals)

    def _check_classification_input(self, vals):
        """This addon's settings get a clear error on junk, not a crash."""
        ours = {
            name
            for name in vals
            if name.startswith(("classification_", "customer_code_", "customer_followup_"))
        }
        check_input(self, vals, ours)

    @api.model
    def get_values(self):
        """The engine's settings as it reads them: junk in a system parameter shows the
        value in use (the default), not a Settings screen that fails to open; the schedule
        is the scheduled action's."""
        res = super().get_values()
        company = self.env.company
        res.update({name: company[name] for name in ANALYTICS_FIELDS})
        cron = self._classification_cron()
        if cron:
            res.update(
                classification_interval_number=cron.interval_number,
                classification_interval_type=cron.interval_type,
            )
        engine = self.env["customer.classification"].sudo()
        res["classification_window_months"] = engine._window_months()
        res["classification_revenue_source"] = engine._revenue_source()
        stored_tz = engine._param(PARAM_TIMEZONE, False)
        res["classification_timezone"] = stored_tz if stored_tz == engine._timezone() else False
        res["classification_scope_domain"] = self.env["res.partner"]._classification_scope_text()
        review = self._allocation_review_cron()
        res["customer_allocation_review"] = bool(review and review.active)
        res["customer_sensitive_salesperson_full"] = self.env[
            "res.partner"
        ]._customer_privacy_salesperson_full()
        return res

    def _allocation_review_cron(self):
        cron = self.env.ref(
            "customer_classification.ir_cron_review_allocation", raise_if_not_found=False
        )
        return cron.sudo() if cron else cron

    def set_values(self):
        params = self.env["ir.config_parameter"].sudo()
        previous = params.get_param(PARAM_SCOPE, "global")
        engine_before = [params.get_param(key) for key in ENGINE_PARAMS]
        res = super().set_values()
        analytics = {name: self[name] for name in ANALYTICS_FIELDS}
        if any(self.company_id[name] != value for name, value in analytics.items()):
            self.company_id.write(analytics)
        if [params.get_param(key) for key in ENGINE_PARAMS] != engine_before:
            # every evaluation reads these: a run under way restarts from the beginning
            self.env["customer.standard"]._queue_company_runs("config")
        cron = self._classification_cron()
        schedule = {
            "interval_number": self.classification_interval_number,
            "interval_type": self.classification_interval_type or "days",
        }
        if cron and any(cron[key] != value for key, value in schedule.items()):
            cron.write(schedule)
        review = self._allocation_review_cron()
        if review and review.active != self.customer_allocation_review:
            review.active = self.customer_allocation_review
        if self.customer_code_unique_scope != previous:
            self.env["res.partner"]._apply_code_unique_index(self.customer_code_unique_scope)
        self.env["res.partner"]._customer_privacy_set_salesperson_full(
            self.customer_sensitive_salesperson_full
        )
        return res
