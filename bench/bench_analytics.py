"""Customer analytics at scale: RFM, ABC, lifecycle, lifetime value, snapshots, reports.

Generates the data of ``bench_classification.py`` (100,000 customer companies, 1,000,000
invoice lines over three years, by SQL) and classifies every customer once. The history
of that run is then dated the day after each customer's first invoice (the rest keep
today's), as if the classification had run since the customer's first order, so that the
monthly snapshots carry classes. Then times, each step committed as a cron would: the
refresh of every customer's analytics (first run and rerun), one month's snapshot (the
last complete month), the backfill of the other 35 months, and the reports' pivots over
the 36 months (the class overview by month and class, right after the backfill and after
an ANALYZE of the snapshots; the class migration report when present). Targets on 2
cores: refresh <= 5 s, one month <= 5 s, backfill <= 3 min, overview pivot <= 1 s, peak
memory <= 1 GB. A miss is reported, not raised. About 9 minutes with the defaults, 3 of
them generating.

Usage: cd bench && python3 bench_analytics.py [--partners 100000] [--lines 1000000]
       [--keep] [--db NAME]
"""

import time

from _common import Timer, bench_database, environment, machine, parse_args, peak_rss_mb
from bench_classification import count, generate

from odoo.tools import SQL

BACKFILL_MONTHS = 36
OVERVIEW = "customer.class.overview.report"
MIGRATION = "customer.class.migration.report"
SNAPSHOT = "customer.classification.snapshot"

#: the history of the first run dated the day after each customer's first invoice
BACKDATE_SQL = """
UPDATE customer_classification_history h
   SET date = f.first_date + interval '1 day'
  FROM (SELECT commercial_partner_id AS partner_id, min(invoice_date) AS first_date
          FROM account_move
         WHERE state = 'posted' AND move_type = 'out_invoice'
      GROUP BY 1) f
 WHERE f.partner_id = h.partner_id
"""


def classify(env):
    """One full classification run; its history backdated (see the module docstring)."""
    cr = env.cr
    with Timer() as run:
        written = env["res.partner"]._reclassify(env.company, origin="schedule")["written"]
        cr.commit()
    cr.execute(BACKDATE_SQL)
    backdated = cr.rowcount
    cr.commit()
    env.invalidate_all()
    print(
        f"Classification run: {run.elapsed:.1f} s, {written:,} results written,"
        f" {backdated:,} history rows dated after the customer's first invoice",
        flush=True,
    )


def distribution(cr, column):
    cr.execute(
        SQL(
            "SELECT COALESCE(%s, '-'), count(*) FROM customer_analytics GROUP BY 1 ORDER BY 2 DESC",
            SQL.identifier(column),
        )
    )
    return ", ".join(f"{value} {n:,}" for value, n in cr.fetchall())


def refresh_runs(env):
    """Every customer's analytics refreshed, then again with the same data."""
    cr = env.cr
    timings = []
    for label in ("first", "rerun"):
        env.invalidate_all()
        with Timer() as refresh:
            written = env["res.partner"].browse()._refresh_customer_analytics()
            cr.commit()
        timings.append(refresh.elapsed)
        print(
            f"Analytics refresh ({label}): {refresh.elapsed:.2f} s, {written:,} customers"
            f" written; peak memory so far {peak_rss_mb():.0f} MB RSS",
            flush=True,
        )
    for column in ("rfm_segment", "abc_class", "lifecycle_stage"):
        print(f"  {column}: {distribution(cr, column)}")
    cr.execute(
        "SELECT abc_class, sum(monetary) FILTER (WHERE monetary > 0)"
        " FROM customer_analytics GROUP BY 1"
    )
    positive = {abc: float(total or 0.0) for abc, total in cr.fetchall()}
    total = sum(positive.values())
    shares = ", ".join(
        f"{abc} {positive.get(abc, 0.0) / total * 100:.1f} %" for abc in ("A", "B", "C")
    )
    print(f"  revenue share of the window by ABC class: {shares} (A should be about 80 %)")
    with Timer() as found:
        carrying = env["res.partner"].search_count([("rfm_segment", "!=", False)])
    print(f"  partners found by their segment: {carrying:,} ({found.elapsed:.2f} s)")
    return timings


def one_month(env):
    """The snapshot of the last complete month."""
    Snapshot = env[SNAPSHOT]
    month = Snapshot._last_complete_month()
    env.invalidate_all()
    with Timer() as snap:
        written = Snapshot._write_month(env.company, month)
        env.cr.commit()
    cr = env.cr
    cr.execute(
        "SELECT count(class_id), count(rfm_segment), sum(revenue_month)"
        " FROM customer_classification_snapshot WHERE month = %s",
        [month],
    )
    classed, segmented, revenue = cr.fetchone()
    print(
        f"Snapshot of {month:%Y-%m}: {snap.elapsed:.2f} s, {written:,} rows written"
        f" ({classed:,} with a class, {segmented:,} with a segment,"
        f" revenue of the month {float(revenue or 0):,.0f})",
        flush=True,
    )
    return snap.elapsed


def backfill(env):
    """The other months of the last 36, with the backfill's progress lines."""
    start = time.perf_counter()

    def progress(text):
        print(f"  [{time.perf_counter() - start:6.1f} s] {text}", flush=True)

    env.invalidate_all()
    print(f"Backfill of {BACKFILL_MONTHS} months:", flush=True)
    with Timer() as fill:
        total = env[SNAPSHOT]._backfill(BACKFILL_MONTHS, progress=progress)
        env.cr.commit()
    rows = count(env.cr, "SELECT count(*) FROM customer_classification_snapshot")
    months = count(env.cr, "SELECT count(DISTINCT month) FROM customer_classification_snapshot")
    print(
        f"Backfill: {fill.elapsed:.1f} s, {total:,} rows written ({rows:,} rows over"
        f" {months} months in all); peak memory so far {peak_rss_mb():.0f} MB RSS",
        flush=True,
    )
    return fill.elapsed


def timed_read_group(env, model, groupby, aggregates, label):
    """``_read_group`` on ``model`` with cold caches, then again; the first time."""
    times = []
    for _attempt in range(2):
        env.invalidate_all()
        with Timer() as pivot:
            groups = env[model]._read_group([], groupby, aggregates)
        env.cr.commit()
        times.append(pivot.elapsed)
    print(
        f"{label} ({model}, {groupby} -> {aggregates}): {times[0]:.3f} s"
        f" (again {times[1]:.3f} s), {len(groups):,} groups",
        flush=True,
    )
    return times[0]


def overview_pivot(env, when):
    """The class overview by month and class (the snapshots' when the report is missing)."""
    if OVERVIEW in env:
        return timed_read_group(
            env,
            OVERVIEW,
            ["month:month", "class_id"],
            ["customer_count:sum", "revenue_month:sum", "customer_share:sum"],
            f"Class overview pivot, {when}",
        )
    print(f"{OVERVIEW} is not installed: the same pivot on the snapshots (FALLBACK)")
    return timed_read_group(
        env,
        SNAPSHOT,
        ["month:month", "class_id"],
        ["__count", "revenue_month:sum"],
        f"Class overview pivot (FALLBACK), {when}",
    )


def pivots(env):
    """The class overview by month and class over the 36 months, right after the backfill
    and once the snapshots' statistics are up to date (as autovacuum makes them a minute
    later at most); the migration report."""
    fresh = overview_pivot(env, "right after the backfill")
    env.cr.execute("ANALYZE customer_classification_snapshot")
    env.cr.commit()
    overview = overview_pivot(env, "after ANALYZE")
    migration = None
    if MIGRATION in env:
        migration = timed_read_group(
            env,
            MIGRATION,
            ["from_class_id", "to_class_id"],
            ["customer_count:sum"],
            "Class migration pivot, after ANALYZE",
        )
    else:
        print(f"{MIGRATION} is not installed: not timed")
    return fresh, overview, migration


def main():
    args = parse_args(
        __doc__,
        partners=(int, 100_000, "customer companies to create"),
        lines=(int, 1_000_000, "posted invoice lines to create"),
    )
    with bench_database(args) as registry, environment(registry) as env:
        print(f"Machine: {machine()}", flush=True)
        with Timer() as gen:
            generate(env, args)
        moves = count(env.cr, "SELECT count(*) FROM account_move WHERE move_type LIKE 'out_%'")
        print(
            f"Generated {args.partners:,} customers, {moves:,} invoices and refunds,"
            f" {args.lines:,} product lines in {gen.elapsed:.1f} s",
            flush=True,
        )
        classify(env)
        refresh, rerun = refresh_runs(env)
        month = one_month(env)
        fill = backfill(env)
        fresh, overview, migration = pivots(env)
        rss = peak_rss_mb()
        print(f"Peak memory: {rss:.0f} MB RSS")
        print("Targets:")
        figures = [
            ("analytics refresh", refresh, 5, "s"),
            ("refresh rerun", rerun, 5, "s"),
            ("one month snapshot", month, 5, "s"),
            ("35-month backfill", fill, 180, "s"),
            ("overview, no stats", fresh, 1, "s"),
            ("overview pivot", overview, 1, "s"),
        ]
        figures.append(("peak memory", rss, 1024, "MB"))
        for label, value, limit, unit in figures:
            verdict = "OK" if value <= limit else "MISS"
            print(f"  {label:<20} {value:>9,.2f} {unit:<2} target <= {limit:g}: {verdict}")
        if migration is not None:
            print(f"  {'migration pivot':<20} {migration:>9,.2f} s  (no target)")


if __name__ == "__main__":
    main()
