"""Two processes assign customer codes at the same time: no code is ever given twice.

Each worker codes its own half of the partners, in small batches committed one by one,
both starting together from a barrier, with no series existing yet (so they also race to
create the same series). A transaction that loses a race fails with a serialization error
and is retried, as Odoo retries requests and scheduled actions. At the end every partner
has a code and all codes are distinct.

Usage: python3 bench/concurrent_codes.py [--partners 20000] [--keep]
"""

import multiprocessing

import psycopg2.errors
from _common import Timer, bench_database, environment, insert_customers, parse_args

import odoo

BATCH = 500
MAX_TRIES = 5


def worker(registry, ids, barrier, results):
    """Code ``ids`` batch by batch, retrying a batch that lost a concurrency race."""
    retries = 0
    barrier.wait()
    for start in range(0, len(ids), BATCH):
        for attempt in range(MAX_TRIES):
            try:
                with environment(registry) as env:
                    partners = env["res.partner"].browse(ids[start : start + BATCH])
                    env["customer.code.scheme"]._assign_codes(partners, origin="bulk")
                break
            except (psycopg2.errors.SerializationFailure, psycopg2.errors.DeadlockDetected):
                retries += 1
                if attempt == MAX_TRIES - 1:
                    raise
    results.put(retries)


def main():
    args = parse_args(__doc__, partners=(int, 20_000, "partners to create"))
    with bench_database(args) as registry:
        with environment(registry) as env:
            env["customer.code.scheme"].create(
                {
                    "name": "Regional",
                    "sequence": 1,
                    "pattern": "{region}-{seq:6}",
                    "domain": "[('customer_rank', '>', 0)]",
                }
            )
            insert_customers(env.cr, args.partners)
            env.cr.execute(
                "SELECT id FROM res_partner WHERE name LIKE 'Bench customer %%' ORDER BY id"
            )
            ids = [row[0] for row in env.cr.fetchall()]
        odoo.sql_db.close_all()  # each process opens its own connections
        context = multiprocessing.get_context("fork")
        barrier, results = context.Barrier(2), context.Queue()
        halves = (ids[0::2], ids[1::2])  # interleaved: both workers hit every series at once
        with Timer() as timer:
            procs = [
                context.Process(target=worker, args=(registry, half, barrier, results))
                for half in halves
            ]
            for proc in procs:
                proc.start()
            for proc in procs:
                proc.join()
        assert all(proc.exitcode == 0 for proc in procs), [proc.exitcode for proc in procs]
        retries = sum(results.get() for _ in procs)
        with environment(registry) as env:
            env.cr.execute(
                "SELECT count(*), count(customer_code), count(DISTINCT customer_code)"
                " FROM res_partner WHERE name LIKE 'Bench customer %%'"
            )
            total, coded, distinct = env.cr.fetchone()
        print(f"Partners: {total:,}  coded: {coded:,}  distinct codes: {distinct:,}")
        print(
            f"Two workers, {BATCH} per batch: {timer.elapsed:.1f} s,"
            f" {retries} batch(es) retried after a lost race"
        )
        assert total == coded == distinct, "duplicate or missing codes"
        print("OK: every partner has a code and no code was given twice")


if __name__ == "__main__":
    main()
