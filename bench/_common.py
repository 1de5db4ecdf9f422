"""Shared set-up for the benchmark scripts: a database with the addon, and bulk data by SQL.

Run the scripts with the python that has Odoo 18 importable, from the repository root:
``python3 bench/bench_code_assignment.py``. They create a throwaway database (dropped at
the end unless ``--keep``), link this checkout as ``customer_classification`` on the
addons path, and print their figures.
"""

import argparse
import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import time

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = "customer_classification"


def parse_args(description, **extra):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", default=f"cc_bench_{os.getpid()}", help="database to create")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    for name, (kind, default, help_text) in extra.items():
        parser.add_argument(f"--{name}", type=kind, default=default, help=help_text)
    return parser.parse_args()


def addons_path():
    folder = tempfile.mkdtemp(prefix="cc-bench-addons.")
    os.symlink(REPO, os.path.join(folder, MODULE))
    root = os.path.dirname(os.path.dirname(odoo.__file__))
    paths = [folder] + [
        p
        for p in (os.path.join(root, "addons"), os.path.join(root, "odoo", "addons"))
        if os.path.isdir(p)
    ]
    return ",".join(paths)


@contextlib.contextmanager
def bench_database(args):
    """Create ``args.db`` with the addon installed (no demo data); drop it afterwards."""
    path = addons_path()
    print(f"Creating database {args.db} with {MODULE} (no demo data) ...", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from odoo.cli.command import main; main()",
            "-d",
            args.db,
            f"--addons-path={path}",
            "-i",
            MODULE,
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )
    odoo.tools.config.parse_config(
        [f"--addons-path={path}", "--log-level=warn", f"--database={args.db}"]
    )
    try:
        yield Registry(args.db)
    finally:
        odoo.sql_db.close_all()
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", args.db], check=False)


@contextlib.contextmanager
def environment(registry):
    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {})


def insert_customers(cr, count, with_code=False):
    """Insert ``count`` customer companies in one statement, spread over regions and industries."""
    cr.execute(
        """
        WITH states AS (
            SELECT array_agg(id ORDER BY id) AS ids FROM res_country_state
             WHERE country_id = (SELECT id FROM res_country WHERE code = 'CN')
        ), industries AS (
            SELECT array_agg(id ORDER BY id) AS ids FROM res_partner_industry
        ), inserted AS (
            INSERT INTO res_partner
                (name, complete_name, is_company, customer_rank, supplier_rank, active, type,
                 autopost_bills, country_id, state_id, industry_id, create_date, write_date,
                 create_uid, write_uid, customer_code)
            SELECT 'Bench customer ' || g, 'Bench customer ' || g, true, 1, 0, true, 'contact',
                   'ask',
                   CASE WHEN g %% 3 = 0 THEN (SELECT id FROM res_country WHERE code = 'US')
                        ELSE (SELECT id FROM res_country WHERE code = 'CN') END,
                   CASE WHEN g %% 3 = 0 THEN NULL ELSE states.ids[1 + g %% 8] END,
                   industries.ids[1 + g %% array_length(industries.ids, 1)],
                   now(), now(), 1, 1,
                   CASE WHEN %s THEN 'PRE' || g END
              FROM generate_series(1, %s) g, states, industries
            RETURNING id
        )
        SELECT count(*) FROM inserted
        """,
        [with_code, count],
    )
    # a separate statement: the one above cannot see the rows it inserts
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id"
        " WHERE commercial_partner_id IS NULL AND name LIKE 'Bench customer %%'"
    )


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.elapsed = time.perf_counter() - self.start


def machine():
    cpu = "unknown CPU"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        cpu = next(
            (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu
        )
    pg = subprocess.run(
        ["psql", "-d", "postgres", "-Atc", "show server_version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    python = sys.version.split()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {python}, PostgreSQL {pg}, "
        f"Odoo {odoo.release.version}"
    )
