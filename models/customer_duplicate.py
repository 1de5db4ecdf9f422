"""Pairs of customers that look like the same company, found set-based in SQL.

Evidence, each a column of the pair and a reason on screen:

- the same tax ID (``vat`` in capitals without spaces or punctuation),
- the same e-mail (``email_normalized``),
- the same phone number (the last 10 digits of the E.164 keys, else of the number as
  typed; phone or mobile against phone or mobile),
- the same address (street, city, ZIP and country without case, spacing or punctuation),
- similar names: ``pg_trgm`` similarity of ``customer_name_key`` (which already ignores
  case, full-width characters, punctuation and legal forms) at least the threshold.

Which names are compared: the same key, or keys one character apart (one typo: a character
replaced, added or left out), found by equality joins on each key and its one-deletion
variants ("abcd" gives "bcd", "acd", "abd", "abc"), then scored with ``similarity()``.
A ``%`` self-join on the trigram index compares every name with every other one that
shares enough trigrams: measured on 100,000 names (bench/bench_duplicates.py) it took
over 100 s, since company names share many common trigrams ("ing", "科技"); the variants
take a few seconds and find the variants people really type.

A tax ID, an e-mail, a phone number or a similar name proposes a pair on its own; a shared
address only backs another reason, since neighbours in one office building share it. A
value held by more than :data:`MAX_SHARED` customers (an accountant's e-mail, a
switchboard) is a shared value, not a sign of duplicates, and is ignored.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..hooks import ensure_trigram

PARAM_THRESHOLD = "customer_classification.duplicate_threshold"
#: names at least this similar (pg_trgm similarity of the name keys, 0 to 1) are a reason
#: on their own. A variant differing only by legal form, full-width characters or spacing
#: has the same key (1.0); one typo leaves a Latin name around 0.85, a short Chinese one
#: around 0.5. Measured with bench/bench_duplicates.py (100,000 customers, 1,000 planted
#: duplicates): 0.6 finds 99.0 % of them with 95.6 % of the pairs right, 0.7 98.2 % and
#: 97.1 %, 0.8 97.5 % and 100 %. 0.7 misses few and wastes little of the reviewer's time.
DEFAULT_THRESHOLD = 0.7
#: a tax ID, e-mail, phone, address or name held by more customers than this is shared
#: data (a switchboard, an accountant's e-mail, "Cash customer"), not a sign of duplicates
MAX_SHARED = 10
#: names shorter than this (after normalisation) are compared as they are only: one
#: character of a two-letter name is no typo
MIN_FUZZY_LENGTH = 4
#: weight of each piece of evidence in the score: 100 * (1 - product of (1 - weight))
WEIGHTS = {
    "same_vat": 0.9,
    "same_email": 0.7,
    "same_phone": 0.6,
    "same_address": 0.3,
}
#: the name similarity (0 to 1) counts with this weight
NAME_WEIGHT = 0.8
#: phones compare by their last digits (country code and trunk prefix left out), when
#: they have at least the minimum
PHONE_KEY_DIGITS = 10
PHONE_KEY_MIN_DIGITS = 7
STATES = [("new", "To Review"), ("dismissed", "Not Duplicates"), ("merged", "Merged")]
#: advisory lock key of a detection run (two runs never overlap)
LOCK_KEY = "customer_duplicate_detect"


class CustomerDuplicate(models.Model):
    _name = "customer.duplicate"
    _description = "Possible Duplicate Customers"
    _order = "state, score desc, id"
    _rec_name = "partner_a_id"

    partner_a_id = fields.Many2one(
        "res.partner", string="Customer", ondelete="cascade", index=True, readonly=True
    )
    partner_b_id = fields.Many2one(
        "res.partner", string="Possible Duplicate", ondelete="cascade", index=True, readonly=True
    )
    partner_a_code = fields.Char(related="partner_a_id.customer_code", string="Code")
    partner_b_code = fields.Char(related="partner_b_id.customer_code", string="Duplicate Code")
    company_id = fields.Many2one(
        "res.company",
        readonly=True,
        index=True,
        help="Company of the customers; empty when both are shared by every company.",
    )
    score = fields.Integer(
        readonly=True,
        aggregator="max",
        help="0–100: how strongly the evidence says the two are one customer.",
    )
    reasons = fields.Char(compute="_compute_reasons")
    same_vat = fields.Boolean(string="Same Tax ID", readonly=True)
    same_email = fields.Boolean(string="Same E-mail", readonly=True)
    same_phone = fields.Boolean(readonly=True)
    same_address = fields.Boolean(readonly=True)
    similar_name = fields.Boolean(readonly=True)
    name_similarity = fields.Float(digits=(3, 2), readonly=True)
    state = fields.Selection(STATES, default="new", required=True, readonly=True, index=True)
    detected_on = fields.Datetime(readonly=True)
    merged_partner_name = fields.Char(
        readonly=True, help="The customer merged into the other one, now deleted."
    )

    _sql_constraints = [
        ("pair_uniq", "UNIQUE(partner_a_id, partner_b_id)", "A pair is listed once."),
        ("pair_order", "CHECK(partner_a_id < partner_b_id)", "A pair is stored once, in order."),
    ]

    def init(self):
        # the trigram index on the name keys needs pg_trgm: the pre_init_hook creates it at
        # install, this at every update of a database installed before the hook existed
        ensure_trigram(self.env)

    @api.depends(
        "same_vat", "same_email", "same_phone", "same_address", "similar_name", "name_similarity"
    )
    def _compute_reasons(self):
        for pair in self:
            labels = [
                label
                for flag, label in (
                    (pair.same_vat, self.env._("Same tax ID")),
                    (pair.same_email, self.env._("Same e-mail")),
                    (pair.same_phone, self.env._("Same phone")),
                    (pair.same_address, self.env._("Same address")),
                )
                if flag
            ]
            if pair.similar_name:
                labels.append(
                    self.env._("Similar name (%(similarity).2f)", similarity=pair.name_similarity)
                )
            pair.reasons = ", ".join(labels)

    def _compute_display_name(self):
        for pair in self:
            names = [p.display_name for p in (pair.partner_a_id, pair.partner_b_id) if p]
            if pair.merged_partner_name:
                names.append(pair.merged_partner_name)
            pair.display_name = " / ".join(names)

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    @api.model
    def _threshold(self):
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_THRESHOLD)
        try:
            threshold = float(value) if value else DEFAULT_THRESHOLD
        except ValueError:
            return DEFAULT_THRESHOLD
        return threshold if 0 < threshold <= 1 else DEFAULT_THRESHOLD

    @api.model
    def _check_threshold(self, value):
        """Settings refuse a similarity outside ]0, 1]."""
        if not 0 < value <= 1:
            raise ValidationError(
                self.env._(
                    "The name similarity for duplicates must be above 0 and at most 1 "
                    "(%(value)s given).",
                    value=value,
                )
            )

    # ------------------------------------------------------------------
    # Detection
    # ------------------------------------------------------------------
    @api.model
    def _detect(self):
        """Find the pairs of customers that look alike, in every company at once.

        New pairs are added, pairs still to review get their current evidence (or go
        when nothing links them any more), and pairs marked Not Duplicates or Merged are
        never proposed again. Returns a dict of counts (``new``, ``updated``,
        ``removed``), or None when another detection is running.
        """
        cr = self.env.cr
        cr.execute(SQL("SELECT pg_try_advisory_xact_lock(hashtext(%s))", LOCK_KEY))
        if not cr.fetchone()[0]:
            return None
        self.env.flush_all()
        Partner = self.env["res.partner"].sudo().with_context(active_test=True)
        scope = Partner._search(Partner._classification_scope_domain())
        self._fill_scope(scope.subselect())
        self._fill_candidates()
        counts = self._store_pairs()
        cr.execute(
            SQL("DROP TABLE IF EXISTS customer_duplicate_scope, customer_duplicate_candidate")
        )
        self.invalidate_model()
        return counts

    def _fill_scope(self, ids_query):
        """The customers compared, with their keys, in a temporary table."""
        self.env.cr.execute(
            SQL(
                """
                DROP TABLE IF EXISTS customer_duplicate_scope, customer_duplicate_candidate;
                CREATE TEMPORARY TABLE customer_duplicate_scope AS
                SELECT p.id, p.company_id, p.customer_name_key AS name_key,
                       NULLIF(upper(regexp_replace(p.vat, '[^0-9A-Za-z]', '', 'g')), '')
                           AS vat_key,
                       p.email_normalized AS email_key,
                       %(phone_key)s AS phone_key,
                       %(mobile_key)s AS mobile_key,
                       CASE WHEN trim(coalesce(p.street, '')) != '' THEN
                           lower(regexp_replace(
                               concat_ws('|', p.street, p.street2, p.city, p.zip),
                               '[[:space:][:punct:]]+', '', 'g'))
                           || '|' || coalesce(p.country_id, 0)
                       END AS address_key
                  FROM res_partner p
                 WHERE p.id IN (%(ids)s);
                CREATE UNIQUE INDEX ON customer_duplicate_scope (id);
                ANALYZE customer_duplicate_scope;
                """,
                ids=ids_query,
                phone_key=self._phone_key(SQL("p.customer_phone_e164"), SQL("p.phone")),
                mobile_key=self._phone_key(SQL("p.customer_mobile_e164"), SQL("p.mobile")),
            )
        )

    @api.model
    def _phone_key(self, e164, typed):
        """The last :data:`PHONE_KEY_DIGITS` digits of the number in E.164 (else as typed):
        ``+86 138 1234 5678``, ``0086 13812345678`` and ``138-1234-5678`` share it even
        when a partner has no country to read a national number with (then there is no
        E.164 form). Numbers of fewer than :data:`PHONE_KEY_MIN_DIGITS` digits have none."""
        digits = SQL("regexp_replace(COALESCE(%s, %s), '[^0-9]', '', 'g')", e164, typed)
        return SQL(
            "CASE WHEN length(%s) >= %s THEN right(%s, %s) END",
            digits,
            PHONE_KEY_MIN_DIGITS,
            digits,
            PHONE_KEY_DIGITS,
        )

    def _fill_candidates(self):
        """Every pair sharing a key or a similar name, with what they share."""
        self.env.cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE customer_duplicate_candidate AS
                SELECT a, b, bool_or(same_vat) AS same_vat, bool_or(same_email) AS same_email,
                       bool_or(same_phone) AS same_phone, bool_or(same_address) AS same_address
                  FROM (
                      SELECT c.*, FALSE AS same_vat, FALSE AS same_email, FALSE AS same_phone,
                             FALSE AS same_address
                        FROM (%(names)s) c
                      UNION ALL
                      SELECT a, b, TRUE, FALSE, FALSE, FALSE FROM (%(vat)s) v
                      UNION ALL
                      SELECT a, b, FALSE, TRUE, FALSE, FALSE FROM (%(email)s) e
                      UNION ALL
                      SELECT a, b, FALSE, FALSE, TRUE, FALSE FROM (%(phone)s) f
                      UNION ALL
                      SELECT a, b, FALSE, FALSE, FALSE, TRUE FROM (%(address)s) d
                  ) found
                 GROUP BY a, b
                """,
                names=self._key_pairs(
                    """
                    SELECT id, name_key FROM customer_duplicate_scope
                    UNION ALL
                    SELECT s.id, overlay(s.name_key PLACING '' FROM i FOR 1)
                      FROM customer_duplicate_scope s, generate_series(1, length(s.name_key)) i
                     WHERE length(s.name_key) >= %s
                    """,
                    MIN_FUZZY_LENGTH,
                ),
                vat=self._key_pairs("SELECT id, vat_key FROM customer_duplicate_scope"),
                email=self._key_pairs("SELECT id, email_key FROM customer_duplicate_scope"),
                phone=self._key_pairs(
                    "SELECT id, phone_key FROM customer_duplicate_scope UNION "
                    "SELECT id, mobile_key FROM customer_duplicate_scope"
                ),
                address=self._key_pairs("SELECT id, address_key FROM customer_duplicate_scope"),
            )
        )

    def _key_pairs(self, keys_query, *args):
        """Pairs of customers sharing a key of ``keys_query`` (rows ``id, key``), for
        keys held by 2 to :data:`MAX_SHARED` customers."""
        return SQL(
            """
            WITH keyed(id, key) AS (%(keys)s),
                 shared AS (SELECT array_agg(DISTINCT id ORDER BY id) AS ids
                              FROM keyed WHERE key IS NOT NULL GROUP BY key
                            HAVING count(DISTINCT id) BETWEEN 2 AND %(max)s)
            SELECT DISTINCT ids[i] AS a, ids[j] AS b
              FROM shared, generate_subscripts(ids, 1) i, generate_subscripts(ids, 1) j
             WHERE i < j
            """,
            keys=SQL(keys_query, *args),  # constant text of this module
            max=MAX_SHARED,
        )

    def _store_pairs(self):
        """Insert and refresh the pairs that pass; drop the stale ones still to review."""
        score = SQL(
            "round(100 * (1 - (1 - %s * c.same_vat::int) * (1 - %s * c.same_email::int)"
            " * (1 - %s * c.same_phone::int) * (1 - %s * c.same_address::int)"
            " * (1 - %s * similarity(s.name_key, t.name_key))))",
            *WEIGHTS.values(),
            NAME_WEIGHT,
        )
        now = fields.Datetime.now()
        rows = self.env.execute_query(
            SQL(
                """
                CREATE TEMPORARY TABLE customer_duplicate_found AS
                SELECT c.a, c.b, COALESCE(s.company_id, t.company_id) AS company_id,
                       c.same_vat, c.same_email, c.same_phone, c.same_address,
                       COALESCE(similarity(s.name_key, t.name_key), 0) AS similarity,
                       COALESCE(%(score)s, 0) AS score
                  FROM customer_duplicate_candidate c
                  JOIN customer_duplicate_scope s ON s.id = c.a
                  JOIN customer_duplicate_scope t ON t.id = c.b
                 WHERE (s.company_id IS NULL OR t.company_id IS NULL
                        OR s.company_id = t.company_id);
                DELETE FROM customer_duplicate_found
                 WHERE NOT (same_vat OR same_email OR same_phone OR similarity >= %(threshold)s);
                WITH removed AS (
                    DELETE FROM customer_duplicate d
                     WHERE d.state = 'new'
                       AND NOT EXISTS (SELECT 1 FROM customer_duplicate_found f
                                        WHERE f.a = d.partner_a_id AND f.b = d.partner_b_id)
                 RETURNING 1
                ), stored AS (
                    INSERT INTO customer_duplicate
                        (partner_a_id, partner_b_id, company_id, same_vat, same_email,
                         same_phone, same_address, similar_name, name_similarity, score,
                         state, detected_on, create_uid, create_date, write_uid, write_date)
                    SELECT a, b, company_id, same_vat, same_email, same_phone, same_address,
                           similarity >= %(threshold)s, round(similarity::numeric, 2), score,
                           'new', %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM customer_duplicate_found
                    ON CONFLICT (partner_a_id, partner_b_id) DO UPDATE
                       SET company_id = EXCLUDED.company_id, same_vat = EXCLUDED.same_vat,
                           same_email = EXCLUDED.same_email, same_phone = EXCLUDED.same_phone,
                           same_address = EXCLUDED.same_address,
                           similar_name = EXCLUDED.similar_name,
                           name_similarity = EXCLUDED.name_similarity,
                           score = EXCLUDED.score, write_uid = EXCLUDED.write_uid,
                           write_date = EXCLUDED.write_date
                     WHERE customer_duplicate.state = 'new'
                 RETURNING (xmax = 0) AS inserted
                )
                SELECT (SELECT count(*) FROM stored WHERE inserted),
                       (SELECT count(*) FROM stored WHERE NOT inserted),
                       (SELECT count(*) FROM removed)
                """,
                score=score,
                threshold=self._threshold(),
                now=now,
                uid=self.env.uid,
            )
        )
        self.env.cr.execute(SQL("DROP TABLE customer_duplicate_found"))
        new, updated, removed = rows[0]
        return {"new": new, "updated": updated, "removed": removed}

    @api.model
    def _cron_detect(self):
        """Weekly: find duplicates in every company."""
        self._detect()

    # ------------------------------------------------------------------
    # Buttons (Managers)
    # ------------------------------------------------------------------
    def _check_manager(self):
        if not self.env.user.has_group("customer_classification.group_manager"):
            raise AccessError(
                self.env._("Only Customer Classification Managers can review duplicates.")
            )

    @api.model
    def action_find_duplicates(self):
        """Run the detection now and say what it found."""
        self._check_manager()
        counts = self.sudo()._detect()
        if counts is None:
            raise UserError(
                self.env._("Duplicates are being searched already: try again in a moment.")
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "New possible duplicates: %(new)s. Updated: %(updated)s. No longer "
                    "alike: %(removed)s.",
                    **counts,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_dismiss(self):
        """The two are different customers: never propose them again."""
        self._check_manager()
        self.check_access("read")
        if self.filtered(lambda p: p.state == "merged"):
            raise UserError(self.env._("A merged pair cannot be marked Not Duplicates."))
        self.sudo().write({"state": "dismissed"})
        return True

    def action_reset(self):
        """Back to review (a pair marked Not Duplicates by mistake)."""
        self._check_manager()
        self.check_access("read")
        self.filtered(lambda p: p.state == "dismissed").sudo().write({"state": "new"})
        return True

    def action_merge(self):
        """Open Odoo's merge wizard on the pair, the proposed survivor selected."""
        self.ensure_one()
        self._check_manager()
        self.check_access("read")
        if self.state != "new" or not (self.partner_a_id and self.partner_b_id):
            raise UserError(self.env._("Only a pair still to review can be merged."))
        partners = self.partner_a_id | self.partner_b_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge Duplicate Customers"),
            "res_model": "base.partner.merge.automatic.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "res.partner",
                "active_ids": partners.ids,
                "customer_duplicate_id": self.id,
            },
        }

    def _proposed_survivor(self):
        """The partner to keep: the one with a code, else the one with more history
        (codes, classes, tracking records), else the older one."""
        self.ensure_one()
        partners = (self.partner_a_id | self.partner_b_id).sudo()
        env = self.env

        def history(partner):
            return sum(
                env[model].sudo().search_count([("partner_id", "=", partner.id)])
                for model in (
                    "customer.code.history",
                    "customer.classification.history",
                    "customer.tracking.record",
                )
            )

        return max(
            partners,
            key=lambda p: (bool(p.customer_code), history(p), -(p.create_date.timestamp()), -p.id),
        )
