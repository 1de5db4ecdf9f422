"""Customer allocation: rules -> proposals -> owners written, every step logged.

:meth:`CustomerAllocationRun._plan` reads the customers, the rules' sales teams and the
salespeople's loads of one company in a few queries and hands them to the pure
:func:`~..engine.allocator.allocate`. The allocation wizard shows its proposals; a run
(``customer.allocation.run``) keeps the ones that change an owner, applied at once by
the wizard or proposed by the monthly review until a manager applies them.
"""

from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..engine import allocator
from . import bulk_sql

REASONS = [
    ("kept", "Current owner fits"),
    ("least_loaded", "Least loaded member"),
    ("round_robin", "Next member in turn"),
    ("no_rule", "No allocation rule matches"),
    ("no_candidate", "No member of the team has an allowed level"),
    ("full", "Every candidate is at capacity"),
]
MANAGER_GROUP = "customer_classification.group_manager"


class CustomerAllocationRun(models.Model):
    """One allocation: who moved from whom to whom, by which rule, applied by whom."""

    _name = "customer.allocation.run"
    _description = "Customer Allocation"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    origin = fields.Selection(
        [("wizard", "Allocation wizard"), ("review", "Monthly review")],
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [("proposed", "Proposed"), ("applied", "Applied"), ("cancelled", "Cancelled")],
        required=True,
        readonly=True,
        default="proposed",
        tracking=True,
    )
    rule_ids = fields.Many2many("customer.allocation.rule", string="Rules", readonly=True)
    line_ids = fields.One2many("customer.allocation.run.line", "run_id", readonly=True)
    line_count = fields.Integer(string="Customers Moved", readonly=True)
    fairness = fields.Text(readonly=True, help="Loads and fairness figures when proposed.")
    applied_uid = fields.Many2one("res.users", string="Applied by", readonly=True)
    applied_date = fields.Datetime(string="Applied on", readonly=True)

    @api.depends("create_date", "origin")
    def _compute_display_name(self):
        origins = dict(self._fields["origin"]._description_selection(self.env))
        for run in self:
            run.display_name = self.env._(
                "%(origin)s of %(date)s",
                origin=origins.get(run.origin, ""),
                date=fields.Date.to_string(run.create_date.date()) if run.create_date else "",
            )

    # ------------------------------------------------------------------
    # Planning
    # ------------------------------------------------------------------
    @api.model
    def _plan(self, company, partner_ids, rules):
        """The :class:`~..engine.allocator.Allocation` of ``partner_ids`` in ``company``
        by ``rules`` (in order), with the loads of every member of their teams."""
        rules = rules.filtered(lambda r: r.company_id == company).sorted(
            lambda r: (r.sequence, r.id)
        )
        Partner = self.env["res.partner"]
        Partner.flush_model(["user_id", "team_id", "customer_class_id"])
        self.env["customer.class"].flush_model(["allocation_weight"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.id, p.user_id, p.team_id, COALESCE(c.allocation_weight, 0)
                  FROM unnest(%s::int[]) AS s(id)
                  JOIN res_partner p ON p.id = s.id
                  LEFT JOIN customer_class c ON c.id = (p.customer_class_id ->> %s)::int
                """,
                bulk_sql.array(partner_ids),
                str(company.id),
            )
        )
        matching = rules._matching([row[0] for row in rows])
        customers = [
            allocator.Customer(
                id=pid, user_id=uid, team_id=tid, weight=weight, rule_id=matching.get(pid)
            )
            for pid, uid, tid, weight in rows
        ]
        members = [
            allocator.Member(
                user_id=m.user_id.id,
                team_id=m.crm_team_id.id,
                level=m.customer_owner_level or None,
                capacity=m.customer_capacity,
            )
            for m in self.env["crm.team.member"]
            .sudo()
            .search([("crm_team_id", "in", rules.team_id.ids), ("user_id.active", "=", True)])
        ]
        loads = self.env["crm.team.member"]._customer_loads(company, [m.user_id for m in members])
        return allocator.allocate(customers, rules._to_engine(), members, loads)

    @api.model
    def _fairness_text(self, allocation):
        """Fairness figures before and after, for the log."""
        lines = []
        for label, after in ((self.env._("Before"), False), (self.env._("After"), True)):
            fair = allocation.fairness(after=after)
            ratio = "-" if fair.ratio is None else f"{fair.ratio:.2f}"
            lines.append(
                self.env._(
                    "%(label)s: max/min load %(ratio)s, standard deviation %(stdev).1f",
                    label=label,
                    ratio=ratio,
                    stdev=fair.stdev,
                )
            )
        return "\n".join(lines)

    @api.model
    def _create_from(self, company, origin, rules, proposals, fairness):
        """A proposed run holding the ``proposals`` that change an owner."""
        changed = [p for p in proposals if p.changed]
        run = self.sudo().create(
            {
                "company_id": company.id,
                "origin": origin,
                "rule_ids": [fields.Command.set(rules.ids)],
                "line_count": len(changed),
                "fairness": fairness,
            }
        )
        self.env["customer.allocation.run.line"]._insert(run, changed)
        return run

    # ------------------------------------------------------------------
    # Applying
    # ------------------------------------------------------------------
    def action_apply(self):
        """Write the proposed owners (managers only)."""
        self._check_manager()
        if any(run.state != "proposed" for run in self):
            raise UserError(self.env._("Only a proposed allocation can be applied."))
        self.sudo()._apply()

    def action_cancel(self):
        self._check_manager()
        if any(run.state != "proposed" for run in self):
            raise UserError(self.env._("Only a proposed allocation can be cancelled."))
        self.sudo().write({"state": "cancelled"})

    def _check_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only sales managers may allocate customers."))
        self.check_access("read")

    def _apply(self):
        """Write ``user_id`` and ``team_id`` in bulk, one note per customer."""
        Partner = self.env["res.partner"].sudo().with_context(tracking_disable=True)
        for run in self:
            groups = defaultdict(list)
            notes = {}
            for line in run.line_ids:
                groups[(line.new_user_id.id, line.new_team_id.id)].append(line.partner_id.id)
                notes[line.partner_id.id] = Markup("<p>%s</p>") % self.env._(
                    "Allocation: salesperson %(old_user)s → %(new_user)s, sales team "
                    "%(old_team)s → %(new_team)s (rule %(rule)s, %(run)s, by %(user)s).",
                    old_user=line.old_user_id.name or "-",
                    new_user=line.new_user_id.name or "-",
                    old_team=line.old_team_id.name or "-",
                    new_team=line.new_team_id.name or "-",
                    rule=line.rule_id.name or "-",
                    run=run.display_name,
                    user=self.env.user.name,
                )
            for (user_id, team_id), partner_ids in groups.items():
                Partner.browse(partner_ids).write({"user_id": user_id, "team_id": team_id})
            Partner._customer_log_notes(notes)
            run.write(
                {
                    "state": "applied",
                    "applied_uid": self.env.uid,
                    "applied_date": fields.Datetime.now(),
                }
            )

    # ------------------------------------------------------------------
    # Monthly review
    # ------------------------------------------------------------------
    @api.model
    def _review_partner_ids(self, company):
        """Customers in scope without a salesperson, or whose salesperson does not fit."""
        Partner = self.env["res.partner"]
        unassigned = Partner._classification_partners(company, [("user_id", "=", False)])
        return sorted(set(unassigned.ids) | set(Partner._classification_unfit_ids(company)))

    @api.model
    def _cron_review_allocation(self):
        """Scheduled action (off by default): propose re-allocations, apply them only
        when the company's setting says so."""
        Rule = self.env["customer.allocation.rule"].sudo()
        for company in Rule.search([]).company_id:
            rules = Rule.search([("company_id", "=", company.id)])
            allocation = self._plan(company, self._review_partner_ids(company), rules)
            if not any(p.changed for p in allocation.proposals):
                continue
            run = self._create_from(
                company, "review", rules, allocation.proposals, self._fairness_text(allocation)
            )
            if company.customer_allocation_auto_apply:
                run._apply()
            elif company.customer_followup_user_id:
                run.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Review the proposed re-allocation"),
                    user_id=company.customer_followup_user_id.id,
                )


def insert_proposals(model, column, parent, proposals):
    """Insert one row of ``model`` per allocator proposal, linked to ``parent`` by
    ``column``, in one statement (an allocation may move 100,000 customers). A ``changed``
    field, if the model has one, is set by the same statement."""
    if not proposals:
        return
    model.flush_model()
    cols = list(
        zip(
            *(
                (
                    p.customer_id,
                    p.old_user_id,
                    p.new_user_id,
                    p.old_team_id,
                    p.new_team_id,
                    p.rule_id,
                    p.reason,
                )
                for p in proposals
            ),
            strict=True,
        )
    )
    changed = "changed" in model._fields
    model.env.execute_query(
        SQL(
            """
            INSERT INTO %(table)s (
                %(parent)s, partner_id, old_user_id, new_user_id, old_team_id,
                new_team_id, rule_id, reason, %(changed_column)s create_uid, write_uid,
                create_date, write_date)
            SELECT %(parent_id)s, v.*, %(changed_value)s %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM unnest(%(p)s::int[], %(ou)s::int[], %(nu)s::int[], %(ot)s::int[],
                          %(nt)s::int[], %(r)s::int[], string_to_array(%(why)s, ','))
                AS v(partner_id, old_user_id, new_user_id, old_team_id, new_team_id,
                     rule_id, reason)
            """,
            table=SQL.identifier(model._table),
            parent=SQL.identifier(column),
            changed_column=SQL("changed,") if changed else SQL(),
            changed_value=SQL(
                "(v.old_user_id IS DISTINCT FROM v.new_user_id"
                " OR v.old_team_id IS DISTINCT FROM v.new_team_id),"
            )
            if changed
            else SQL(),
            parent_id=parent.id,
            uid=model.env.uid,
            now=fields.Datetime.now(),
            p=bulk_sql.array(cols[0]),
            ou=bulk_sql.array(cols[1]),
            nu=bulk_sql.array(cols[2]),
            ot=bulk_sql.array(cols[3]),
            nt=bulk_sql.array(cols[4]),
            r=bulk_sql.array(cols[5]),
            why=",".join(cols[6]),
        )
    )
    model.invalidate_model()
