from odoo import api, fields, models
from odoo.tools import SQL

from . import bulk_sql
from .customer_class import OWNER_LEVELS
from .customer_input_mixin import check_input

#: our fields, checked before they reach PostgreSQL
CHECKED_FIELDS = {"customer_owner_level", "customer_capacity"}

#: seniority of the owner levels, for "a level at least as senior as the class wants"
LEVEL_RANK = {"director": 4, "manager": 3, "specialist": 2, "assistant": 1}


def level_rank_sql(column):
    """SQL rank of an owner level column (0 when empty)."""
    return SQL(
        "CASE %s WHEN 'director' THEN 4 WHEN 'manager' THEN 3 WHEN 'specialist' THEN 2 "
        "WHEN 'assistant' THEN 1 ELSE 0 END",
        column,
    )


class CrmTeamMember(models.Model):
    """A salesperson in a sales team: the level and capacity allocation works with."""

    _inherit = "crm.team.member"
    _input_ranges = {"customer_capacity": (0, 1e9)}

    customer_owner_level = fields.Selection(
        OWNER_LEVELS,
        string="Owner Level",
        tracking=True,
        help="Which customers this salesperson may own: compared with the owner level of "
        "each customer class and the levels allowed by allocation rules.",
    )
    customer_capacity = fields.Float(
        string="Capacity",
        default=100.0,
        tracking=True,
        help="Maximum load: the sum, over the salesperson's customers, of the load weight "
        "of their class (e.g. strategic 5, potential 3). Allocation never goes beyond it.",
    )
    customer_load = fields.Float(
        string="Load",
        compute="_compute_customer_load",
        help="Sum of the load weights of the classes of this salesperson's customers, in "
        "the team's company.",
    )
    customer_load_rate = fields.Float(
        string="Load (%)", compute="_compute_customer_load", help="Load / capacity."
    )

    _sql_constraints = [
        (
            "customer_capacity_positive",
            "CHECK(customer_capacity >= 0)",
            "A capacity cannot be negative.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_input(self, vals, CHECKED_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_input(self, vals, CHECKED_FIELDS)
        return super().write(vals)

    @api.depends("user_id", "crm_team_id.company_id")
    def _compute_customer_load(self):
        loads = {}
        for company in self.crm_team_id.company_id | self.env.company:
            loads[company.id] = self._customer_loads(company, self.user_id.ids)
        for member in self:
            company = member.crm_team_id.company_id or self.env.company
            load = loads[company.id].get(member.user_id.id, 0.0)
            member.customer_load = load
            capacity = member.customer_capacity
            member.customer_load_rate = 100.0 * load / capacity if capacity else 0.0

    @api.model
    def _customer_loads(self, company, user_ids=None):
        """``{user_id: load}`` in ``company``: Σ over each user's customers of the load
        weight of their class there (unclassified partners weigh nothing)."""
        only = (
            SQL("AND p.user_id = ANY(%s::int[])", bulk_sql.array(user_ids)) if user_ids else SQL()
        )
        self.env["res.partner"].flush_model(["user_id", "customer_class_id", "active"])
        self.env["customer.class"].flush_model(["allocation_weight"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.user_id, SUM(c.allocation_weight)
                  FROM res_partner p
                  JOIN customer_class c ON c.id = (p.customer_class_id ->> %s)::int
                 WHERE p.active AND p.user_id IS NOT NULL %s
                 GROUP BY p.user_id
                """,
                str(company.id),
                only,
            )
        )
        return {user_id: float(load or 0.0) for user_id, load in rows}

    @api.model
    def _customer_memberships(self, company, user_ids):
        """``(user_id, team_id, level)`` of the active memberships of ``user_ids`` in the
        active teams of ``company``, each user's teams in their order."""
        if not user_ids:
            return []
        self.flush_model()
        self.env["crm.team"].flush_model(["active", "company_id", "sequence"])
        return self.env.execute_query(
            SQL(
                """
                SELECT m.user_id, m.crm_team_id, m.customer_owner_level
                  FROM crm_team_member m
                  JOIN crm_team t ON t.id = m.crm_team_id
                 WHERE m.active AND t.active AND m.user_id = ANY(%s::int[])
                   AND (t.company_id IS NULL OR t.company_id = %s)
                 ORDER BY m.user_id, t.sequence, t.id
                """,
                bulk_sql.array(user_ids),
                company.id,
            )
        )

    @api.model
    def _customer_user_teams(self, company, user_ids):
        """``{user_id: team_id}``: each user's first active team in ``company``."""
        teams = {}
        for user_id, team_id, _level in self._customer_memberships(company, user_ids):
            teams.setdefault(user_id, team_id)
        return teams

    @api.model
    def _customer_user_levels(self, company, user_ids):
        """``{user_id: level}``: each user's most senior level in ``company``'s teams."""
        levels = {}
        for user_id, _team_id, level in self._customer_memberships(company, user_ids):
            if LEVEL_RANK.get(level, 0) > LEVEL_RANK.get(levels.get(user_id), 0):
                levels[user_id] = level
        return levels
