from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .crm_team_member import level_rank_sql
from .customer_class import OWNER_LEVELS


class ResPartner(models.Model):
    _inherit = "res.partner"

    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        tracking=True,
        index="btree_not_null",
        help="The sales team that owns this customer, with its salesperson.",
    )
    classification_owner_level = fields.Selection(
        OWNER_LEVELS,
        string="Salesperson Level",
        compute="_compute_classification_owner_fit",
        help="The most senior level of the salesperson in the current company's sales teams.",
    )
    classification_owner_unfit = fields.Boolean(
        string="Needs Re-allocation",
        compute="_compute_classification_owner_fit",
        search="_search_classification_owner_unfit",
        help="The salesperson's level is below the owner level of the customer's class "
        "(e.g. a strategic customer owned by a sales assistant).",
    )

    @api.depends("user_id", "customer_class_id")
    @api.depends_context("company")
    def _compute_classification_owner_fit(self):
        ids = [pid for pid in self.ids if isinstance(pid, int)]
        unfit = set(self._classification_unfit_ids(self.env.company, ids))
        levels = self.env["crm.team.member"]._customer_user_levels(
            self.env.company, self.user_id.ids
        )
        for partner in self:
            partner.classification_owner_level = levels.get(partner.user_id.id)
            partner.classification_owner_unfit = partner.id in unfit

    def _search_classification_owner_unfit(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("Search customers that need re-allocation with = or != and yes/no.")
            )
        ids = self._classification_unfit_ids(self.env.company)
        return [("id", "in" if (operator == "=") == value else "not in", ids)]

    @api.model
    def _classification_unfit_ids(self, company, partner_ids=None):
        """Customers of ``company`` whose salesperson's level is below their class's."""
        if partner_ids is not None and not partner_ids:
            return []
        only = SQL("AND p.id = ANY(%s)", list(partner_ids)) if partner_ids is not None else SQL()
        self.flush_model(["user_id", "customer_class_id", "active", "company_id"])
        self.env["crm.team.member"].flush_model()
        self.env["crm.team"].flush_model(["active", "company_id"])
        self.env["customer.class"].flush_model(["owner_level"])
        rows = self.env.execute_query(
            SQL(
                """
                WITH levels AS (
                    SELECT m.user_id, max(%(rank)s) AS rank
                      FROM crm_team_member m
                      JOIN crm_team t ON t.id = m.crm_team_id
                     WHERE m.active AND t.active
                       AND (t.company_id IS NULL OR t.company_id = %(cid)s)
                     GROUP BY m.user_id
                )
                SELECT p.id
                  FROM res_partner p
                  JOIN customer_class c ON c.id = (p.customer_class_id ->> %(key)s)::int
                  LEFT JOIN levels l ON l.user_id = p.user_id
                 WHERE p.active AND p.user_id IS NOT NULL AND c.owner_level IS NOT NULL
                   AND (p.company_id IS NULL OR p.company_id = ANY(%(visible)s))
                   AND COALESCE(l.rank, 0) < %(class_rank)s %(only)s
                """,
                rank=level_rank_sql(SQL("m.customer_owner_level")),
                class_rank=level_rank_sql(SQL("c.owner_level")),
                cid=company.id,
                visible=company.parent_ids.ids,
                key=str(company.id),
                only=only,
            )
        )
        return [row[0] for row in rows]
