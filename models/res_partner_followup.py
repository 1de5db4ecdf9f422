"""Class strategies in action: the follow-up activities of every customer.

The customer's effective class (``customer_class_id``, per company) has follow-up lines
(``customer.class.followup``). :meth:`ResPartner._schedule_class_followups` makes the open
activities match them, set-based: one open activity per line and customer, due at the
line's last completion + its interval (or today + the interval), stale ones cancelled
with a note. It is a difference between what should be open and what is: running it
twice changes nothing, and a run killed half-way is finished by the next one.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, html2plaintext
from odoo.tools.mail import generate_tracking_message_id

from . import bulk_sql

_logger = logging.getLogger(__name__)

#: customers handled per batch (one commit per batch in the scheduled action)
FOLLOWUP_BATCH_SIZE = 10_000


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    def _schedule_class_followups(self, companies=None):
        """Plan and cancel the class follow-ups of these customers (empty recordset:
        every customer in scope) in ``companies`` (default: the current company, or every
        company for the empty recordset). Returns ``{'created': n, 'cancelled': n,
        'unassigned': n}``, the last being follow-ups nobody could be given (no
        salesperson, no team leader, no fallback user in Settings)."""
        stats = {"created": 0, "cancelled": 0, "unassigned": 0}
        if companies is None:
            companies = self.env.company if self else self.env["res.company"].sudo().search([])
        for company in companies:
            pending, scope = self._followup_pending(company)
            for start in range(0, len(pending), FOLLOWUP_BATCH_SIZE):
                batch = pending[start : start + FOLLOWUP_BATCH_SIZE]
                for key, count in self._followup_batch(company, batch, scope).items():
                    stats[key] += count
        return stats

    @api.model
    def _cron_schedule_class_followups(self):
        """Scheduled action: the first batch that changes something, then progress.

        Batches whose customers nobody can be given (no salesperson, no team leader, no
        fallback user in Settings) change nothing: they are counted, logged, and passed
        over, so that they never hold up the customers after them."""
        for company in self.env["res.company"].sudo().search([]):
            pending, scope = self._followup_pending(company)
            for start in range(0, len(pending), FOLLOWUP_BATCH_SIZE):
                batch = self._followup_batch(
                    company, pending[start : start + FOLLOWUP_BATCH_SIZE], scope
                )
                if batch["unassigned"]:
                    _logger.info(
                        "%s class follow-ups of %s have nobody to go to: set a follow-up "
                        "fallback user in Settings.",
                        batch["unassigned"],
                        company.name,
                    )
                if batch["created"] or batch["cancelled"]:
                    left = len(pending) - start - FOLLOWUP_BATCH_SIZE
                    # work may be left here or in another company: called again right away
                    self.env["ir.cron"]._notify_progress(
                        done=batch["created"] + batch["cancelled"], remaining=max(left, 1)
                    )
                    return
        self.env["ir.cron"]._notify_progress(done=0, remaining=0)

    def _on_customer_class_changed(self, changes, origin):
        """A customer upgraded to strategic has its visit planned the same day.

        A change of class re-plans the customer's follow-ups in the run's transaction. A
        first classification asks the scheduled action to plan them right after, in its
        own batches: a first run over 100,000 customers stays a classification run."""
        res = super()._on_customer_class_changed(changes, origin)
        moved = self.browse([change.partner_id for change in changes if change.old_class_id])
        if moved:
            moved.sudo()._schedule_class_followups(self.env.company)
        if len(moved) < len(changes):
            cron = self.env.ref(
                "customer_classification.ir_cron_schedule_class_followups",
                raise_if_not_found=False,
            )
            if cron:
                cron.sudo()._trigger()
        return res

    def write(self, vals):
        res = super().write(vals)
        if "user_id" in vals or "team_id" in vals:
            self._followup_reassign()
        return res

    def _followup_reassign(self):
        """A new salesperson or team takes over the open class follow-ups of these
        customers: reassigned in one statement per company, without a notification or a
        follower per activity (an allocation may move 40,000 customers at once)."""
        if not self.ids:
            return
        self.env["mail.activity"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT a.customer_company_id, a.id, a.res_id, a.customer_followup_id, a.user_id
                  FROM mail_activity a
                 WHERE a.res_model = 'res.partner' AND a.res_id = ANY(%s::int[])
                   AND a.customer_followup_id IS NOT NULL AND a.active
                """,
                bulk_sql.array(self.ids),
            )
        )
        per_company = defaultdict(dict)
        for company_id, activity_id, partner_id, followup_id, user_id in rows:
            per_company[company_id][(partner_id, followup_id)] = (activity_id, user_id)
        moves = []
        for company_id, current in per_company.items():
            company = self.env["res.company"].browse(company_id)
            desired = self._followup_desired(company, list({pid for pid, _fid in current}))
            keys = [key for key in current if key in desired]
            lines = self.env["customer.class.followup"].sudo().browse({f for _p, f in keys})
            owners = self._followup_responsibles(company, keys, desired, lines)
            moves += [
                (current[key][0], owners[key])
                for key in keys
                if owners.get(key) and owners[key] != current[key][1]
            ]
        if not moves:
            return
        activity_ids, user_ids = zip(*moves, strict=True)
        self.env.execute_query(
            SQL(
                """
                UPDATE mail_activity a
                   SET user_id = v.user_id, user_tz = up.tz, write_uid = %s, write_date = %s
                  FROM unnest(%s::int[], %s::int[]) AS v(id, user_id)
                  JOIN res_users u ON u.id = v.user_id
                  JOIN res_partner up ON up.id = u.partner_id
                 WHERE a.id = v.id
                """,
                self.env.uid,
                fields.Datetime.now(),
                bulk_sql.array(activity_ids),
                bulk_sql.array(user_ids),
            )
        )
        self.env["mail.activity"].invalidate_model()
        self.invalidate_model(["activity_ids", "activity_user_id"])

    @api.model
    def _followups_done(self, done, feedback=False):
        """Follow-up activities were marked done: log each contact as a tracking record
        of the line's type, then plan the next ones from today.

        ``done``: ``(partner_id, company, followup, summary, deadline)`` tuples."""
        now = fields.Datetime.now()
        note = html2plaintext(feedback).strip() if feedback else ""
        Record = self.env["customer.tracking.record"].sudo()
        Record.create(
            [
                {
                    "partner_id": partner_id,
                    "company_id": company.id,
                    "date": now,
                    "user_id": self.env.uid,
                    "record_type": followup.record_type,
                    "summary": note or summary or followup.summary,
                    "followup_id": followup.id,
                    "followup_deadline": deadline,
                    "duration": followup.effort_hours,
                }
                for partner_id, company, followup, summary, deadline in done
                if company
            ]
        )
        per_company = defaultdict(set)
        for partner_id, company, *_rest in done:
            if company:
                per_company[company].add(partner_id)
        for company, partner_ids in per_company.items():
            self.sudo().browse(partner_ids)._schedule_class_followups(company)

    # ------------------------------------------------------------------
    # The difference between what should be open and what is
    # ------------------------------------------------------------------
    def _followup_scope_ids(self, company):
        """Ids of the customers these stand for in ``company`` (empty: all in scope)."""
        return self._classification_partners(company).ids

    def _followup_pending(self, company):
        """``(ids, scope)``: the sorted ids of the customers whose open follow-ups differ
        from their class's lines in ``company`` (one missing, one too many, or one left
        from another class or from a time they were in scope), and the set of the ids in
        scope."""
        scope = self._followup_scope_ids(company)
        limit = SQL("AND a.res_id = ANY(%s::int[])", bulk_sql.array(self.ids)) if self else SQL()
        self.env["mail.activity"].flush_model()
        self.env["customer.class.followup"].flush_model()
        self.flush_model(["customer_class_id"])
        rows = self.env.execute_query(
            SQL(
                """
                WITH desired AS (
                    SELECT p.id AS partner_id, f.id AS followup_id
                      FROM unnest(%(scope)s::int[]) AS s(id)
                      JOIN res_partner p ON p.id = s.id
                      JOIN customer_class_followup f
                        ON f.active AND f.class_id = (p.customer_class_id ->> %(key)s)::int
                ), open AS (
                    SELECT a.res_id AS partner_id, a.customer_followup_id AS followup_id,
                           count(*) AS n
                      FROM mail_activity a
                     WHERE a.customer_company_id = %(cid)s AND a.res_model = 'res.partner'
                       AND a.customer_followup_id IS NOT NULL AND a.active %(limit)s
                     GROUP BY 1, 2
                )
                SELECT DISTINCT COALESCE(d.partner_id, o.partner_id) AS id
                  FROM desired d
                  FULL JOIN open o USING (partner_id, followup_id)
                 WHERE d.partner_id IS NULL OR o.partner_id IS NULL OR o.n > 1
                 ORDER BY 1
                """,
                scope=bulk_sql.array(scope),
                key=str(company.id),
                cid=company.id,
                limit=limit,
            )
        )
        return [row[0] for row in rows], set(scope)

    @api.model
    def _followup_batch(self, company, partner_ids, scope):
        """Make the open follow-ups of ``partner_ids`` (all in need) match their class in
        ``company``, ``scope`` being the ids in scope. Returns the counts of
        :meth:`_schedule_class_followups`."""
        desired = self._followup_desired(company, [pid for pid in partner_ids if pid in scope])
        keep, cancel = set(), []
        for activity_id, partner_id, followup_id in self._followup_open(company, partner_ids):
            key = (partner_id, followup_id)
            if key in desired and key not in keep:
                keep.add(key)
            else:
                cancel.append(activity_id)
        missing = [key for key in desired if key not in keep]
        self._followup_cancel(company, cancel)
        created = self._followup_create(company, missing, desired)
        return {
            "created": created,
            "cancelled": len(cancel),
            "unassigned": len(missing) - created,
        }

    @api.model
    def _followup_desired(self, company, partner_ids):
        """``{(partner_id, followup_id): (salesperson_id, team_id)}`` for the active lines
        of each partner's effective class in ``company``."""
        self.flush_model(["user_id", "team_id", "customer_class_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.id, f.id, p.user_id, p.team_id
                  FROM unnest(%s::int[]) AS s(id)
                  JOIN res_partner p ON p.id = s.id
                  JOIN customer_class_followup f
                    ON f.active AND f.class_id = (p.customer_class_id ->> %s)::int
                """,
                bulk_sql.array(partner_ids),
                str(company.id),
            )
        )
        return {(pid, fid): (user_id, team_id) for pid, fid, user_id, team_id in rows}

    @api.model
    def _followup_open(self, company, partner_ids):
        """``(activity_id, partner_id, followup_id)`` of the open follow-ups, oldest first."""
        return self.env.execute_query(
            SQL(
                """
                SELECT a.id, a.res_id, a.customer_followup_id
                  FROM mail_activity a
                 WHERE a.customer_company_id = %s AND a.res_model = 'res.partner'
                   AND a.customer_followup_id IS NOT NULL AND a.active
                   AND a.res_id = ANY(%s::int[])
                 ORDER BY a.id
                """,
                company.id,
                bulk_sql.array(partner_ids),
            )
        )

    # ------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------
    @api.model
    def _followup_cancel(self, company, activity_ids):
        """Cancel follow-ups that no longer apply, with a note on each customer's chatter."""
        if not activity_ids:
            return
        activities = self.env["mail.activity"].sudo().browse(activity_ids)
        per_partner = defaultdict(list)
        for activity in activities:
            per_partner[activity.res_id].append(activity.summary or activity.activity_type_id.name)
        classes = {
            partner.id: partner.customer_class_id.name
            for partner in self.sudo().with_company(company).browse(list(per_partner))
        }
        bodies = {
            partner_id: Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._(
                    "Class follow-ups cancelled: they are not part of the strategy of the "
                    "class %(cls)s (%(company)s).",
                    cls=classes.get(partner_id) or self.env._("none"),
                    company=company.name,
                ),
                Markup().join(Markup("<li>%s</li>") % name for name in names),
            )
            for partner_id, names in per_partner.items()
        }
        self._customer_log_notes(bodies)
        activities.unlink()

    @api.model
    def _customer_log_notes(self, bodies):
        """Log ``{partner_id: html}`` as internal notes, as ``_message_log_batch`` does,
        in one statement: no notification, no follower (the ORM's create of 40,000
        messages took 15 s of a 25 s allocation)."""
        if not bodies:
            return
        author_id, email_from = self._message_compute_author(raise_on_email=False)
        reply_to = self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False]
        now = fields.Datetime.now()
        self.env["mail.message"].flush_model()
        self.env.execute_query(
            SQL(
                """
                INSERT INTO mail_message (
                    model, res_id, body, message_type, subtype_id, is_internal, author_id,
                    email_from, reply_to, message_id, email_add_signature, date,
                    create_uid, write_uid, create_date, write_date)
                SELECT 'res.partner', v.res_id, v.body::jsonb #>> '{}', 'notification', %s,
                       TRUE, %s, %s, %s, %s, FALSE, %s, %s, %s, %s, %s
                  FROM unnest(%s::int[], string_to_array(%s, chr(30), '')) AS v(res_id, body)
                """,
                self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                author_id,
                email_from,
                reply_to,
                generate_tracking_message_id("message-notify"),
                now,
                self.env.uid,
                self.env.uid,
                now,
                now,
                bulk_sql.array(bodies),
                bulk_sql.json_rows(str(body) for body in bodies.values()),
            )
        )
        self.env["mail.message"].invalidate_model()
        self.browse(list(bodies)).invalidate_recordset(["message_ids"])

    @api.model
    def _followup_create(self, company, missing, desired):
        """Insert the missing follow-ups in one statement: no notification, no follower
        added, no e-mail (a first run plans one activity per line and customer).
        Returns how many were created."""
        if not missing:
            return 0
        followups = self.env["customer.class.followup"].sudo().browse({f for _p, f in missing})
        responsible = self._followup_responsibles(company, missing, desired, followups)
        last_done = self._followup_last_done(company, missing)
        today = self.env["customer.classification"]._today()
        interval = {line.id: line.interval_days for line in followups}
        rows = []
        for key in missing:
            user_id = responsible.get(key)
            if not user_id:
                continue
            start = last_done.get(key) or today
            rows.append((*key, user_id, start + timedelta(days=interval[key[1]])))
        if not rows:
            return 0
        partners, lines, users, deadlines = (list(col) for col in zip(*rows, strict=True))
        self.env.execute_query(
            SQL(
                """
                INSERT INTO mail_activity (
                    res_model_id, res_model, res_id, res_name, activity_type_id, summary,
                    date_deadline, user_id, user_tz, automated, active,
                    create_uid, write_uid, create_date, write_date,
                    customer_followup_id, customer_company_id)
                SELECT %(model_id)s, 'res.partner', v.partner_id, p.complete_name,
                       f.activity_type_id,
                       COALESCE(f.summary ->> up.lang, f.summary ->> 'en_US'),
                       v.deadline, v.user_id, up.tz, TRUE, TRUE,
                       %(uid)s, %(uid)s, %(now)s, %(now)s, f.id, %(cid)s
                  FROM unnest(%(partners)s::int[], %(lines)s::int[], %(users)s::int[],
                              %(deadlines)s::date[])
                    AS v(partner_id, followup_id, user_id, deadline)
                  JOIN res_partner p ON p.id = v.partner_id
                  JOIN customer_class_followup f ON f.id = v.followup_id
                  JOIN res_users u ON u.id = v.user_id
                  JOIN res_partner up ON up.id = u.partner_id
                """,
                model_id=self.env["ir.model"]._get_id("res.partner"),
                uid=self.env.uid,
                now=fields.Datetime.now(),
                cid=company.id,
                partners=bulk_sql.array(partners),
                lines=bulk_sql.array(lines),
                users=bulk_sql.array(users),
                deadlines=bulk_sql.array(deadlines),
            )
        )
        self.env["mail.activity"].invalidate_model()
        self.invalidate_model()
        # what the inserts put in the activity menu today, once per user
        due = defaultdict(int)
        for _partner, _line, user_id, deadline in rows:
            if deadline <= today:
                due[user_id] += 1
        for user in self.env["res.users"].sudo().browse(list(due)):
            user._bus_send(
                "mail.activity/updated", {"activity_created": True, "count_diff": due[user.id]}
            )
        return len(rows)

    @api.model
    def _followup_responsibles(self, company, missing, desired, followups):
        """``{(partner_id, followup_id): user_id}``: the line's choice, falling back to
        the team leader, then to the company's follow-up user (Settings)."""
        lines = {line.id: line for line in followups}
        users = {uid for uid, _team in desired.values() if uid}
        active = set(
            self.env["res.users"]
            .sudo()
            .search([("id", "in", list(users | set(followups.user_id.ids))), ("share", "=", False)])
            .ids
        )
        owners = {
            key: (salesperson if salesperson in active else None, team)
            for key, (salesperson, team) in desired.items()
        }
        leaders = self._customer_team_leaders(company, owners)
        fallback = company.customer_followup_user_id.id
        result = {}
        for key in missing:
            line = lines[key[1]]
            salesperson, _team = owners[key]
            leader = leaders[key]
            if line.responsible == "user":
                choice = (line.user_id.id if line.user_id.id in active else None,)
            elif line.responsible == "team_leader":
                choice = (leader, salesperson)
            else:
                choice = (salesperson, leader)
            result[key] = next((uid for uid in choice if uid), fallback)
        return result

    @api.model
    def _customer_team_leaders(self, company, owners):
        """``{key: user_id or None}`` for ``owners`` ``{key: (salesperson_id, team_id)}``:
        the leader of the customer's team, else of the salesperson's first team in
        ``company``, when that leader is an active internal user."""
        users = {uid for uid, _team in owners.values() if uid}
        user_teams = self.env["crm.team.member"]._customer_user_teams(company, users)
        teams = {team or user_teams.get(uid) for uid, team in owners.values()} - {None}
        leaders = {
            team.id: team.user_id.id
            for team in self.env["crm.team"].sudo().browse(teams)
            if team.user_id.active and not team.user_id.share
        }
        return {
            key: leaders.get(team or user_teams.get(uid)) for key, (uid, team) in owners.items()
        }

    @api.model
    def _followup_last_done(self, company, keys):
        """``{(partner_id, followup_id): date}`` of the last time each line was done."""
        # a follow-up just marked done is the last one: its stored related column too
        self.env["customer.tracking.record"].flush_model(
            ["commercial_partner_id", "followup_id", "date", "company_id"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT r.commercial_partner_id, r.followup_id, max(r.date)
                  FROM customer_tracking_record r
                 WHERE r.company_id = %s AND r.followup_id = ANY(%s::int[])
                   AND r.commercial_partner_id = ANY(%s::int[])
                 GROUP BY 1, 2
                """,
                company.id,
                bulk_sql.array({fid for _pid, fid in keys}),
                bulk_sql.array({pid for pid, _fid in keys}),
            )
        )
        Classification = self.env["customer.classification"]
        return {(pid, fid): Classification._local_date(done) for pid, fid, done in rows}
