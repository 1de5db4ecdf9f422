"""Indicator values for many partners at once: one function per indicator family.

Every function takes the environment, a company, the commercial partner ids and the
evaluation date, runs a fixed number of queries whatever the number of partners, and
returns ``{partner_id: {indicator_kind: value}}``. Amounts are in the company currency,
net of refunds; documents of contacts count for their commercial partner.
``models/customer_classification.py`` calls :func:`compute`.
"""

import itertools
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

from . import bulk_sql

#: kinds computed from invoices (or confirmed orders), per window
SALES_KINDS = (
    "revenue",
    "revenue_growth",
    "order_count",
    "avg_order_value",
    "days_since_last_order",
    "relationship_years",
    "lifetime_orders",
    "growth_months",
)
MONTHS_FOR_GROWTH = 12


def _window(date_to, months):
    return date_to - relativedelta(months=months), date_to


def _local_date(column, tz):
    """The date of a UTC datetime ``column`` in the engine's timezone ``tz``."""
    return SQL("((%s AT TIME ZONE 'UTC') AT TIME ZONE %s)::date", column, tz)


def _sales_source(env, company, revenue_source, tz="UTC"):
    """A SQL relation ``(partner_id, doc_date, amount, is_order)`` of sales documents."""
    if revenue_source == "sale_order":
        return SQL(
            """
            SELECT p.commercial_partner_id AS partner_id, %(date)s AS doc_date,
                   so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1) AS amount,
                   TRUE AS is_order
              FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_id
             WHERE so.state = 'sale' AND so.company_id = %(company)s
            """,
            company=company.id,
            date=_local_date(SQL.identifier("so", "date_order"), tz),
        )
    return SQL(
        """
        SELECT m.commercial_partner_id AS partner_id, m.invoice_date AS doc_date,
               m.amount_untaxed_signed AS amount, m.move_type = 'out_invoice' AS is_order
          FROM account_move m
         WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
           AND m.company_id = %(company)s AND m.invoice_date IS NOT NULL
        """,
        company=company.id,
    )


def sales_indicators(env, company, partner_ids, date_to, months, revenue_source, tz="UTC"):
    """Revenue, growth, orders, average order, recency, relationship and trend.

    One pass over the partners' documents: the window sums, counts and dates, and the
    revenue of each of the last complete months for the trend.
    """
    date_from, _to = _window(date_to, months)
    prev_from = date_from - relativedelta(months=months)
    source = _sales_source(env, company, revenue_source, tz)
    month_starts = _last_months(date_to)
    monthly_sums = SQL(", ").join(
        SQL(
            "SUM(s.amount) FILTER (WHERE s.doc_date >= %s AND s.doc_date < %s)",
            start,
            start + relativedelta(months=1),
        )
        for start in month_starts
    )
    rows = env.execute_query(
        SQL(
            """
            SELECT s.partner_id,
                   SUM(s.amount) FILTER (WHERE s.doc_date > %(from)s AND s.doc_date <= %(to)s),
                   SUM(s.amount) FILTER (WHERE s.doc_date > %(prev)s AND s.doc_date <= %(from)s),
                   COUNT(*) FILTER (WHERE s.is_order AND s.doc_date > %(from)s
                                    AND s.doc_date <= %(to)s),
                   MAX(s.doc_date) FILTER (WHERE s.is_order AND s.doc_date <= %(to)s),
                   MIN(s.doc_date) FILTER (WHERE s.is_order),
                   COUNT(*) FILTER (WHERE s.is_order AND s.doc_date <= %(to)s),
                   %(monthly)s
              FROM (%(source)s) s
             WHERE s.partner_id = ANY(%(partners)s::int[])
          GROUP BY s.partner_id
            """,
            source=source,
            partners=bulk_sql.array(partner_ids),
            to=date_to,
            prev=prev_from,
            monthly=monthly_sums,
            **{"from": date_from},
        )
    )
    result = {}
    for pid, revenue_sum, prev_sum, orders, last, first, lifetime, *monthly in rows:
        revenue, prev = float(revenue_sum or 0.0), float(prev_sum or 0.0)
        by_month = dict(zip(month_starts, (float(x or 0.0) for x in monthly), strict=True))
        result[pid] = {
            "revenue": round(revenue, 2),
            "revenue_growth": round((revenue - prev) / prev * 100, 2) if prev > 0 else None,
            "order_count": orders,
            "avg_order_value": round(revenue / orders, 2) if orders else 0.0,
            "days_since_last_order": (date_to - last).days if last else None,
            "first_order_date": first,
            "lifetime_orders": lifetime,
            "growth_months": _rising_months(by_month, month_starts),
        }
    return result


def _last_months(date_to):
    """Starts of the last complete months, newest first (one more than can rise)."""
    first = date_to.replace(day=1)
    return [first - relativedelta(months=n) for n in range(1, MONTHS_FOR_GROWTH + 2)]


def _rising_months(by_month, months):
    """Consecutive months, ending with the last complete one, whose revenue rose."""
    count = 0
    for month, previous in itertools.pairwise(months):
        if by_month.get(month, 0.0) > by_month.get(previous, 0.0):
            count += 1
        else:
            break
    return count


def overdue_indicators(env, company, partner_ids, date_to):
    """Receivable amount past its due date."""
    rows = env.execute_query(
        SQL(
            """
            SELECT m.commercial_partner_id, SUM(m.amount_residual_signed)
              FROM account_move m
             WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
               AND m.company_id = %(company)s AND m.commercial_partner_id = ANY(%(partners)s::int[])
               AND m.payment_state IN ('not_paid', 'partial') AND m.invoice_date_due < %(to)s
          GROUP BY 1
            """,
            company=company.id,
            partners=bulk_sql.array(partner_ids),
            to=date_to,
        )
    )
    return {pid: {"overdue_amount": round(float(amount or 0.0), 2)} for pid, amount in rows}


def complaint_indicators(env, company, partner_ids, date_to, months, tz="UTC"):
    """Tracking records of type complaint in the window."""
    date_from, _to = _window(date_to, months)
    rows = env.execute_query(
        SQL(
            """
            SELECT t.commercial_partner_id, COUNT(*)
              FROM customer_tracking_record t
             WHERE t.record_type = 'complaint' AND t.company_id = %(company)s
               AND t.commercial_partner_id = ANY(%(partners)s::int[])
               AND %(date)s > %(from)s AND %(date)s <= %(to)s
          GROUP BY 1
            """,
            company=company.id,
            partners=bulk_sql.array(partner_ids),
            to=date_to,
            date=_local_date(SQL.identifier("t", "date"), tz),
            **{"from": date_from},
        )
    )
    return {pid: {"complaint_count": count} for pid, count in rows}


def partner_indicators(env, partner_ids, field_names):
    """Industry risk, cooperation start and any stored partner field, in one query."""
    columns = [SQL.identifier("p", name) for name in field_names]
    rows = env.execute_query(
        SQL(
            """
            SELECT p.id, COALESCE(i.classification_risk, 'medium'),
                   p.classification_cooperation_start %(extra)s
              FROM res_partner p
         LEFT JOIN res_partner_industry i ON i.id = p.industry_id
             WHERE p.id = ANY(%(partners)s::int[])
            """,
            extra=SQL("").join(SQL(", %s", col) for col in columns),
            partners=bulk_sql.array(partner_ids),
        )
    )
    result = {}
    for pid, risk, start, *extra in rows:
        values = {"industry_risk": risk, "cooperation_start": start}
        for name, value in zip(field_names, extra, strict=True):
            values[f"field:{name}"] = float(value) if isinstance(value, int | float) else value
        result[pid] = values
    return result


def relationship_years(first_order, cooperation_start, date_to):
    """Years since the cooperation start (set by hand) or the first order."""
    start = cooperation_start or first_order
    if not start:
        return 0.0
    if not isinstance(start, date):
        start = start.date()
    if start >= date_to:
        return 0.0
    # calendar years, so that exactly two years after the start counts as 2.0
    years = date_to.year - start.year - ((date_to.month, date_to.day) < (start.month, start.day))
    day = min(start.day, 28) if start.month == 2 else start.day
    anniversary = start.replace(year=start.year + years, day=day)
    return round(years + (date_to - anniversary).days / 365.25, 4)
