"""Bulk customer code assignment: 100,000 partners created by SQL, coded in batches.

Prints the elapsed time, the throughput and the peak memory. Target: under 30 s on
2 cores. Usage: python3 bench/bench_code_assignment.py [--partners 100000] [--keep]
"""

from _common import (
    Timer,
    bench_database,
    environment,
    insert_customers,
    machine,
    parse_args,
    peak_rss_mb,
)


def main():
    args = parse_args(__doc__, partners=(int, 100_000, "partners to create"))
    with bench_database(args) as registry, environment(registry) as env:
        # Two schemes, as a customer would have: one per Chinese province and industry,
        # one for everyone else.
        env["customer.code.scheme"].create(
            {
                "name": "China",
                "sequence": 1,
                "pattern": "{region}-{industry}-{seq:5}",
                "domain": "[('customer_rank', '>', 0), ('country_id.code', '=', 'CN')]",
            }
        )
        insert_customers(env.cr, args.partners)
        env.cr.commit()
        rss_before = peak_rss_mb()
        Partner = env["res.partner"]
        print(f"Machine: {machine()}")
        print(f"Candidates: {Partner.search_count(Partner._customer_code_candidates_domain()):,}")
        batches = 0
        with Timer() as timer:
            last_id, remaining = 0, 1
            while remaining:
                _coded, last_id, remaining = Partner._assign_missing_codes_batch(after_id=last_id)
                env.cr.commit()  # as the scheduled action does between batches
                env.invalidate_all()
                batches += 1
        env.cr.execute(
            "SELECT count(*), count(DISTINCT customer_code) FROM res_partner"
            " WHERE customer_code IS NOT NULL"
        )
        coded, distinct = env.cr.fetchone()
        env.cr.execute("SELECT count(*) FROM customer_code_series")
        series = env.cr.fetchone()[0]
        assert coded == distinct >= args.partners, (coded, distinct)
        print(
            f"Coded {coded:,} partners ({distinct:,} distinct codes, {series} series)"
            f" in {batches} batches"
        )
        print(f"Elapsed: {timer.elapsed:.1f} s  ({coded / timer.elapsed:,.0f} partners/s)")
        print(f"Peak memory: {peak_rss_mb():.0f} MB RSS (before the run: {rss_before:.0f} MB)")


if __name__ == "__main__":
    main()
