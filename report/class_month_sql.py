"""SQL shared by the reports whose grain is company x month x class."""

from odoo.tools import SQL


def report_id(alias):
    """A stable id for the row of ``alias``'s company, month and class."""
    return SQL(
        "((%(a)s.company_id::bigint * 100000"
        " + extract(year FROM %(a)s.month)::bigint * 12 + extract(month FROM %(a)s.month)::bigint)"
        " * 100000 + %(a)s.class_id)",
        a=SQL.identifier(alias),
    )


def record_classes():
    """The tracking records with their month (in UTC) and the class of their customer in
    that month: the snapshot's, or the customer's current class without a snapshot."""
    # ``date`` holds naive UTC datetimes: its month is the UTC month (the snapshots'
    # months end in the engine's time zone, a few hours apart at most)
    return SQL(
        """
        SELECT r.id, r.company_id, r.date, r.duration, r.record_type, r.followup_id,
               r.followup_deadline, r.answered_date, r.deadline,
               date_trunc('month', r.date)::date AS month,
               CASE WHEN s.id IS NULL
                    THEN (p.customer_class_id ->> r.company_id::text)::int
                    ELSE s.class_id END AS class_id
          FROM customer_tracking_record r
          JOIN res_partner p ON p.id = r.commercial_partner_id
          LEFT JOIN customer_classification_snapshot s
                 ON s.month = date_trunc('month', r.date)::date
                AND s.company_id = r.company_id
                AND s.partner_id = r.commercial_partner_id
        """
    )
