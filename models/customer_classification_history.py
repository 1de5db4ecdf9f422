import json

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from . import bulk_sql
from .customer_indicator import AMOUNT_GROUPS

ORIGINS = [
    ("schedule", "Scheduled evaluation"),
    ("manual", "Manual"),
    ("config", "Configuration change"),
    ("import", "Import"),
    ("code", "Code change"),
]


class CustomerClassificationHistory(models.Model):
    """Append-only log of every change of class or score, with what explained it."""

    _name = "customer.classification.history"
    _description = "Customer Classification History"
    _inherit = ["customer.append.only.mixin"]
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    # rows are never written after their creation, and ``date`` and ``user_id`` say when
    # and by whom: no create/write columns (two foreign keys checked per row saved)
    _log_access = False

    # the history outlives a deleted partner (append-only; its codes stay reserved)
    partner_id = fields.Many2one("res.partner", index=True, ondelete="set null", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    old_class_id = fields.Many2one("customer.class", string="From Class", readonly=True)
    new_class_id = fields.Many2one("customer.class", string="To Class", readonly=True)
    old_score = fields.Float(digits=(5, 2), readonly=True)
    new_score = fields.Float(digits=(5, 2), readonly=True)
    origin = fields.Selection(ORIGINS, required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", string="By", default=lambda self: self.env.user, readonly=True
    )
    reason = fields.Text(readonly=True)
    old_code = fields.Char(readonly=True)
    new_code = fields.Char(readonly=True)
    # the raw snapshot holds money figures: users who may read invoices only
    snapshot = fields.Json(
        readonly=True,
        groups=AMOUNT_GROUPS,
        help="Indicator values, levels and rule at the time.",
    )
    snapshot_html = fields.Html(
        string="Why",
        compute="_compute_snapshot_html",
        sanitize=False,
        help="Levels, points and rule at the time; the amounts for users who may read invoices.",
    )
    standard_id = fields.Many2one(
        "customer.standard",
        string="Standard",
        readonly=True,
        help="The version of the standard that produced the new class.",
    )

    @api.depends_context("uid")
    def _compute_snapshot_html(self):
        Indicator = self.env["customer.indicator"]
        Result = self.env["customer.classification"]
        hidden = Indicator._hidden_amount_codes()
        for row in self:
            # read as the engine wrote it, shown as the user may see it
            data = Indicator._without_amounts(row.sudo().snapshot, hidden)
            row.snapshot_html = (
                Result._explanation_table(data, row.company_id.currency_id) if data else False
            )

    @api.model
    def _log(self, company, rows, origin, reason=None, date=None):
        """Insert one row per dict of ``rows`` in one query (dated ``date``, default now;
        a dated row is a reconstruction: no chatter note)."""
        if not rows:
            return
        now = date or fields.Datetime.now()

        def column(key):
            return bulk_sql.array(row.get(key) for row in rows)

        # array literals and one text of JSON documents: see bulk_sql
        self.env.execute_query(
            SQL(
                """
                INSERT INTO customer_classification_history
                    (partner_id, company_id, old_class_id, new_class_id, old_score, new_score,
                     reason, snapshot, origin, date, user_id, standard_id)
                SELECT v.pid, %(company)s, v.old_class, v.new_class, v.old_score, v.new_score,
                       v.reason, v.snapshot, %(origin)s, %(now)s, %(uid)s, v.standard
                  FROM unnest(%(pid)s::int[], %(old_class)s::int[], %(new_class)s::int[],
                              %(old_score)s::numeric[], %(new_score)s::numeric[],
                              %(standard)s::int[],
                              (SELECT array_agg(r.reason ORDER BY r.n)
                                 FROM json_array_elements_text(%(reason)s::json)
                                      WITH ORDINALITY AS r(reason, n)),
                              string_to_array(%(snapshot)s, chr(30), '')::jsonb[])
                    AS v(pid, old_class, new_class, old_score, new_score, standard, reason,
                         snapshot)
                """,
                company=company.id,
                origin=origin,
                now=now,
                uid=self.env.uid,
                pid=column("partner_id"),
                old_class=column("old_class_id"),
                new_class=column("new_class_id"),
                old_score=column("old_score"),
                new_score=column("new_score"),
                standard=column("standard_id"),
                reason=json.dumps([row.get("reason") or reason for row in rows]),
                snapshot=bulk_sql.json_rows(row.get("snapshot") or None for row in rows),
            )
        )
        self.invalidate_model()
        if not date:
            self._post_class_changes(company, rows, reason)

    @api.model
    def _replay(self, company, months):
        """Reconstruct ``company``'s class history of the last ``months`` month ends from
        its invoices, with the standard in force, as if it had run then (origin Import,
        said in the reason), and leave the results at the last one: the next run logs
        what changed since. For demo data, or to try the reports on a fresh database;
        never run by the module itself, since a reconstructed class is a guess.
        """
        if isinstance(company, int):  # from a data file
            company = self.env["res.company"].browse(company)
        Classification = self.env["customer.classification"].sudo()
        Snapshot = self.env["customer.classification.snapshot"].sudo()
        standard = Classification._standard(company)
        ids = self.env["res.partner"]._classification_partners(company).ids
        if standard is None or not ids:
            return 0
        reason = self.env._("Reconstructed from the invoices of the time")
        previous, last = {}, {}
        count = 0
        for month in Snapshot._months(months):
            month_end = month + relativedelta(months=1, days=-1)
            values = Classification._indicator_values(company, ids, month_end)
            rows = []
            for pid in ids:
                result = standard.evaluate(values[pid])
                last[pid] = result
                old = previous.get(pid)
                if old and old == (result.class_id, result.score):
                    continue
                previous[pid] = (result.class_id, result.score)
                rows.append(
                    {
                        "partner_id": pid,
                        "old_class_id": old[0] if old else None,
                        "new_class_id": result.class_id,
                        "old_score": old[1] if old else None,
                        "new_score": result.score,
                        "standard_id": standard.id,
                        "snapshot": result.explanation(standard, values[pid]),
                    }
                )
            # an hour before the month's end, in the engine's calendar
            moment = Snapshot._month_end_utc(month) - relativedelta(hours=1)
            self._log(company, rows, "import", reason, date=moment)
            count += len(rows)
        today = Classification._today()
        Classification._write_results(
            company,
            [
                (pid, Classification._next_state(None, result, False, today))
                for pid, result in last.items()
            ],
            fields.Datetime.now(),
        )
        return count

    @api.model
    def _post_class_changes(self, company, rows, reason=None):
        """A note on the partner's chatter for every change of class (not the first one)."""
        changes = [
            row
            for row in rows
            if row.get("old_class_id") and row.get("new_class_id") != row["old_class_id"]
        ]
        if not changes:
            return
        class_ids = {row["old_class_id"] for row in changes} | {
            row["new_class_id"] for row in changes
        }
        names = {
            klass.id: klass.name
            for klass in self.env["customer.class"].sudo().browse(class_ids - {None})
        }
        several = self.env["res.company"].sudo().search_count([], limit=2) > 1
        bodies = {}
        for row in changes:
            body = Markup("<p>%s</p>") % self.env._(
                "Class: %(old)s → %(new)s (score %(old_score)s → %(new_score)s)",
                old=names.get(row["old_class_id"]),
                new=names.get(row["new_class_id"]) or self.env._("none"),
                old_score=row.get("old_score"),
                new_score=row.get("new_score"),
            )
            if several:
                body += Markup("<p>%s</p>") % self.env._(
                    "Company: %(company)s", company=company.name
                )
            why = row.get("reason") or reason
            if why:
                body += Markup("<p>%s</p>") % self.env._("Reason: %(reason)s", reason=why)
            bodies[row["partner_id"]] = body
        partners = self.env["res.partner"].browse(list(bodies))
        partners._message_log_batch(bodies=bodies, author_id=self.env.user.partner_id.id)

    @api.model
    def _log_code_changes(self, rows, reason=None):
        """Code changes ``(partner_id, old_code, new_code)`` land here too (origin: code).

        They carry no class nor score: the class history lists only changes of class,
        and the code history is where codes are read.
        """
        if not rows:
            return
        now = fields.Datetime.now()
        values = SQL(", ").join(
            SQL("(%s::int, %s::text, %s::text)", pid, old, new) for pid, old, new in rows
        )
        self.env.execute_query(
            SQL(
                """
                INSERT INTO customer_classification_history
                    (partner_id, company_id, old_code, new_code, reason, origin, date, user_id)
                SELECT v.pid, COALESCE(p.company_id, %(company)s), v.old_code, v.new_code,
                       %(reason)s, 'code', %(now)s, %(uid)s
                  FROM (VALUES %(values)s) AS v(pid, old_code, new_code)
                  JOIN res_partner p ON p.id = v.pid
                """,
                company=self.env.company.id,
                reason=reason,
                now=now,
                uid=self.env.uid,
                values=values,
            )
        )
        self.invalidate_model()
