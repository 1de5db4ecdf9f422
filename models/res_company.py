from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import analytics


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

    # analytics (RFM, ABC, lifecycle, lifetime value, cost to serve): engine/analytics.py
    customer_analytics_window_months = fields.Integer(
        string="Analytics Window (months)",
        default=12,
        help="Orders and revenue counted for RFM frequency and monetary value and for ABC.",
    )
    customer_rfm_method = fields.Selection(
        [("quintile", "Quintiles"), ("threshold", "Thresholds")],
        string="RFM Scores",
        default="quintile",
        required=True,
        help="Quintiles: each score 1-5 holds a fifth of the customers (equal values share "
        "a score). Thresholds: the cut points below.",
    )
    customer_rfm_recency_thresholds = fields.Char(
        string="Recency Cut Points (days)",
        default="30,90,180,365",
        help="Four increasing numbers of days: a last order at most the first ago scores 5, "
        "at most the second 4, … older than the fourth 1.",
    )
    customer_rfm_frequency_thresholds = fields.Char(
        string="Frequency Cut Points (orders)",
        default="2,4,8,12",
        help="Four increasing order counts: the score is 1 + the number of cut points reached.",
    )
    customer_rfm_monetary_thresholds = fields.Char(
        string="Monetary Cut Points",
        default="10000,50000,200000,1000000",
        help="Four increasing revenues: the score is 1 + the number of cut points reached.",
    )
    customer_abc_a_share = fields.Float(string="A Share (%)", default=80.0)
    customer_abc_b_share = fields.Float(string="B Share (%)", default=15.0)
    customer_abc_c_share = fields.Float(string="C Share (%)", default=5.0)
    customer_lifecycle_new_days = fields.Integer(
        string="New Customer Period (days)",
        default=90,
        help="A customer whose first order is younger than this is New; one who came back "
        "after churning is Reactivated for as long.",
    )
    customer_lifecycle_at_risk_factor = fields.Float(
        string="At Risk After (× usual interval)",
        default=2.0,
        help="At Risk when the days since the last order reach this many times the "
        "customer's usual interval between orders.",
    )
    customer_lifecycle_churn_days = fields.Integer(
        string="Churned After (days)",
        default=365,
        help="Churned when the last order is at least this many days old.",
    )
    customer_clv_horizon_years = fields.Float(
        string="Lifetime Horizon (years)",
        default=3.0,
        help="Expected remaining years of a customer without churn risk.",
    )
    customer_analytics_date = fields.Date(
        string="Analytics Refreshed On", readonly=True, copy=False
    )
    customer_cost_hourly_rate = fields.Monetary(
        string="Cost per Hour of Effort",
        currency_field="currency_id",
        help="Cost of one hour spent on customers (visits, calls, complaints), for the cost "
        "to serve report.",
    )
    # data quality (anomaly report): models/customer_anomaly.py
    customer_anomaly_factor = fields.Float(
        string="Revenue Change Factor",
        default=3.0,
        help="A customer's revenue of the last 3 complete months that is this many times "
        "that of the 3 months before, or that many times less (a drop to zero included), "
        "is reported as an anomaly.",
    )
    customer_data_steward_id = fields.Many2one(
        "res.users",
        string="Data Steward",
        domain="[('share', '=', False)]",
        help="Gets an activity with the counts of each anomaly found after every detection; "
        "without one, the detection only records its report.",
    )

    @api.constrains(
        "customer_analytics_window_months",
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
    def _check_customer_analytics(self):
        for company in self:
            problem = company._customer_analytics_problem()
            if problem:
                raise ValidationError(problem)

    @api.constrains("customer_anomaly_factor")
    def _check_customer_anomaly_factor(self):
        for company in self:
            if company.customer_anomaly_factor <= 1:
                raise ValidationError(
                    self.env._(
                        "The revenue change factor of %(company)s must be above 1 (a factor "
                        "of %(factor)s would report every customer): e.g. 3 reports revenue "
                        "tripled or divided by three.",
                        company=company.name,
                        factor=company.customer_anomaly_factor,
                    )
                )

    @api.constrains("customer_data_steward_id")
    def _check_customer_data_steward(self):
        """The steward's activity opens the anomaly report: they must be able to read it."""
        for company in self:
            steward = company.customer_data_steward_id.sudo()
            if steward and not (
                steward._has_group("customer_classification.group_manager")
                and company in steward.company_ids
            ):
                raise ValidationError(
                    self.env._(
                        "The data steward of %(company)s must be a Customer Classification "
                        "Manager with access to that company, to read the anomaly report: "
                        "%(user)s is not.",
                        company=company.name,
                        user=steward.name,
                    )
                )

    def _customer_analytics_problem(self):
        """What is wrong with the analytics settings, in words (None: nothing)."""
        self.ensure_one()
        checks = (
            self._customer_rfm_problem,
            self._customer_abc_problem,
            self._customer_lifecycle_problem,
        )
        return next((problem for problem in (check() for check in checks) if problem), None)

    def _customer_rfm_problem(self):
        if not 1 <= self.customer_analytics_window_months <= 120:
            return self.env._("The analytics window is 1 to 120 months.")
        for label, text in (
            (self.env._("recency"), self.customer_rfm_recency_thresholds),
            (self.env._("frequency"), self.customer_rfm_frequency_thresholds),
            (self.env._("monetary value"), self.customer_rfm_monetary_thresholds),
        ):
            try:
                analytics.parse_cuts(text or "")
            except ValueError:
                return self.env._(
                    "The %(measure)s cut points must be four numbers, not negative and in "
                    "increasing order, separated by commas (e.g. 30,90,180,365): %(text)s",
                    measure=label,
                    text=text or "",
                )
        return None

    def _customer_abc_problem(self):
        shares = (self.customer_abc_a_share, self.customer_abc_b_share, self.customer_abc_c_share)
        if min(shares) <= 0 or abs(sum(shares) - 100.0) > 0.001:
            return self.env._(
                "The ABC shares are each above 0 and add up to 100 %%: "
                "%(a)s + %(b)s + %(c)s = %(total)s.",
                a=shares[0],
                b=shares[1],
                c=shares[2],
                total=round(sum(shares), 3),
            )
        if self.customer_cost_hourly_rate < 0:
            return self.env._("The cost per hour of effort cannot be negative.")
        return None

    def _customer_lifecycle_problem(self):
        new, churn = self.customer_lifecycle_new_days, self.customer_lifecycle_churn_days
        if not 0 < new < churn:
            return self.env._(
                "The lifecycle periods are in the wrong order: the new-customer period "
                "(%(new)s days) must be above 0 and shorter than the churn period "
                "(%(churn)s days).",
                new=new,
                churn=churn,
            )
        if self.customer_lifecycle_at_risk_factor <= 1:
            return self.env._(
                "A customer is at risk after more than its usual interval: the factor must be "
                "above 1 (%(factor)s).",
                factor=self.customer_lifecycle_at_risk_factor,
            )
        if self.customer_clv_horizon_years <= 0:
            return self.env._("The lifetime horizon must be above 0 years.")
        return None

    def _customer_analytics_settings(self, segment_map):
        """The engine's :class:`analytics.Settings` of this company."""
        self.ensure_one()
        return analytics.Settings(
            method=self.customer_rfm_method,
            recency_cuts=analytics.parse_cuts(self.customer_rfm_recency_thresholds),
            frequency_cuts=analytics.parse_cuts(self.customer_rfm_frequency_thresholds),
            monetary_cuts=analytics.parse_cuts(self.customer_rfm_monetary_thresholds),
            a_share=self.customer_abc_a_share,
            b_share=self.customer_abc_b_share,
            c_share=self.customer_abc_c_share,
            new_days=self.customer_lifecycle_new_days,
            at_risk_factor=self.customer_lifecycle_at_risk_factor,
            churn_days=self.customer_lifecycle_churn_days,
            horizon_years=self.customer_clv_horizon_years,
            segment_map=tuple(segment_map),
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
