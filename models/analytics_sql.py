"""Sales facts of many customers as of a date, for the analytical models (RFM, ABC,
lifecycle, lifetime value) and the monthly snapshots.

Two queries whatever the number of customers: the sums and dates of their sales
documents, and the intervals between their order dates. The documents are those the
classification reads (posted invoices net of refunds, or confirmed orders: the
revenue-source setting), through :func:`indicator_sql._sales_source`.
``engine/analytics.py`` turns the facts into scores, segments, stages and values.
"""

from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

from ..engine.analytics import Facts
from . import bulk_sql, indicator_sql


def facts(env, company, partner_ids, as_of, window_months, churn_days, revenue_source, tz):
    """``{partner_id: Facts}`` of the partners with at least one sales document up to
    ``as_of`` (inclusive); the others have none."""
    source = indicator_sql._sales_source(env, company, revenue_source, tz)
    window_from = as_of - relativedelta(months=window_months)
    partners = bulk_sql.array(partner_ids)
    sums = env.execute_query(
        SQL(
            """
            SELECT s.partner_id,
                   MAX(s.doc_date) FILTER (WHERE s.is_order),
                   MIN(s.doc_date) FILTER (WHERE s.is_order),
                   COUNT(*) FILTER (WHERE s.is_order),
                   SUM(s.amount),
                   COUNT(*) FILTER (WHERE s.is_order AND s.doc_date > %(window_from)s),
                   SUM(s.amount) FILTER (WHERE s.doc_date > %(window_from)s)
              FROM (%(source)s) s
             WHERE s.partner_id = ANY(%(partners)s::int[]) AND s.doc_date <= %(as_of)s
          GROUP BY s.partner_id
            """,
            source=source,
            partners=partners,
            as_of=as_of,
            window_from=window_from,
        )
    )
    # the gaps between consecutive order dates: their median is the customer's usual
    # interval, and an order after a gap of ``churn_days`` or more is a return
    gaps = env.execute_query(
        SQL(
            """
            SELECT g.partner_id,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY g.gap),
                   MAX(g.doc_date) FILTER (WHERE g.gap >= %(churn_days)s)
              FROM (SELECT d.partner_id, d.doc_date,
                           d.doc_date - LAG(d.doc_date) OVER (
                               PARTITION BY d.partner_id ORDER BY d.doc_date) AS gap
                      FROM (SELECT DISTINCT s.partner_id, s.doc_date
                              FROM (%(source)s) s
                             WHERE s.is_order AND s.partner_id = ANY(%(partners)s::int[])
                               AND s.doc_date <= %(as_of)s) d) g
             WHERE g.gap IS NOT NULL
          GROUP BY g.partner_id
            """,
            source=source,
            partners=partners,
            as_of=as_of,
            churn_days=churn_days,
        )
    )
    intervals = {pid: (median, back) for pid, median, back in gaps}
    result = {}
    for pid, last, first, orders, revenue, window_orders, window_revenue in sums:
        median, back = intervals.get(pid, (None, None))
        result[pid] = Facts(
            last_order=last,
            first_order=first,
            lifetime_orders=orders,
            lifetime_revenue=float(revenue or 0.0),
            window_orders=window_orders,
            window_revenue=float(window_revenue or 0.0),
            median_interval=float(median) if median is not None else None,
            last_return=back,
        )
    return result


def month_sales(env, company, partner_ids, month_start, month_end, window_from, revenue_source, tz):
    """``{partner_id: (revenue, orders, window revenue)}``: net revenue and orders of the
    month ``[month_start, month_end]``, and net revenue of ``(window_from, month_end]``."""
    source = indicator_sql._sales_source(env, company, revenue_source, tz)
    rows = env.execute_query(
        SQL(
            """
            SELECT s.partner_id,
                   SUM(s.amount) FILTER (WHERE s.doc_date >= %(start)s),
                   COUNT(*) FILTER (WHERE s.is_order AND s.doc_date >= %(start)s),
                   SUM(s.amount)
              FROM (%(source)s) s
             WHERE s.partner_id = ANY(%(partners)s::int[])
               AND s.doc_date > %(window_from)s AND s.doc_date <= %(end)s
          GROUP BY s.partner_id
            """,
            source=source,
            partners=bulk_sql.array(partner_ids),
            start=month_start,
            end=month_end,
            window_from=window_from,
        )
    )
    return {
        pid: (float(revenue or 0.0), orders, float(window or 0.0))
        for pid, revenue, orders, window in rows
    }


def classes_at(env, company, partner_ids, moment):
    """``{partner_id: (class_id, score)}``: the class each partner had at ``moment`` (a
    UTC datetime), from the class history; partners never classified by then have none."""
    rows = env.execute_query(
        SQL(
            """
            SELECT DISTINCT ON (h.partner_id) h.partner_id, h.new_class_id, h.new_score
              FROM customer_classification_history h
             WHERE h.company_id = %(company)s AND h.partner_id = ANY(%(partners)s::int[])
               AND h.date < %(moment)s
               AND (h.new_class_id IS NOT NULL OR h.old_class_id IS NOT NULL)
          ORDER BY h.partner_id, h.date DESC, h.id DESC
            """,
            company=company.id,
            partners=bulk_sql.array(partner_ids),
            moment=moment,
        )
    )
    return {pid: (class_id, score) for pid, class_id, score in rows}
