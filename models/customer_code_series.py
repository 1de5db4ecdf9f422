from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import code_pattern

#: ``code`` of the ``ir.sequence`` records that number the series
SEQUENCE_CODE = "customer.code.series"


class CustomerCodeSeries(models.Model):
    """One serial counter per code scheme and per series key (``S-BJ-####``).

    The numbers come from an ``ir.sequence`` with the *standard* implementation:
    a PostgreSQL sequence, so drawing numbers takes no row lock and two
    transactions never draw the same number.
    """

    _name = "customer.code.series"
    _description = "Customer Code Series"
    _order = "scheme_id, key"
    _rec_name = "label"

    scheme_id = fields.Many2one(
        "customer.code.scheme", required=True, ondelete="cascade", index=True, readonly=True
    )
    key = fields.Char(
        required=True,
        readonly=True,
        help="Everything the pattern renders except the serial.",
    )
    label = fields.Char(compute="_compute_label", string="Series")
    sequence_id = fields.Many2one("ir.sequence", required=True, ondelete="restrict", readonly=True)
    number_next = fields.Integer(related="sequence_id.number_next_actual", string="Next Number")

    _sql_constraints = [
        (
            "scheme_key_uniq",
            "UNIQUE(scheme_id, key)",
            "A code scheme has one series per prefix.",
        )
    ]

    @api.depends("key")
    def _compute_label(self):
        for series in self:
            series.label = code_pattern.series_label(series.key or "")

    @api.model
    def _get_or_create(self, scheme, keys):
        """Series of ``scheme`` for each of ``keys``, created on demand: ``{key: series}``."""
        existing = self.search([("scheme_id", "=", scheme.id), ("key", "in", list(keys))])
        result = {series.key: series for series in existing}
        for key in set(keys) - set(result):
            sequence = (
                self.env["ir.sequence"]
                .sudo()
                .create(
                    {
                        "name": self.env._(
                            "Customer code %(series)s", series=code_pattern.series_label(key)
                        ),
                        "code": SEQUENCE_CODE,
                        "implementation": "standard",
                        "company_id": scheme.company_id.id,
                        "number_next": 1,
                        "number_increment": 1,
                    }
                )
            )
            sequence.flush_recordset()
            # A concurrent transaction creating the same series makes this
            # INSERT fail with a serialization error, which Odoo retries.
            rows = self.env.execute_query(
                SQL(
                    """
                    INSERT INTO customer_code_series
                        (scheme_id, key, sequence_id, create_uid, create_date,
                         write_uid, write_date)
                    VALUES (%(scheme)s, %(key)s, %(seq)s, %(uid)s, now() at time zone 'UTC',
                            %(uid)s, now() at time zone 'UTC')
                    ON CONFLICT (scheme_id, key) DO NOTHING
                    RETURNING id
                    """,
                    scheme=scheme.id,
                    key=key,
                    seq=sequence.id,
                    uid=self.env.uid,
                )
            )
            result[key] = (
                self.browse(rows[0][0])
                if rows
                else self.search([("scheme_id", "=", scheme.id), ("key", "=", key)])
            )
        return result

    def _draw(self, count):
        """Draw ``count`` fresh serials from this series in one query, ascending."""
        self.ensure_one()
        if count <= 0:
            return []
        rows = self.env.execute_query(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{self.sequence_id.id:03d}",
                count,
            )
        )
        return sorted(row[0] for row in rows)
