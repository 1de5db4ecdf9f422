"""Two runs at once, as two workers run them: each in a transaction of its own.

The data these tests need is committed by a cursor of its own (other transactions
cannot see the test's), the scope of classification is narrowed to it for the time of
the test, and everything is removed or restored at the end.
"""

from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..models import res_partner_classification
from ..models.customer_standard import RUN_DONE
from ..models.res_partner_classification import PARAM_SCOPE_DOMAIN

NAME = "Concurrency test customer"
RUN_FIELDS = ["run_cursor", "run_origin", "run_evaluated", "run_changed", "last_run_at"]


@tagged("post_install", "-at_install")
class TestConcurrentRuns(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_id = cls.env.company.id

    def setUp(self):
        super().setUp()
        self.partner_ids = []
        with self.worker() as env:
            params = env["ir.config_parameter"]
            standards = env["customer.standard"].search([("state", "=", "active")])
            saved_scope = params.get_param(PARAM_SCOPE_DOMAIN)
            saved_runs = standards.read(RUN_FIELDS)
            last_trigger = env["ir.cron.trigger"].search([], order="id desc", limit=1).id
            self.addCleanup(self.restore, saved_scope, saved_runs, last_trigger)
            # prospects of the main company only (no code, no invoice): the scope is them
            partners = env["res.partner"].create(
                [
                    {
                        "name": f"{NAME} {i}",
                        "is_company": True,
                        "classification_prospect": True,
                        "company_id": self.company_id,
                    }
                    for i in range(12)
                ]
            )
            self.partner_ids = partners.ids
            params.set_param(PARAM_SCOPE_DOMAIN, repr([("name", "=like", f"{NAME} %")]))
            standards.write({"run_cursor": RUN_DONE})
            standards.filtered(lambda s: s.company_id.id == self.company_id).write(
                {"run_cursor": 0, "run_origin": "schedule"}
            )

    def restore(self, scope, runs, last_trigger):
        with self.worker() as env:
            env["res.partner"].browse(self.partner_ids).unlink()
            env["ir.config_parameter"].set_param(PARAM_SCOPE_DOMAIN, scope)
            for values in runs:
                env["customer.standard"].browse(values.pop("id")).write(values)
            env["ir.cron.trigger"].search([("id", ">", last_trigger)]).unlink()

    def worker(self):
        """A transaction of its own, as a worker of the server has (commits on exit)."""
        return WorkerEnv(self.registry)

    # ------------------------------------------------------------------
    # The runs a worker makes
    # ------------------------------------------------------------------
    def full_run(self, env):
        env["res.partner"]._cron_reclassify()

    def light_run(self, env):
        env["res.partner"]._cron_reclassify_outdated()

    def reclassify_button(self, env):
        env["res.partner"].browse(self.partner_ids)._reclassify()

    def reclassify_company(self, env):
        env["res.partner"]._reclassify()

    def reclassify_all(self, env):
        """Reclassify All (or an activation, a setting) asks for a full run meanwhile."""
        env["customer.standard"]._active_for(env["res.company"].browse(self.company_id))._queue_run(
            "manual"
        )

    def counts(self, env):
        """``(results, history rows, marks)`` of the test's partners."""
        return tuple(
            env.execute_query(
                SQL(
                    "SELECT count(*) FROM %s WHERE partner_id = ANY(%s) %s",
                    SQL.identifier(table),
                    self.partner_ids,
                    SQL("AND origin != 'code'" if table.endswith("history") else ""),
                )
            )[0][0]
            for table in (
                "customer_classification",
                "customer_classification_history",
                "customer_classification_mark",
            )
        )

    def assert_once(self, env):
        """One result and one history row (their first classification) per partner."""
        results, history, _marks = self.counts(env)
        self.assertEqual(results, len(self.partner_ids))
        self.assertEqual(history, len(self.partner_ids))

    # ------------------------------------------------------------------
    def test_a_second_run_waits_for_none_and_fails_none(self):
        """Pairs of runs at once on one company: the second finds the company busy,
        skips it without an error (nothing logged) and is retried; nothing is written
        twice, nothing is lost."""
        pairs = [
            (self.reclassify_company, self.reclassify_company, False),
            (self.full_run, self.full_run, False),
            # both start a finished run anew
            (self.full_run, self.full_run, True),
            (self.full_run, self.reclassify_button, False),
            (self.reclassify_button, self.full_run, False),
            (self.full_run, self.light_run, False),
            (self.light_run, self.full_run, False),
            (self.full_run, self.reclassify_all, False),
            (self.reclassify_all, self.full_run, True),
        ]
        for first, second, finished in pairs:
            with (
                self.subTest(first=first.__name__, second=second.__name__, finished=finished),
                self.assertNoLogs("odoo", "WARNING"),
            ):
                self.reset(finished)
                with self.worker() as env:
                    env["res.partner"].browse(self.partner_ids)._mark_for_reclassification()
                with (
                    patch.object(res_partner_classification, "BATCH_SIZE", 100),
                    self.worker() as env1,
                    self.worker() as env2,
                ):
                    first(env1)  # holds the company until it commits
                    second(env2)
                with self.worker() as env:
                    self.assert_once(env)
                # whatever was skipped is caught up by the next runs, once
                with self.worker() as env:
                    self.light_run(env)
                    self.full_run(env)
                with self.worker() as env:
                    self.assert_once(env)

    def test_a_run_that_began_before_another_committed_skips(self):
        """PostgreSQL refuses to let a transaction overwrite rows committed after it
        began: such a run finds the company busy, writes nothing and is retried."""
        with self.worker() as late, self.worker() as env:
            late.execute_query(SQL("SELECT 1"))  # its snapshot is taken here
            stats = env["res.partner"].browse(self.partner_ids)._reclassify()
            self.assertEqual(stats["evaluated"], len(self.partner_ids))
            env.cr.commit()  # pylint: disable=invalid-commit (a worker's transaction ends)
            stats = late["res.partner"].browse(self.partner_ids)._reclassify()
            self.assertEqual(stats["postponed"], len(self.partner_ids))
            self.assertFalse(stats["evaluated"])
        with self.worker() as env:
            self.assert_once(env)
            self.assertEqual(self.counts(env)[2], len(self.partner_ids), "marked for a retry")

    def test_marking_never_waits_for_a_partner_a_run_is_writing(self):
        """An invoice posted while a run holds its customer's row still marks it."""
        with self.worker() as run, self.worker() as poster:
            run.execute_query(
                SQL(
                    "UPDATE res_partner SET classification_score = '{}' WHERE id = ANY(%s)",
                    self.partner_ids,
                )
            )
            # a wait would fail at once instead of hanging the test
            poster.execute_query(SQL("SET LOCAL lock_timeout = '100ms'"))
            poster["res.partner"].browse(self.partner_ids)._mark_for_reclassification()
            poster.cr.commit()
            run.cr.rollback()
        with self.worker() as env:
            self.assertEqual(self.counts(env)[2], len(self.partner_ids))

    def reset(self, finished=False):
        """No result, history or mark for the test's partners; the full run to start (or,
        ``finished``, over: the next call starts it anew)."""
        with self.worker() as env:
            for table in (
                "customer_classification",
                "customer_classification_history",
                "customer_classification_mark",
            ):
                env.execute_query(
                    SQL(
                        "DELETE FROM %s WHERE partner_id = ANY(%s)",
                        SQL.identifier(table),
                        self.partner_ids,
                    )
                )
            env.execute_query(
                SQL(
                    "UPDATE res_partner SET customer_class_id = NULL, "
                    "classification_score = NULL WHERE id = ANY(%s)",
                    self.partner_ids,
                )
            )
            env["customer.standard"].search(
                [("state", "=", "active"), ("company_id", "=", self.company_id)]
            ).write({"run_cursor": RUN_DONE if finished else 0, "run_origin": "schedule"})


class WorkerEnv:
    """``with WorkerEnv(registry) as env``: a superuser environment on a new cursor,
    committed on a normal exit, rolled back on an error."""

    def __init__(self, registry):
        self.registry = registry

    def __enter__(self):
        self.cr = self.registry.cursor()
        return api.Environment(self.cr, SUPERUSER_ID, {})

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.cr.commit()  # pylint: disable=invalid-commit (a worker's transaction ends)
            else:
                self.cr.rollback()
        finally:
            self.cr.close()
