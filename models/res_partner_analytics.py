"""The partner's analytics in the current company: RFM segment, ABC class, lifecycle stage
and lifetime value, refreshed for every customer at once."""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL

from .customer_analytics import ABC_SELECTION, SEGMENT_SELECTION, STAGE_SELECTION

_logger = logging.getLogger(__name__)

#: the analytics a partner reads for the current company, from ``customer.analytics``:
#: searchable, groupable and sortable, not stored on the partner (rewriting 100,000 partner
#: rows at each refresh would cost more than the whole analysis)
ANALYTICS_FIELDS = {
    "rfm_segment": "rfm_segment",
    "abc_class": "abc_class",
    "lifecycle_stage": "lifecycle_stage",
    "customer_lifetime_value": "lifetime_value",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    rfm_segment = fields.Selection(
        SEGMENT_SELECTION,
        string="RFM Segment",
        compute="_compute_customer_analytics",
        search="_search_rfm_segment",
        help="Recency, frequency and monetary value scored 1-5 against the other customers, "
        "mapped to a segment by the RFM map.",
    )
    abc_class = fields.Selection(
        ABC_SELECTION,
        string="ABC Class",
        compute="_compute_customer_analytics",
        search="_search_abc_class",
        help="Pareto class by revenue in the analytics window: A brings the first 80 %, B "
        "the next 15 %, C the rest (shares set in the Settings).",
    )
    lifecycle_stage = fields.Selection(
        STAGE_SELECTION,
        compute="_compute_customer_analytics",
        search="_search_lifecycle_stage",
        help="Prospect (no order), New, Active, At Risk (no order for k × the usual "
        "interval), Churned (no order for the churn period), Reactivated.",
    )
    customer_analytics_id = fields.Many2one(
        "customer.analytics",
        string="Analytics",
        compute="_compute_customer_analytics",
        help="RFM, ABC, lifecycle and lifetime value in the current company.",
    )
    customer_lifetime_value = fields.Monetary(
        string="Lifetime Value",
        compute="_compute_customer_analytics",
        search="_search_customer_lifetime_value",
        currency_field="customer_analytics_currency_id",
        help="Historical value (net revenue to date) + predicted value (average order value "
        "× orders per year × expected remaining years).",
    )
    customer_analytics_currency_id = fields.Many2one(
        "res.currency", compute="_compute_customer_analytics"
    )
    customer_analytics_html = fields.Html(
        string="Analytics Explained",
        compute="_compute_customer_analytics_html",
        sanitize=False,
        help="RFM values and scores, ABC rank, lifecycle and how the lifetime value is made.",
    )

    @api.depends_context("company", "uid")
    def _compute_customer_analytics(self):
        company = self.env.company
        # what a partner says of itself: read whatever the user's rights on the rows
        rows = (
            self.env["customer.analytics"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", company.id),
                ]
            )
        )
        by_partner = {row.partner_id.id: row for row in rows}
        # amounts are for users who may read invoices
        sees_amounts = self.env["customer.indicator"]._user_sees_amounts()
        empty = self.env["customer.analytics"]
        for partner in self:
            row = by_partner.get(partner.commercial_partner_id.id, empty)
            partner.customer_analytics_id = row
            partner.rfm_segment = row.rfm_segment
            partner.abc_class = row.abc_class
            partner.lifecycle_stage = row.lifecycle_stage
            partner.customer_lifetime_value = row.lifetime_value if sees_amounts else 0.0
            partner.customer_analytics_currency_id = company.currency_id

    def _customer_analytics_column(self, alias, fname):
        """SQL of the current company's value of the analytics field ``fname`` of the
        partners ``alias`` (their commercial partner's row)."""
        return SQL(
            "(SELECT a.%s FROM customer_analytics a WHERE a.partner_id = %s AND a.company_id = %s)",
            SQL.identifier(ANALYTICS_FIELDS[fname]),
            SQL.identifier(alias, "commercial_partner_id"),
            self.env.company.id,
        )

    def _search_rfm_segment(self, operator, value):
        return self._customer_analytics_domain("rfm_segment", operator, value)

    def _search_abc_class(self, operator, value):
        return self._customer_analytics_domain("abc_class", operator, value)

    def _search_lifecycle_stage(self, operator, value):
        return self._customer_analytics_domain("lifecycle_stage", operator, value)

    def _search_customer_lifetime_value(self, operator, value):
        if not self.env["customer.indicator"]._user_sees_amounts():
            return expression.FALSE_DOMAIN
        return self._customer_analytics_domain("customer_lifetime_value", operator, value)

    def _customer_analytics_domain(self, fname, operator, value):
        """A partner domain on the current company's analytics field ``fname``: a partner
        without analytics has no value (False)."""
        if operator not in ("=", "!=", "in", "not in", "<", "<=", ">", ">="):
            raise UserError(
                self.env._("This comparison is not supported here: %(op)s", op=operator)
            )
        column = ANALYTICS_FIELDS[fname]
        Rows = self.env["customer.analytics"].sudo()
        company = [("company_id", "=", self.env.company.id)]
        if operator in ("<", "<=", ">", ">="):
            rows = Rows._search([*company, (column, operator, value)])
            return [("commercial_partner_id", "in", rows.subselect("partner_id"))]
        values = list(value) if isinstance(value, list | tuple | set) else [value]
        wanted = [v for v in values if v not in (False, None)]
        hit = Rows._search([*company, (column, "in", wanted)]).subselect("partner_id")
        negative = operator in ("!=", "not in")
        if len(wanted) == len(values):
            return [("commercial_partner_id", "not in" if negative else "in", hit)]
        # False among the values: the partners without a value
        valued = Rows._search([*company, (column, "!=", False)]).subselect("partner_id")
        if negative:
            return [
                ("commercial_partner_id", "in", valued),
                ("commercial_partner_id", "not in", hit),
            ]
        return [
            "|",
            ("commercial_partner_id", "in", hit),
            ("commercial_partner_id", "not in", valued),
        ]

    def _read_group_groupby(self, groupby_spec, query):
        """Group customers by their segment, ABC class or stage in the current company."""
        fname = groupby_spec.split(":")[0]
        if fname in ANALYTICS_FIELDS and fname != "customer_lifetime_value":
            return self._customer_analytics_column(self._table, fname)
        return super()._read_group_groupby(groupby_spec, query)

    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        """Sort customers by their analytics in the current company."""
        if field_name in ANALYTICS_FIELDS:
            column = self._customer_analytics_column(alias, field_name)
            return SQL("%s %s %s", column, direction, nulls)
        return super()._order_field_to_sql(alias, field_name, direction, nulls, query)

    @api.depends_context("company", "uid")
    def _compute_customer_analytics_html(self):
        sees_amounts = self.env["customer.indicator"]._user_sees_amounts()
        for partner in self:
            row = partner.customer_analytics_id
            partner.customer_analytics_html = (
                row._explanation_html(sees_amounts)
                if row
                else Markup("<p class='text-muted'>%s</p>")
                % self.env._(
                    "Not analysed yet: the analytics are refreshed every day (Managers can "
                    "refresh them from Customer Classification → Reporting)."
                )
            )

    # ------------------------------------------------------------------
    # Refresh
    # ------------------------------------------------------------------
    def _refresh_customer_analytics(self):
        """Compute RFM, ABC, lifecycle stage and lifetime value of these customers (the
        empty recordset: every customer in scope) in the current company, as of today.

        Scores and ABC classes rank a customer among all the company's customers, so
        every customer in scope is analysed; only these are written. Returns the number
        of customers written.
        """
        company = self.env.company
        Analytics = self.env["customer.analytics"].sudo()
        scope = self._classification_partners(company)
        all_ids = scope.ids if not self else self.browse()._classification_partners(company).ids
        if not all_ids:
            return 0
        self.env.flush_all()
        today = self.env["customer.classification"]._today()
        results = Analytics._analyse(company, all_ids, today)
        if self:
            keep = set(scope.ids)
            results = {pid: result for pid, result in results.items() if pid in keep}
        Analytics._write_rows(company, results, today)
        return len(results)

    @api.model
    def _cron_refresh_customer_analytics(self):
        """Refresh the analytics of one company per call, each company once a day; the
        scheduled action calls again while companies are left."""
        today = self.env["customer.classification"]._today()
        Company = self.env["res.company"].sudo()
        todo = Company.search(
            ["|", ("customer_analytics_date", "=", False), ("customer_analytics_date", "<", today)],
            order="id",
        )
        if not todo:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        company = todo[0]
        count = self.with_company(company).sudo().browse()._refresh_customer_analytics()
        company.customer_analytics_date = today
        _logger.info("Customer analytics of %s: %s customers", company.name, count)
        self.env["ir.cron"]._notify_progress(done=1, remaining=len(todo) - 1)

    def action_refresh_customer_analytics(self):
        """Button: refresh the analytics of the current company now (Managers)."""
        if not self.env.user.has_group("customer_classification.group_manager"):
            raise AccessError(self.env._("Only Customer Classification Managers can do this."))
        count = self.sudo().browse()._refresh_customer_analytics()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("Analytics refreshed for %(count)s customers.", count=count),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
