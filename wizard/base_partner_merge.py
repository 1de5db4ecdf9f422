from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

#: rows of one partner unique per key: a merged partner's row whose key the survivor
#: already has goes (the survivor's row stays), so that Odoo's merge moves all the others
#: instead of dropping every row of the table when one of them collides
UNIQUE_PER_PARTNER = {
    "customer_classification": ("company_id",),
    "customer_analytics": ("company_id",),
    "customer_classification_snapshot": ("month", "company_id"),
}


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    customer_duplicate_id = fields.Many2one(
        "customer.duplicate",
        readonly=True,
        help="The pair of possible duplicates this merge comes from.",
    )

    @api.model
    def default_get(self, fields_list):
        """From a pair of possible duplicates: the pair, and its proposed survivor."""
        res = super().default_get(fields_list)
        pair_id = self.env.context.get("customer_duplicate_id")
        if pair_id:
            pair = self.env["customer.duplicate"].browse(pair_id)
            pair.check_access("read")
            if "customer_duplicate_id" in fields_list:
                res["customer_duplicate_id"] = pair.id
            if pair.partner_a_id and pair.partner_b_id:
                # from the pair, not from active_ids: the web client may set those to the
                # pair's own record when the button is clicked
                partners = pair.partner_a_id | pair.partner_b_id
                if "state" in fields_list:
                    res["state"] = "selection"
                if "partner_ids" in fields_list:
                    res["partner_ids"] = [Command.set(partners.ids)]
                if "dst_partner_id" in fields_list:
                    res["dst_partner_id"] = pair._proposed_survivor().id
        return res

    def action_merge(self):
        """Merge a pair of the Duplicates list as Odoo merges for administrators.

        A classification Manager reviews the pair (the evidence, the codes, the history)
        and the customers are usually ones with different e-mails or with invoices, which
        Odoo lets only administrators merge; without the right to delete contacts the
        Manager could not merge at all. So the merge runs as superuser, without Odoo's
        extra e-mail check, but only for exactly the two partners of a pair to review that
        the Manager may see (record rules), keeping one of them: nothing else can be
        merged this way.
        """
        pair = self.customer_duplicate_id
        if not pair:
            return super().action_merge()
        if not self.env.user.has_group("customer_classification.group_manager"):
            raise AccessError(
                self.env._("Only Customer Classification Managers can merge duplicates.")
            )
        pair.check_access("read")
        partners = pair.partner_a_id | pair.partner_b_id
        if (
            pair.state != "new"
            or len(partners) != 2
            or set(self.partner_ids.ids) != set(partners.ids)
            or self.dst_partner_id not in partners
        ):
            raise UserError(
                self.env._(
                    "Only the two customers of a pair still to review can be merged from "
                    "the Duplicates list, keeping one of them."
                )
            )
        survivor = self.dst_partner_id
        self.sudo()._merge(partners.ids, survivor.sudo(), extra_checks=False)
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": survivor.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """After any merge, the survivor is re-evaluated in its companies."""
        res = super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        survivor = (dst_partner or self.env["res.partner"]).sudo()
        if not survivor.exists():
            return res
        for company in survivor.company_id or self.env["res.company"].sudo().search([]):
            try:
                with self.env.cr.savepoint():
                    survivor._reclassify(companies=company, origin="manual")
            except UserError:
                # a company whose standard cannot classify now does not stop the merge:
                # the light run re-evaluates the survivor once the standard is repaired
                survivor._mark_for_reclassification()
        return res

    def _update_foreign_keys(self, src_partners, dst_partner):
        """Before Odoo re-points every reference to the merged partners: their codes,
        their unique rows and their pairs of possible duplicates."""
        self._merge_customer_codes(src_partners, dst_partner)
        self._merge_unique_rows(src_partners, dst_partner)
        self._merge_duplicate_pairs(src_partners, dst_partner)
        return super()._update_foreign_keys(src_partners, dst_partner)

    def _update_values(self, src_partners, dst_partner):
        """Odoo's merge writes every stored field onto the partner it keeps: the class and
        score are left to the engine, which re-evaluates the partner."""
        dst_partner = dst_partner.with_context(customer_classification_merge=True)
        return super()._update_values(src_partners, dst_partner)

    # ------------------------------------------------------------------
    # What the merge keeps
    # ------------------------------------------------------------------
    def _merge_customer_codes(self, src_partners, dst_partner):
        """A merged partner's code stays reserved and finds the survivor: it goes into the
        survivor's code history (origin Merge). A survivor without a code takes it over.
        Odoo then moves the merged partner's own history to the survivor."""
        Partner = self.env["res.partner"].sudo()
        Partner.flush_model(["customer_code"])
        coded = src_partners.sudo().filtered("customer_code")
        if not coded:
            return
        codes = {partner.id: partner.customer_code for partner in coded}
        self.env.execute_query(
            SQL("UPDATE res_partner SET customer_code = NULL WHERE id = ANY(%s)", coded.ids)
        )
        taken_over = False
        dst_code = dst_partner.sudo().customer_code
        if not dst_code:
            taken_over, dst_code = coded[0], codes[coded[0].id]
            self.env.execute_query(
                SQL(
                    "UPDATE res_partner SET customer_code = %s WHERE id = %s",
                    dst_code,
                    dst_partner.id,
                )
            )
        Partner.invalidate_model(["customer_code"])
        self.env["customer.code.history"].sudo().create(
            [
                {
                    "partner_id": dst_partner.id,
                    "company_id": dst_partner.company_id.id,
                    "old_code": False if partner == taken_over else codes[partner.id],
                    "new_code": dst_code,
                    "origin": "merge",
                    "reason": self.env._(
                        "%(merged)s (code %(code)s) merged into %(survivor)s.",
                        merged=partner.display_name,
                        code=codes[partner.id],
                        survivor=dst_partner.display_name,
                    ),
                }
                for partner in coded
            ]
        )

    def _merge_unique_rows(self, src_partners, dst_partner):
        for table, keys in UNIQUE_PER_PARTNER.items():
            same_key = SQL(" AND ").join(
                SQL("kept.%s IS NOT DISTINCT FROM gone.%s", SQL.identifier(k), SQL.identifier(k))
                for k in keys
            )
            self.env.execute_query(
                SQL(
                    """
                    DELETE FROM %(table)s gone
                     WHERE gone.partner_id = ANY(%(src)s)
                       AND EXISTS (SELECT 1 FROM %(table)s kept
                                    WHERE kept.partner_id = %(dst)s AND %(same_key)s)
                    """,
                    table=SQL.identifier(table),
                    src=src_partners.ids,
                    dst=dst_partner.id,
                    same_key=same_key,
                )
            )

    def _merge_duplicate_pairs(self, src_partners, dst_partner):
        """The merged pair is kept as Merged (naming the merged partner); pairs still to
        review of the merged partners go (the next detection compares the survivor);
        Not Duplicates and Merged pairs pass to the survivor, unless it has the same."""
        Pair = self.env["customer.duplicate"].sudo()
        Pair.flush_model()
        src, dst = src_partners.ids, dst_partner.id
        for partner in src_partners:
            self.env.execute_query(
                SQL(
                    """
                    UPDATE customer_duplicate
                       SET state = 'merged', merged_partner_name = %(name)s,
                           partner_a_id = NULLIF(partner_a_id, %(src)s),
                           partner_b_id = NULLIF(partner_b_id, %(src)s),
                           write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
                     WHERE (partner_a_id, partner_b_id) IN ((%(src)s, %(dst)s), (%(dst)s, %(src)s))
                    """,
                    name=partner.display_name,
                    src=partner.id,
                    dst=dst,
                    uid=self.env.uid,
                )
            )
        self.env.execute_query(
            SQL(
                """
                DELETE FROM customer_duplicate
                 WHERE state = 'new'
                   AND (partner_a_id = ANY(%(src)s) OR partner_b_id = ANY(%(src)s));
                -- a merged pair keeps only its survivor: it passes on
                UPDATE customer_duplicate SET partner_a_id = %(dst)s
                 WHERE partner_a_id = ANY(%(src)s) AND partner_b_id IS NULL;
                UPDATE customer_duplicate SET partner_b_id = %(dst)s
                 WHERE partner_b_id = ANY(%(src)s) AND partner_a_id IS NULL;
                -- Not Duplicates: the survivor is not the other one either
                WITH moved AS (
                    SELECT id, LEAST(other, %(dst)s) AS a, GREATEST(other, %(dst)s) AS b
                      FROM (SELECT id, CASE WHEN partner_a_id = ANY(%(src)s)
                                            THEN partner_b_id ELSE partner_a_id END AS other
                              FROM customer_duplicate
                             WHERE partner_a_id = ANY(%(src)s)
                                OR partner_b_id = ANY(%(src)s)) o
                     WHERE other != %(dst)s AND NOT (other = ANY(%(src)s))
                )
                UPDATE customer_duplicate d SET partner_a_id = m.a, partner_b_id = m.b
                  FROM (SELECT DISTINCT ON (a, b) * FROM moved ORDER BY a, b, id) m
                 WHERE d.id = m.id
                   AND NOT EXISTS (SELECT 1 FROM customer_duplicate e
                                    WHERE e.partner_a_id = m.a AND e.partner_b_id = m.b);
                DELETE FROM customer_duplicate
                 WHERE partner_a_id = ANY(%(src)s) OR partner_b_id = ANY(%(src)s);
                """,
                src=src,
                dst=dst,
            )
        )
        Pair.invalidate_model()
