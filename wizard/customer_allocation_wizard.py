from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.customer_allocation_run import MANAGER_GROUP, insert_proposals

TARGETS = [
    ("review", "Unassigned customers and owners that do not fit"),
    ("unassigned", "Unassigned customers"),
    ("unfit", "Customers whose owner does not fit their class"),
    ("selected", "The selected customers"),
    ("all", "Every customer in scope"),
]


class CustomerAllocationWizard(models.TransientModel):
    """Preview an allocation by the rules, then apply it: nothing is written before."""

    _name = "customer.allocation.wizard"
    _description = "Allocate Customers"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    target = fields.Selection(
        TARGETS,
        string="Customers",
        required=True,
        default=lambda self: "selected" if self._context_partner_ids() else "review",
    )
    partner_ids = fields.Many2many(
        "res.partner", string="Selected Customers", default=lambda self: self._context_partner_ids()
    )
    rule_ids = fields.Many2many(
        "customer.allocation.rule",
        string="Rules",
        check_company=True,
        default=lambda self: self.env["customer.allocation.rule"].search(
            [("company_id", "=", self.env.company.id)]
        ),
        domain="[('company_id', '=', company_id)]",
    )
    state = fields.Selection([("draft", "Draft"), ("preview", "Preview")], default="draft")
    line_ids = fields.One2many("customer.allocation.wizard.line", "wizard_id", readonly=True)
    changed_line_ids = fields.One2many(
        "customer.allocation.wizard.line",
        "wizard_id",
        domain=[("changed", "=", True)],
        readonly=True,
    )
    unassigned_line_ids = fields.One2many(
        "customer.allocation.wizard.line",
        "wizard_id",
        domain=[("reason", "in", ("no_rule", "no_candidate", "full"))],
        readonly=True,
    )
    load_ids = fields.One2many("customer.allocation.wizard.load", "wizard_id", readonly=True)
    customer_count = fields.Integer(readonly=True)
    moved_count = fields.Integer(string="Moving", readonly=True)
    unassigned_count = fields.Integer(string="Left as They Are", readonly=True)
    ratio_before = fields.Float(
        string="Max/Min Load Before",
        readonly=True,
        digits=(16, 2),
        help="Largest load divided by the smallest; 0 when a salesperson has no load (the "
        "ratio is then undefined).",
    )
    ratio_after = fields.Float(
        string="Max/Min Load After",
        readonly=True,
        digits=(16, 2),
        help="Largest load divided by the smallest; 0 when a salesperson has no load (the "
        "ratio is then undefined).",
    )
    stdev_before = fields.Float(string="Load Std. Dev. Before", readonly=True, digits=(16, 2))
    stdev_after = fields.Float(string="Load Std. Dev. After", readonly=True, digits=(16, 2))

    @api.model
    def _context_partner_ids(self):
        if self.env.context.get("active_model") == "res.partner":
            return self.env.context.get("active_ids") or []
        return []

    def _check_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only sales managers may allocate customers."))

    def _target_partner_ids(self):
        self.ensure_one()
        Run = self.env["customer.allocation.run"].sudo()
        Partner = self.env["res.partner"].sudo()
        if self.target == "selected":
            in_scope = set(Partner._classification_partners(self.company_id).ids)
            return sorted({p.id for p in self.partner_ids.commercial_partner_id} & in_scope)
        if self.target == "all":
            return Partner._classification_partners(self.company_id).ids
        if self.target == "unfit":
            return sorted(Partner._classification_unfit_ids(self.company_id))
        if self.target == "unassigned":
            return Partner._classification_partners(self.company_id, [("user_id", "=", False)]).ids
        return Run._review_partner_ids(self.company_id)

    def action_preview(self):
        """Plan the allocation and show it: who moves, loads, fairness. Writes nothing
        but this wizard's own lines."""
        self.ensure_one()
        self._check_manager()
        if not self.rule_ids:
            raise UserError(self.env._("Choose at least one allocation rule."))
        partner_ids = self._target_partner_ids()
        if not partner_ids:
            raise UserError(self.env._("There is no customer to allocate."))
        Run = self.env["customer.allocation.run"].sudo()
        allocation = Run._plan(self.company_id, partner_ids, self.rule_ids.sudo())
        self.line_ids.unlink()
        self.load_ids.unlink()
        insert_proposals(
            self.env["customer.allocation.wizard.line"], "wizard_id", self, allocation.proposals
        )
        self._write_loads(allocation)
        before, after = allocation.fairness(after=False), allocation.fairness()
        self.write(
            {
                "state": "preview",
                "customer_count": len(allocation.proposals),
                "moved_count": sum(p.changed for p in allocation.proposals),
                "unassigned_count": sum(not p.assigned for p in allocation.proposals),
                "ratio_before": before.ratio or 0.0,
                "ratio_after": after.ratio or 0.0,
                "stdev_before": before.stdev,
                "stdev_after": after.stdev,
            }
        )
        return self._reopen()

    def _write_loads(self, allocation):
        levels = {}
        for member in (
            self.env["crm.team.member"]
            .sudo()
            .search([("crm_team_id", "in", self.rule_ids.team_id.ids)])
        ):
            levels.setdefault(member.user_id.id, member.customer_owner_level)
        self.env["customer.allocation.wizard.load"].create(
            [
                {
                    "wizard_id": self.id,
                    "user_id": user_id,
                    "level": levels.get(user_id) or False,
                    "capacity": allocation.capacities.get(user_id, 0.0),
                    "load_before": load,
                    "load_after": allocation.loads_after.get(user_id, 0.0),
                }
                for user_id, load in sorted(allocation.loads_before.items())
            ]
        )

    def action_back(self):
        self.ensure_one()
        self.state = "draft"
        return self._reopen()

    def action_apply(self):
        """Write what the preview showed, and log it."""
        self.ensure_one()
        self._check_manager()
        if self.state != "preview":
            raise UserError(self.env._("Preview the allocation before applying it."))
        moves = self.changed_line_ids
        if not moves:
            raise UserError(
                self.env._("Nothing to apply: no customer changes owner (see why in the preview).")
            )
        Run = self.env["customer.allocation.run"]
        run = Run._create_from(
            self.company_id,
            "wizard",
            self.rule_ids,
            moves._to_proposals(),
            self._fairness_summary(),
        )
        run._apply()
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer.allocation.run",
            "res_id": run.id,
            "view_mode": "form",
            "target": "current",
        }

    def _fairness_summary(self):
        return self.env._(
            "Before: max/min load %(rb).2f, standard deviation %(sb).1f\n"
            "After: max/min load %(ra).2f, standard deviation %(sa).1f",
            rb=self.ratio_before,
            sb=self.stdev_before,
            ra=self.ratio_after,
            sa=self.stdev_after,
        )

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Allocate Customers"),
        }
