"""The Customer Classification Review: a period of the monthly snapshots, printed as a PDF."""

from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

#: how many customers each list of movers shows
MOVERS_LIMIT = 10
#: the lifecycle stages a strategic customer should not reach
RISK_STAGES = ("at_risk", "churned")
STRATEGIC_CODE = "strategic"
MANAGER_GROUP = "customer_classification.group_manager"


def _last_complete_quarter(today):
    """First days of the first and last months of the last quarter that has ended."""
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    start = quarter_start - relativedelta(months=3)
    return start, start + relativedelta(months=2)


def _share(part, whole):
    return 100.0 * part / whole if whole else 0.0


class CustomerClassificationReviewWizard(models.TransientModel):
    """Chooses the period and company of the Customer Classification Review and prints it."""

    _name = "customer.classification.review.wizard"
    _description = "Customer Classification Review"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    month_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: self._default_months()[0],
        help="First month of the period (its first day); its snapshot is the start of the "
        "migration matrix.",
    )
    month_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: self._default_months()[1],
        help="Last month of the period (its first day); its snapshot gives the classes at "
        "the end of the period.",
    )

    @api.model
    def _default_months(self):
        """The last complete quarter in the engine's calendar."""
        return _last_complete_quarter(self.env["customer.classification"]._today())

    @api.onchange("month_from", "month_to")
    def _onchange_months(self):
        for wizard in self:
            if wizard.month_from:
                wizard.month_from = wizard.month_from.replace(day=1)
            if wizard.month_to:
                wizard.month_to = wizard.month_to.replace(day=1)

    @api.constrains("month_from", "month_to")
    def _check_months(self):
        for wizard in self:
            if wizard.month_from.replace(day=1) > wizard.month_to.replace(day=1):
                raise ValidationError(
                    self.env._("The first month of the review must not be after the last one.")
                )

    def _period(self):
        """``(first month, last month)``, as first days of months."""
        self.ensure_one()
        return self.month_from.replace(day=1), self.month_to.replace(day=1)

    def _check_access_review(self):
        """Managers only, and only for a company they work in: the data is read as superuser."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only Customer Classification Managers can print the review.")
            )
        if self.company_id - self.env.user.company_ids:
            raise AccessError(self.env._("You cannot print the review of this company."))

    def _check_snapshots(self):
        """A clear message when the first or last month has no snapshot."""
        start, end = self._period()
        Snapshot = self.env["customer.classification.snapshot"].sudo()
        missing = [
            month
            for month in dict.fromkeys((start, end))
            if not Snapshot.search_count(
                [("company_id", "=", self.company_id.id), ("month", "=", month)], limit=1
            )
        ]
        if missing:
            raise UserError(
                self.env._(
                    "There is no classification snapshot of %(months)s for %(company)s. "
                    "Snapshots are written at each month's end (and for the last 36 months "
                    "on install): choose months that have one.",
                    months=", ".join(month.strftime("%Y-%m") for month in missing),
                    company=self.company_id.name,
                )
            )

    def action_print(self):
        """Print the review of the period as a PDF."""
        self.ensure_one()
        self._check_access_review()
        self._check_snapshots()
        return self.env.ref(
            "customer_classification.action_report_customer_classification_review"
        ).report_action(self)

    # ------------------------------------------------------------------
    # What the report shows
    # ------------------------------------------------------------------
    def _review_data(self):
        """The figures of the review, computed from the company's monthly snapshots: the
        classes at the period's end, the migration matrix from the first month to the last,
        the biggest movers up and down, and the strategic customers at risk."""
        self.ensure_one()
        self._check_access_review()
        self._check_snapshots()
        start, end = self._period()
        company = self.company_id
        Snapshot = self.env["customer.classification.snapshot"].sudo()
        company_domain = [("company_id", "=", company.id)]
        columns = ["partner_id", "class_id", "lifecycle_stage"]
        first, last = (
            {
                row.partner_id: row
                for row in Snapshot.search_fetch([*company_domain, ("month", "=", month)], columns)
            }
            for month in (start, end)
        )
        revenue = dict(
            Snapshot._read_group(
                [*company_domain, ("month", ">=", start), ("month", "<=", end)],
                ["partner_id"],
                ["revenue_month:sum"],
            )
        )
        # a handful of classes, archived ones included: old snapshots may use them
        Class = self.env["customer.class"].sudo().with_context(active_test=False)
        classes = Class.search([])  # pylint: disable=no-search-all
        rank = {klass: index for index, klass in enumerate(classes)}
        return {
            "company": company,
            "currency": company.currency_id,
            "month_from": start,
            "month_to": end,
            "class_rows": self._class_rows(classes, last, revenue),
            "matrix": self._matrix(classes, first, last),
            "movers_up": self._movers(first, last, rank, revenue, up=True),
            "movers_down": self._movers(first, last, rank, revenue, up=False),
            "strategic_at_risk": self._strategic_at_risk(first, last, revenue),
        }

    def _class_rows(self, classes, last, revenue):
        """One row per class at the period's end (and one for the customers without a
        class): customers, their share, their revenue over the period and its share."""
        customers, amounts = {}, {}
        for partner, row in last.items():
            customers[row.class_id] = customers.get(row.class_id, 0) + 1
            amounts[row.class_id] = amounts.get(row.class_id, 0.0) + revenue.get(partner, 0.0)
        total_customers = len(last)
        total_revenue = sum(amounts.values())
        keys = [klass for klass in classes if klass in customers]
        if classes.browse() in customers:
            keys.append(classes.browse())
        rows = [
            {
                "name": klass.name or self.env._("No class"),
                "customers": customers[klass],
                "share": _share(customers[klass], total_customers),
                "revenue": amounts[klass],
                "revenue_share": _share(amounts[klass], total_revenue),
            }
            for klass in keys
        ]
        total = {
            "name": self.env._("Total"),
            "customers": total_customers,
            "share": 100.0 if total_customers else 0.0,
            "revenue": total_revenue,
            "revenue_share": 100.0 if total_revenue else 0.0,
        }
        return {"rows": rows, "total": total}

    def _matrix(self, classes, first, last):
        """Customers counted by class in the first month (rows) and the last (columns); a
        customer without a class, or not yet in the snapshot, counts as "No class"."""
        none = classes.browse()
        counts = {}
        for partner in first.keys() | last.keys():
            key = (
                first[partner].class_id if partner in first else none,
                last[partner].class_id if partner in last else none,
            )
            counts[key] = counts.get(key, 0) + 1
        used = {klass for pair in counts for klass in pair}
        keys = [klass for klass in classes if klass in used] + ([none] if none in used else [])
        names = [klass.name or self.env._("No class") for klass in keys]
        rows = []
        for source, name in zip(keys, names, strict=True):
            cells = [counts.get((source, target), 0) for target in keys]
            rows.append({"name": name, "cells": cells, "total": sum(cells)})
        column_totals = [sum(row["cells"][i] for row in rows) for i in range(len(keys))]
        return {
            "columns": names,
            "rows": rows,
            "totals": column_totals,
            "total": sum(column_totals),
            "stayed": sum(counts.get((klass, klass), 0) for klass in keys if klass),
        }

    def _movers(self, first, last, rank, revenue, up):
        """The customers whose class rose (``up``) or fell the most between the first and
        the last month, by the number of classes moved, then by revenue over the period."""
        moves = []
        for partner, row in last.items():
            before = first.get(partner)
            if not before or not before.class_id or not row.class_id:
                continue
            steps = rank[before.class_id] - rank[row.class_id]
            if (steps > 0) if up else (steps < 0):
                moves.append((abs(steps), revenue.get(partner, 0.0), partner, before, row))
        moves.sort(key=lambda move: (-move[0], -move[1], move[2].display_name or ""))
        return [
            {
                "partner": partner,
                "code": partner.customer_code or "",
                "from": before.class_id.name,
                "to": row.class_id.name,
                "steps": steps,
                "revenue": amount,
            }
            for steps, amount, partner, before, row in moves[:MOVERS_LIMIT]
        ]

    def _strategic_at_risk(self, first, last, revenue):
        """Customers of the strategic class in the first month that are at risk or churned
        in the last, by revenue over the period."""
        stages = dict(
            self.env["customer.classification.snapshot"]
            ._fields["lifecycle_stage"]
            ._description_selection(self.env)
        )
        rows = []
        for partner, before in first.items():
            after = last.get(partner)
            if before.class_id.code != STRATEGIC_CODE or not after:
                continue
            if after.lifecycle_stage in RISK_STAGES:
                rows.append(
                    {
                        "partner": partner,
                        "code": partner.customer_code or "",
                        "to": after.class_id.name or self.env._("No class"),
                        "stage": stages[after.lifecycle_stage],
                        "revenue": revenue.get(partner, 0.0),
                    }
                )
        rows.sort(key=lambda row: (-row["revenue"], row["partner"].display_name or ""))
        return rows
