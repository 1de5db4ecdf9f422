from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools.misc import format_amount

from ..models.res_partner import BATCH_SIZE


class CustomerStandardPreview(models.TransientModel):
    """What activating a draft standard would do: who moves where, with what revenue.

    Every customer in scope is evaluated with the standard in force and with the draft,
    from the same indicator values; nothing else is written (no result, history, tag or
    partner column). The migration matrix is kept as cells (``line_ids``), each holding
    its customers with their scores before and after.
    """

    _name = "customer.standard.preview"
    _description = "Classification Standard Preview"

    standard_id = fields.Many2one("customer.standard", string="Draft", required=True, readonly=True)
    active_standard_id = fields.Many2one(
        "customer.standard", string="In Force", readonly=True, help="The standard compared with."
    )
    company_id = fields.Many2one(related="standard_id.company_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.One2many("customer.standard.preview.line", "preview_id", string="Moves")
    partner_count = fields.Integer(string="Customers", readonly=True)
    moved_count = fields.Integer(string="Change Class", readonly=True)
    summary_html = fields.Html(compute="_compute_summary_html", string="By Class", sanitize=False)

    @api.depends("standard_id")
    def _compute_display_name(self):
        for preview in self:
            preview.display_name = self.env._(
                "Preview of %(standard)s", standard=preview.standard_id.display_name
            )

    @api.model
    def _compute_for(self, standard):
        """Evaluate every customer in scope with ``standard`` and the one in force."""
        company = standard.company_id
        Classification = self.env["customer.classification"].sudo()
        active = self.env["customer.standard"]._active_for(company)
        before = Classification._standard(company)
        after = standard._to_engine()
        today = self.env["customer.classification"].sudo()._today()
        partners = self.env["res.partner"]._classification_partners(company)
        # per cell (class before, class after): its customers, their scores and revenue
        cells = {}
        for start in range(0, len(partners), BATCH_SIZE):
            ids = partners[start : start + BATCH_SIZE].ids
            values, revenue = Classification._indicator_data(company, ids, today)
            for pid in ids:
                old = before.evaluate(values[pid]) if before else None
                new = after.evaluate(values[pid])
                key = (old.class_id if old else None, new.class_id)
                cell = cells.get(key)
                if cell is None:
                    cell = cells[key] = {"partner": [], "before": [], "after": [], "revenue": []}
                cell["partner"].append(pid)
                cell["before"].append(old.score if old else None)
                cell["after"].append(new.score)
                cell["revenue"].append(revenue.get(pid, 0.0))
        preview = self.create(
            {
                "standard_id": standard.id,
                "active_standard_id": active.id,
                "partner_count": len(partners),
                "moved_count": sum(
                    len(cell["partner"]) for (old, new), cell in cells.items() if old != new
                ),
                "line_ids": [
                    fields.Command.create(
                        {
                            "from_class_id": old_class,
                            "to_class_id": new_class,
                            "partner_count": len(cell["partner"]),
                            "revenue": round(sum(cell["revenue"]), 2),
                            # listed as records only when someone opens the cell
                            "partner_data": cell,
                        }
                    )
                    for (old_class, new_class), cell in cells.items()
                ],
            }
        )
        return preview

    @api.depends("line_ids")
    def _compute_summary_html(self):
        """Customers and revenue per class, before -> after."""
        for preview in self:
            summary = preview._class_summary()
            classes = (
                self.env["customer.class"]
                .with_context(active_test=False)
                .browse([cid for cid in summary if cid])
                .sorted()
            )
            order = [*classes.ids, *([None] if None in summary else [])]
            names = {klass.id: klass.name for klass in classes}

            def amount(value, currency=preview.currency_id):
                return format_amount(self.env, value, currency)

            body = Markup("").join(
                Markup(
                    "<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td>"
                    "<td class='text-end'>%s</td><td class='text-end'>%s</td>"
                    "<td class='text-end'>%s</td></tr>"
                )
                % (
                    names.get(cid) or self.env._("No class"),
                    summary[cid][0],
                    summary[cid][1],
                    f"{summary[cid][1] - summary[cid][0]:+d}",
                    amount(summary[cid][2]),
                    amount(summary[cid][3]),
                )
                for cid in order
            )
            preview.summary_html = Markup(
                "<table class='table table-sm o_customer_standard_preview_summary'><thead><tr>"
                "<th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
                "<th class='text-end'>%s</th><th class='text-end'>%s</th>"
                "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
            ) % (
                self.env._("Class"),
                self.env._("Customers Now"),
                self.env._("Customers After"),
                self.env._("Difference"),
                self.env._("Revenue Now"),
                self.env._("Revenue After"),
                body,
            )

    def _class_summary(self):
        """``{class id: [customers before, customers after, revenue before, revenue after]}``."""
        self.ensure_one()
        summary = {}
        for line in self.line_ids:
            old = summary.setdefault(line.from_class_id.id or None, [0, 0, 0.0, 0.0])
            old[0] += line.partner_count
            old[2] += line.revenue
            new = summary.setdefault(line.to_class_id.id or None, [0, 0, 0.0, 0.0])
            new[1] += line.partner_count
            new[3] += line.revenue
        return summary

    def _open_form(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_activate(self):
        """Activate the previewed draft, from the preview."""
        self.ensure_one()
        self.standard_id.action_activate()
        return self.standard_id._open_form()
