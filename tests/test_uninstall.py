"""Uninstalling the addon leaves nothing of it in the database, and it installs again.

Odoo runs in subprocesses on a throwaway database: the test database stays as the
other tests need it, and this test holds no cursor on it.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from contextlib import closing

import psycopg2
from psycopg2 import sql as pgsql

from odoo.sql_db import connection_info_for
from odoo.tools import config

from odoo.addons.customer_classification.models.account_move import (
    INDICATOR_INDEX,
    UNPAID_INDEX,
)

MODULE = "customer_classification"
#: the addon's indexes on Odoo's own ``account_move`` table
MOVE_INDEXES = {INDICATOR_INDEX, UNPAID_INDEX}
#: no subprocess may hang the test run
TIMEOUT = 900
PG_VARIABLES = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
ODOO_CLI = "import sys; from odoo.cli.command import main; sys.argv[0] = 'odoo'; main()"
#: a customer gets a code, so a code series holds an ``ir.sequence`` (a row in Odoo's
#: table and a PostgreSQL sequence); then the addon is uninstalled through the API
UNINSTALL_SCRIPT = """
import json, sys
import odoo
from odoo.tools import config

db, addons_path, data_dir, module_name = sys.argv[1:]
config.parse_config([f"--addons-path={addons_path}", f"--data-dir={data_dir}", "--log-level=warn"])
with odoo.modules.registry.Registry(db).cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    customer = env["res.partner"].create(
        {"name": "Uninstall Test Ltd", "is_company": True, "customer_rank": 1}
    )
    assert customer.customer_code, "the customer got no code"
    sequence_ids = env["customer.code.series"].search([]).sequence_id.ids
    assert sequence_ids, "no code series holds a sequence"
    cr.commit()
    module = env["ir.module.module"].search([("name", "=", module_name)])
    module.button_immediate_uninstall()
    cr.commit()
print(json.dumps(sequence_ids))
"""
#: Odoo's log lines at WARNING or above (``YYYY-MM-DD HH:MM:SS,mmm PID LEVEL ...``)
LOG_PROBLEM = re.compile(
    r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} \d+ (?:WARNING|ERROR|CRITICAL) "
)
#: the same lines scripts/test.sh ignores: they are not about this addon's health
LOG_NOISE = re.compile(r"Running as user|You need Wkhtmltopdf")
#: indexes whose name or definition belongs to the addon
ADDON_INDEXES_QUERY = """
    SELECT indexname FROM pg_indexes
     WHERE schemaname = current_schema()
       AND (indexname ILIKE '%%classification%%' OR indexdef ILIKE '%%classification%%'
            OR indexdef ILIKE '%%customer\\_code%%')
"""
#: the addon's tables, and its columns on Odoo's tables
ADDON_COLUMNS_QUERY = """
    SELECT table_name || '.' || column_name FROM information_schema.columns
     WHERE table_schema = current_schema()
       AND (table_name LIKE 'customer\\_%%' OR column_name ILIKE '%%classification%%'
            OR column_name ILIKE 'customer\\_code%%')
"""


class TestUninstall(unittest.TestCase):
    """Install, uninstall and install the addon again in a database of its own."""

    def setUp(self):
        super().setUp()
        self.db = f"cc_uninstall_{os.getpid()}_{int(time.time())}"
        self.addons_path = config["addons_path"]
        # a data dir of its own: the filestore and sessions go with it
        self.data_dir = tempfile.mkdtemp(prefix="cc-uninstall-")
        self.addCleanup(shutil.rmtree, self.data_dir, ignore_errors=True)
        self.addCleanup(self._drop_database)
        # the subprocesses reach PostgreSQL as this process does (through libpq's
        # variables, so that no password shows in a command line)
        self.proc_env = dict(os.environ)
        params = connection_info_for(self.db)[1]
        for key, var in PG_VARIABLES.items():
            if params.get(key):
                self.proc_env[var] = str(params[key])

    def _drop_database(self):
        # FORCE: a subprocess killed by the timeout may have left connections
        with closing(psycopg2.connect(**connection_info_for("postgres")[1])) as cnx:
            cnx.autocommit = True
            with cnx.cursor() as cr:
                cr.execute(
                    pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        pgsql.Identifier(self.db)
                    )
                )

    def _run(self, step, args):
        """Run Python with ``args``; fail unless it succeeds with a clean log; its stdout."""
        proc = subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            env=self.proc_env,
            timeout=TIMEOUT,
            check=False,
        )
        log = proc.stderr
        self.assertEqual(proc.returncode, 0, f"the {step} failed:\n{log[-5000:]}")
        problems = [
            line
            for line in log.splitlines()
            if LOG_PROBLEM.match(line) and not LOG_NOISE.search(line)
        ]
        self.assertFalse(problems, f"the log of the {step} has problems:\n" + "\n".join(problems))
        return proc.stdout

    def _install(self, step):
        self._run(
            step,
            [
                "-c",
                ODOO_CLI,
                f"--database={self.db}",
                f"--addons-path={self.addons_path}",
                f"--data-dir={self.data_dir}",
                f"--init={MODULE}",
                "--without-demo=all",
                "--stop-after-init",
                "--log-level=warn",
            ],
        )

    def _query(self, query, *params):
        """Rows of ``query`` in the throwaway database, on a connection of its own."""
        with (
            closing(psycopg2.connect(**connection_info_for(self.db)[1])) as cnx,
            cnx.cursor() as cr,
        ):
            cr.execute(query, params)
            return cr.fetchall()

    def _state(self):
        return self._query("SELECT state FROM ir_module_module WHERE name = %s", MODULE)[0][0]

    def _addon_indexes(self):
        return {name for (name,) in self._query(ADDON_INDEXES_QUERY)}

    def assertInstalled(self, step):
        self.assertEqual(self._state(), "installed", step)
        self.assertLessEqual(MOVE_INDEXES, self._addon_indexes(), step)

    def test_uninstall_removes_everything_and_install_again_works(self):
        """Uninstalling drops the addon's indexes on account_move and its code sequences
        along with its tables and columns; installing it again brings the indexes back."""
        self._install("installation")
        self.assertInstalled("after the installation")

        out = self._run(
            "uninstallation",
            ["-c", UNINSTALL_SCRIPT, self.db, self.addons_path, self.data_dir, MODULE],
        )
        sequence_ids = json.loads(out.strip().splitlines()[-1])
        self.assertEqual(self._state(), "uninstalled")
        self.assertFalse(self._addon_indexes(), "indexes of the addon are left")
        self.assertFalse(self._query(ADDON_COLUMNS_QUERY), "tables or columns are left")
        self.assertFalse(
            self._query("SELECT id FROM ir_sequence WHERE id = ANY(%s)", sequence_ids),
            "the code series' ir.sequence records are left",
        )
        self.assertFalse(
            self._query(
                "SELECT relname FROM pg_class WHERE relkind = 'S' AND relname = ANY(%s)",
                [f"ir_sequence_{seq_id:03d}" for seq_id in sequence_ids],
            ),
            "the code series' PostgreSQL sequences are left",
        )

        self._install("second installation")
        self.assertInstalled("after the second installation")
