"""Reliability of the classification runs: killed workers, concurrent runs, mark races.

Generates customers and invoices by SQL (the generator of bench_classification.py), then:

1. Kill test: a full run is executed by a worker process that loops as Odoo's scheduled
   action does (each ``_cron_reclassify()`` call in its own committed transaction, until
   the active standard's ``run_cursor`` is done); the worker is killed with SIGKILL at
   random moments (``--kills`` times, each after 0.3-3 s of work), restarted, then left
   to finish. Checks: no partner in scope without a result, none with two, no duplicate
   history row, one first-classification history row per partner.
2. Concurrent pairs: two worker processes released by one barrier, each doing one run in
   one transaction (full run batch + full run batch, + manual run, + light run; manual +
   manual; and full run batch + a restart of the full run, as Reclassify All, an
   activation or a change of the settings makes), 5 tries each with results put out of
   date before each try so that they write. Counts the exceptions, the
   WARNING/ERROR/CRITICAL log lines (Odoo's "bad query" included), the runs skipped
   because the company was busy, the history rows each try wrote; then the same checks
   after a light and a full catch-up run.
3. The mark races, each with two processes: a complaint logged while the light run is
   working (its mark must survive the light run); an invoice posted while another
   transaction holds the customer's row (how long posting waits, whether it marks); a
   complaint edited into a call, and one deleted (each must mark its customer).

Workers are this script re-invoked with ``--worker ROLE``; they print JSON events on their
standard output. The busy outcomes are counted by wrapping
``customer.classification._exclusive`` in the workers (a counter, nothing else changes).
About 2 to 3 minutes with the defaults on 2 cores, half of it creating the database.

Usage: python3 bench/bench_reliability.py [--partners 35000] [--lines 140000] [--kills 10]
       [--seed N] [--keep] [--db NAME]
"""

import contextlib
import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter

from _common import Timer, bench_database, environment, machine, parse_args
from bench_classification import accounting, count, generate

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

PAIR_TRIES = 5
POOL = 2000  # partners of the manual runs and of the light run's marks, first ids in scope
OUT_OF_DATE = 50  # results put out of date before each try (each partner only once)
RACE_MARKS = 20_000  # partners marked for the light run of race a
HOLD_SECONDS = 3.0  # race b: how long the other transaction holds the partner's row
LOCK_TIMEOUT = "2s"
PAIRS = (
    ("full run batch + full run batch", ("full_batch", "full_batch")),
    ("full run batch + manual (2,000)", ("full_batch", "manual")),
    ("full run batch + light run (2,000 marked)", ("full_batch", "light")),
    ("manual + manual (same 2,000)", ("manual", "manual")),
    # not one of the engine's runs: what Reclassify All, an activation or a change of the
    # settings does while the scheduled full run works
    ("full run batch + restart of the full run (_queue_run)", ("full_batch", "queue_run")),
)
LEVELS = ("WARNING", "ERROR", "CRITICAL")

# ----------------------------------------------------------------------
# Worker side: this script re-invoked with --worker ROLE
# ----------------------------------------------------------------------
#: what the wrapped engine methods saw during the current task
OUTCOMES = Counter()
TIMES = {}
SIGNALS = {}


def emit(**event):
    """One JSON event on the standard output, read by the parent."""
    print(json.dumps(dict(event, at=time.time()), default=str), flush=True)


class EventHandler(logging.Handler):
    """Every WARNING, ERROR and CRITICAL log record becomes an event for the parent."""

    def emit(self, record):
        emit(event="log", level=record.levelname, text=self.format(record))


def touch(path):
    with open(path, "w", encoding="utf-8"):
        pass


def wait_file(path, timeout=60.0):
    deadline = time.time() + timeout
    while not os.path.exists(path):
        if time.time() > deadline:
            raise TimeoutError(f"{path} never appeared")
        time.sleep(0.005)


def install_spies(registry):
    """Count ``_exclusive`` outcomes; note (and signal) when the light run read its marks."""
    Result = registry["customer.classification"]
    exclusive = Result._exclusive

    def counted_exclusive(self, company, work, raise_errors=False):
        outcome, value = exclusive(self, company, work, raise_errors=raise_errors)
        OUTCOMES[outcome] += 1
        return outcome, value

    Result._exclusive = counted_exclusive
    Mark = registry["customer.classification.mark"]
    oldest = Mark._oldest

    def signalled_oldest(self, limit):
        marks = oldest(self, limit)
        TIMES["marks_read"] = time.time()
        if SIGNALS.get("marks_read"):
            touch(SIGNALS["marks_read"])
        return marks

    Mark._oldest = signalled_oldest


def task_full_batch(env):
    env["res.partner"]._cron_reclassify()
    return {"cursor": env["customer.standard"]._active_for(env.company).run_cursor}


def task_manual(env, ids):
    return dict(env["res.partner"].browse(ids)._reclassify(origin="manual"))


def task_queue_run(env):
    env["customer.standard"]._active_for(env.company)._queue_run("manual")
    return {}


def task_light(env, signal_file=None):
    SIGNALS["marks_read"] = signal_file
    env["res.partner"]._cron_reclassify_outdated()
    return {}


def task_complaint(env, partner, wait_for=None):
    if wait_for:
        wait_file(wait_for)
    TIMES["started"] = time.time()
    record = env["customer.tracking.record"].create(
        {"partner_id": partner, "record_type": "complaint", "summary": "Bench complaint"}
    )
    env.flush_all()
    return {"record": record.id}


def task_hold_row(env, partner, seconds, signal_file):
    env.cr.execute(
        "UPDATE res_partner SET classification_score = classification_score WHERE id = %s",
        [partner],
    )
    touch(signal_file)
    time.sleep(seconds)
    return {}


def task_post(env, partner, move, wait_for):
    wait_file(wait_for)
    env.cr.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    TIMES["started"] = time.time()
    if move:
        env["account.move"].browse(move)._post()
    else:
        env["res.partner"].browse(partner)._mark_for_reclassification()
    env.flush_all()
    return {"waited": time.time() - TIMES["started"]}


TASKS = {
    "full_batch": task_full_batch,
    "manual": task_manual,
    "light": task_light,
    "queue_run": task_queue_run,
    "complaint": task_complaint,
    "hold_row": task_hold_row,
    "post": task_post,
}


def serve(registry):
    """Run the tasks read on stdin, one transaction each, after a barrier ("go")."""
    emit(event="started")
    for line in sys.stdin:
        command = json.loads(line)
        if command.get("task") == "quit":
            return
        OUTCOMES.clear()
        TIMES.clear()
        SIGNALS.clear()
        result = {"event": "result", "task": command["task"]}
        registry = registry.check_signaling()
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            emit(event="ready")
            json.loads(sys.stdin.readline())  # the barrier: both workers get "go" at once
            result["started_at"] = time.time()
            try:
                result["value"] = TASKS[command["task"]](env, **command.get("args", {}))
                cr.commit()
            except Exception as err:
                cr.rollback()
                result["error"] = type(err).__name__
                result["traceback"] = traceback.format_exc()
            result["finished_at"] = time.time()
        emit(**result, outcomes=dict(OUTCOMES), times=dict(TIMES))


def full_run_loop(registry):
    """A full run as the scheduled action makes it: one committed batch per call."""
    emit(event="ready")
    while True:
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                standard = env["customer.standard"]._active_for(env.company)
                before = standard.run_cursor
                if not standard._run_pending():
                    break
                emit(event="call", cursor=before)
                env["res.partner"]._cron_reclassify()
                after = standard.run_cursor
            emit(event="done", cursor=before, after=after)
            if after == before:
                time.sleep(0.2)  # busy: the scheduled action would be triggered again
        except Exception as err:
            emit(event="error", error=type(err).__name__, traceback=traceback.format_exc())
            time.sleep(0.5)
    emit(event="finished")


def worker_main(args):
    odoo.tools.config.parse_config(
        [f"--addons-path={args.addons}", "--log-level=warn", f"--database={args.db}"],
        setup_logging=True,
    )
    handler = EventHandler(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    registry = Registry(args.db)
    install_spies(registry)
    if args.worker == "fullrun":
        full_run_loop(registry)
    else:
        serve(registry)


# ----------------------------------------------------------------------
# Parent side
# ----------------------------------------------------------------------
class Worker:
    """A worker process and the events it printed (read by a thread)."""

    serial = 0

    def __init__(self, args, role, folder):
        Worker.serial += 1
        self.log_path = os.path.join(folder, f"{role}-{Worker.serial}.log")
        self.stderr = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115
        command = [sys.executable, os.path.abspath(__file__), "--worker", role]
        command += ["--db", args.db, "--addons", odoo.tools.config["addons_path"]]
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            bufsize=1,
        )
        self.events = []
        self.lock = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.seen = 0  # events already looked at by wait_for()

    def _read(self):
        for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue  # not an event (the worker's log goes to its own file)
            with self.lock:
                self.events.append(event)
                self.lock.notify_all()
        with self.lock:
            self.events.append({"event": "eof", "at": time.time()})
            self.lock.notify_all()

    def send(self, **command):
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()

    def wait_for(self, kind, timeout=600.0):
        """The next event of ``kind``; the log lines and errors met meanwhile are kept."""
        deadline = time.time() + timeout
        with self.lock:
            while True:
                for event in self.events[self.seen :]:
                    self.seen += 1
                    if event["event"] == kind:
                        return event
                    if event["event"] == "eof":
                        raise RuntimeError(f"worker died, see {self.log_path}: {self.tail()}")
                if not self.lock.wait(max(0.0, deadline - time.time())):
                    raise TimeoutError(f"no {kind} event from worker {self.log_path}")

    def last_kind(self):
        with self.lock:
            kinds = [e["event"] for e in self.events if e["event"] in ("call", "done")]
        return kinds[-1] if kinds else None

    def tail(self):
        with open(self.log_path, encoding="utf-8") as log:
            return log.read()[-2000:]

    def kill(self):
        with contextlib.suppress(ProcessLookupError):  # it may have just finished
            os.kill(self.proc.pid, signal.SIGKILL)
        self.close()

    def close(self, timeout=600):
        self.proc.wait(timeout)
        self.reader.join(5)
        self.stderr.close()

    def quit(self):
        self.send(task="quit")
        self.close()


def log_lines(events, levels=LEVELS):
    return [e["text"] for e in events if e["event"] == "log" and e["level"] in levels]


def one_line(text, width=150):
    """First and last line of a log record (a "bad query" ends with PostgreSQL's error)."""
    lines = text.strip().splitlines()
    first = lines[0][:width]
    return first if len(lines) == 1 else f"{first} ... {lines[-1][:width]}"


def short_traceback(text):
    """The frames of the addon and the exception, from a traceback's text."""
    lines = text.strip().splitlines()
    kept = []
    for index, line in enumerate(lines):
        if line.startswith("  File") and "customer_classification" in line:
            kept.append(line.strip())
            if index + 1 < len(lines) and not lines[index + 1].startswith("  File"):
                kept.append("    " + lines[index + 1].strip())
    return [*kept, lines[-1]]


def run_done(registry):
    with environment(registry) as env:
        return not env["customer.standard"]._active_for(env.company)._run_pending()


def queue_full_run(registry):
    with environment(registry) as env:
        env["customer.standard"]._active_for(env.company)._queue_run("schedule")


def scope_ids(registry):
    with environment(registry) as env:
        return env["res.partner"]._classification_partners(env.company).ids


def invariants(registry):
    """One result per partner in scope, no duplicate history row, one first row each."""
    with environment(registry) as env:
        cr, company = env.cr, env.company.id
        scope = env["res.partner"]._classification_partners(env.company).ids
        cr.execute(
            "SELECT partner_id, count(*) FROM customer_classification"
            " WHERE company_id = %s AND partner_id = ANY(%s) GROUP BY 1",
            [company, scope],
        )
        results = dict(cr.fetchall())
        duplicates = count(
            cr,
            """
            SELECT COALESCE(sum(n - 1), 0) FROM (
                SELECT count(*) AS n FROM customer_classification_history
                 WHERE origin != 'code' AND company_id = %s
                 GROUP BY partner_id, company_id, old_class_id, new_class_id, standard_id
                HAVING count(*) > 1) d
            """,
            [company],
        )
        cr.execute(
            "SELECT partner_id, count(*) FROM customer_classification_history"
            " WHERE origin != 'code' AND company_id = %s AND old_class_id IS NULL"
            " AND old_score IS NULL GROUP BY 1",
            [company],
        )
        firsts = dict(cr.fetchall())
        out_of_step = count(
            cr,
            "SELECT count(*) FROM customer_classification c JOIN res_partner p"
            " ON p.id = c.partner_id WHERE c.company_id = %s"
            " AND (p.customer_class_id ->> %s)::int IS DISTINCT FROM c.class_id",
            [company, str(company)],
        )
    return {
        "scope": len(scope),
        "lost": sum(1 for pid in scope if pid not in results),
        "several": sum(1 for pid in scope if results.get(pid, 0) > 1),
        "duplicates": int(duplicates),
        "one_first": sum(1 for pid in scope if firsts.get(pid) == 1),
        "out_of_step": out_of_step,
    }


def invariants_text(inv):
    ok = inv["one_first"] == inv["scope"]
    return (
        f"{inv['scope']:,} in scope: lost {inv['lost']}, more than one result"
        f" {inv['several']}, duplicate history rows {inv['duplicates']}, exactly one"
        f" first-classification row each: {yes(ok)} ({inv['one_first']:,}/{inv['scope']:,}),"
        f" partner columns out of step with the result {inv['out_of_step']}"
    )


def yes(flag):
    return "yes" if flag else "NO"


# ---------------------------------------------------------------- 1. kill test
def kill_test(args, registry, rng, folder):
    queue_full_run(registry)
    workers, kills, in_flight, runs, early, attempts, first_run = [], 0, 0, 1, 0, 0, 0
    while kills < args.kills and attempts < 3 * args.kills:
        attempts += 1
        if run_done(registry):
            queue_full_run(registry)  # the run ended before every kill: an unchanged rerun
            runs += 1
        worker = Worker(args, "fullrun", folder)
        workers.append(worker)
        worker.wait_for("ready")
        time.sleep(rng.uniform(0.3, 3.0))
        if worker.proc.poll() is None:
            in_flight += worker.last_kind() == "call"
            worker.kill()
            kills += 1
            first_run += runs == 1
        else:
            worker.close()
            early += 1
    last = Worker(args, "fullrun", folder)
    workers.append(last)
    with Timer() as finish:
        last.wait_for("ready")
        last.close()
    events = [e for w in workers for e in w.events]
    done = [e for e in events if e["event"] == "done"]
    errors = Counter(e["error"] for e in events if e["event"] == "error")
    figures = {
        "kills": kills,
        "first_run": first_run,
        "in_flight": in_flight,
        "runs": runs,
        "early": early,
        "batches": sum(1 for e in done if e["after"] != e["cursor"]),
        "busy_calls": sum(1 for e in done if e["after"] == e["cursor"]),
        "errors": errors,
        "logs": log_lines(events),
        "finish": finish.elapsed,
        "run_done": run_done(registry),
        "invariants": invariants(registry),
    }
    print(
        f"  kills: {kills} (SIGKILL 0.3-3 s after the worker was ready), {in_flight} in the"
        f" middle of a batch, {kills - in_flight} between batches; {first_run} during the"
        f" first run (which writes every result); full runs queued: {runs}"
        + (
            f" (an unchanged rerun is queued when a run ends before its kill: {early})"
            if early
            else ""
        )
    )
    print(
        f"  batches committed: {figures['batches']}, calls that found the company busy:"
        f" {figures['busy_calls']}, worker exceptions: {sum(errors.values())}"
        f"{f' {dict(errors)}' if errors else ''}, WARNING/ERROR/CRITICAL log lines:"
        f" {len(figures['logs'])}"
    )
    for text in dict.fromkeys(one_line(x) for x in figures["logs"]):
        print(f"    log: {text}")
    print(
        f"  last worker finished the run in {finish.elapsed:.1f} s (run done:"
        f" {yes(figures['run_done'])})"
    )
    print(f"  {invariants_text(figures['invariants'])}")
    return figures


# ---------------------------------------------------------------- 2. concurrent pairs
def history_count(registry):
    with environment(registry) as env:
        return count(env.cr, "SELECT count(*) FROM customer_classification_history")


def prepare_try(registry, pool, out_of_date, tasks, finished):
    """The full run's next batch is its first one: queued (cursor 0) or, ``finished``, the
    call restarts the run itself; ``out_of_date`` results need a write."""
    with environment(registry) as env:
        standard = env["customer.standard"]._active_for(env.company)
        if finished:
            standard.run_request_ids.unlink()
            standard.run_cursor = -1
        else:
            standard._queue_run("schedule")
        env.cr.execute(
            "UPDATE customer_classification SET score = score + 1"
            " WHERE company_id = %s AND partner_id = ANY(%s)",
            [env.company.id, out_of_date],
        )
        if "light" in tasks:
            env["customer.classification.mark"]._mark(pool)
        if "queue_run" in tasks:
            # the full run batch is the only run: when skipped, the light run answers
            env["customer.classification.mark"]._mark(out_of_date)


def run_pair(workers, tasks, task_args):
    """Both tasks released by one barrier; their results, in order."""
    starts = [worker.seen for worker in workers]
    for worker, task in zip(workers, tasks, strict=True):
        worker.send(task=task, args=task_args.get(task, {}))
    for worker in workers:
        worker.wait_for("ready")
    for worker in workers:
        worker.send(go=True)
    results = []
    for worker, start in zip(workers, starts, strict=True):
        result = worker.wait_for("result")
        with worker.lock:
            result["logs"] = log_lines(worker.events[start : worker.seen])
        results.append(result)
    return results


def light_until_empty(registry):
    calls = 0
    with environment(registry) as env:
        while count(env.cr, "SELECT count(*) FROM customer_classification_mark"):
            env["res.partner"]._cron_reclassify_outdated()
            env.cr.commit()
            calls += 1
    return calls


def full_run(registry):
    queue_full_run(registry)
    calls = 0
    while not run_done(registry):
        with environment(registry) as env:
            env["res.partner"]._cron_reclassify()
        calls += 1
    return calls


def out_of_date_results(registry):
    """Results a full run would write now (evaluated, then rolled back)."""
    with environment(registry) as env:
        written = env["res.partner"]._reclassify(env.company, origin="schedule")["written"]
        env.cr.rollback()
    return written


def concurrent_pairs(registry, workers):
    scope = scope_ids(registry)
    pool = scope[:POOL]
    task_args = {"manual": {"ids": pool}}
    figures, slot = {}, 0
    for label, tasks in PAIRS:
        tries = []
        for index in range(PAIR_TRIES):
            out_of_date = pool[slot * OUT_OF_DATE : (slot + 1) * OUT_OF_DATE]
            slot += 1
            prepare_try(registry, pool, out_of_date, tasks, finished=index % 2 == 1)
            before = history_count(registry)
            results = run_pair(workers, tasks, task_args)
            first, second = results
            tries.append(
                {
                    "results": results,
                    "history": history_count(registry) - before,
                    "overlap": first["started_at"] < second["finished_at"]
                    and second["started_at"] < first["finished_at"],
                }
            )
        figures[label] = summarize_pair(tries)
        print_pair(label, figures[label])
    print(
        "  (tries 2 and 4 start from a finished full run, which the full run batch restarts,"
        " the others from a queued one; results a skipped run left out of date are marked"
        " and written by the next run: they add to the next try's history rows)"
    )
    with Timer() as catch_up:
        light_calls = light_until_empty(registry)
        stale_light = out_of_date_results(registry)
        full_calls = full_run(registry)
        stale_full = out_of_date_results(registry)
    inv = invariants(registry)
    print(
        f"  catch-up: light run {light_calls} call(s), then {stale_light} result(s) out of"
        f" date; full run {full_calls} call(s), then {stale_full} out of date"
        f" ({catch_up.elapsed:.1f} s)"
    )
    print(f"  {invariants_text(inv)}")
    return {"pairs": figures, "stale_light": stale_light, "stale_full": stale_full, "inv": inv}


def summarize_pair(tries):
    results = [r for t in tries for r in t["results"]]
    logs = [line for r in results for line in r["logs"]]
    return {
        "tries": len(tries),
        "errors": Counter(f"{r['error']} in {r['task']}" for r in results if r.get("error")),
        "tracebacks": [r["traceback"] for r in results if r.get("traceback")],
        "logs": logs,
        "error_logs": [x for x in logs if not x.startswith("WARNING")],
        "skipped": sum(1 for r in results if r["outcomes"].get("busy")),
        "postponed": sum((r.get("value") or {}).get("postponed", 0) for r in results),
        "history": [t["history"] for t in tries],
        "overlap": sum(t["overlap"] for t in tries),
        "seconds": [round(r["finished_at"] - r["started_at"], 2) for r in results],
    }


def print_pair(label, pair):
    errors = sum(pair["errors"].values())
    names = ", ".join(sorted(pair["errors"]))
    print(
        f"  {label}: tries {pair['tries']}, overlapping {pair['overlap']}/{pair['tries']};"
        f" errors {errors}{f' ({names})' if names else ''}; ERROR/CRITICAL log lines"
        f" {len(pair['error_logs'])}, WARNING lines"
        f" {len(pair['logs']) - len(pair['error_logs'])}; skipped runs (busy)"
        f" {pair['skipped']}/{2 * pair['tries']}, partners postponed {pair['postponed']:,};"
        f" history rows per try {pair['history']} ({OUT_OF_DATE} expected from the run"
        " that works);"
        f" work seconds {pair['seconds']}"
    )
    for text in dict.fromkeys(one_line(x) for x in pair["logs"]):
        print(f"    log: {text}")
    for text in {r.strip().splitlines()[-1]: r for r in pair["tracebacks"]}.values():
        print("    first traceback of this error, the addon's frames:")
        for line in short_traceback(text):
            print(f"      {line[:160]}")


# ---------------------------------------------------------------- 3. mark races
def stable_partners(registry, candidates, wanted):
    """Partners of ``candidates`` whose one complaint would change the score: two years
    of relationship and no complaint yet (the stability dimension then drops a level)."""
    with environment(registry) as env:
        Result = env["customer.classification"].sudo()
        today = odoo.fields.Date.context_today(Result)
        values = Result._indicator_values(env.company, candidates, today)
    found = [
        pid
        for pid in candidates
        if values[pid]["complaint_count"] == 0 and (values[pid]["relationship_years"] or 0) >= 2
    ]
    rest = [pid for pid in candidates if pid not in found]
    return (found + rest)[:wanted], len(found) >= wanted


def complaint_seen(registry, partner):
    """Complaints: in the latest history snapshot, counted by the engine now, in the
    (live) explanation; and whether the stored score is what the engine gives now."""
    with environment(registry) as env:
        Result = env["customer.classification"].sudo()
        company = env.company
        env.cr.execute(
            "SELECT snapshot FROM customer_classification_history WHERE partner_id = %s"
            " AND origin != 'code' ORDER BY id DESC LIMIT 1",
            [partner],
        )
        snapshot = env.cr.fetchone()[0]
        today = odoo.fields.Date.context_today(Result)
        values = Result._indicator_values(company, [partner], today)[partner]
        fresh = Result._standard(company).evaluate(values)
        result = env["res.partner"].browse(partner).classification_id
        return {
            "snapshot": snapshot["indicators"]["complaint_count"],
            "now": values["complaint_count"],
            "explanation": result.explanation["indicators"]["complaint_count"],
            "score": result.score,
            "fresh_score": fresh.score,
        }


def marked(registry, partner):
    with environment(registry) as env:
        return count(
            env.cr,
            "SELECT count(*) FROM customer_classification_mark WHERE partner_id = %s",
            [partner],
        )


def race_complaint_during_light_run(registry, workers, folder, scope, partner):
    light_until_empty(registry)
    others = [pid for pid in scope if pid != partner][: RACE_MARKS - 1]
    with environment(registry) as env:
        Mark = env["customer.classification.mark"]
        Mark._mark([partner])  # the oldest mark: the light run's first batch reads it
        Mark._mark(others)
    total = len(others) + 1
    before = complaint_seen(registry, partner)
    signal_file = os.path.join(folder, "marks-read")
    light, complaint = run_pair(
        workers,
        ("light", "complaint"),
        {
            "light": {"signal_file": signal_file},
            "complaint": {"partner": partner, "wait_for": signal_file},
        },
    )
    read_at = light["times"].get("marks_read", 0)
    during = read_at < complaint["finished_at"] < light["finished_at"]
    kept = marked(registry, partner) > 0
    with Timer() as catch_up:
        calls = light_until_empty(registry)
    after = complaint_seen(registry, partner)
    counted = after["snapshot"] == after["now"] == before["now"] + 1 and (
        after["score"] == after["fresh_score"]
    )
    figures = {
        "during": during,
        "kept": kept,
        "calls": calls,
        "counted": counted,
        "before": before,
        "after": after,
        "errors": [r["error"] for r in (light, complaint) if r.get("error")],
        "logs": light["logs"] + complaint["logs"],
        "timeline": (
            read_at - light["started_at"],
            complaint["finished_at"] - light["started_at"],
            light["finished_at"] - light["started_at"],
        ),
    }
    read, logged, committed = figures["timeline"]
    print(
        f"  a. complaint logged during the light run ({total:,} partners marked):"
        f" marks read at +{read:.2f} s, complaint committed at +{logged:.2f} s, light run"
        f" committed at +{committed:.2f} s (during: {yes(during)}); complaint mark kept:"
        f" {yes(kept)}"
    )
    print(
        f"     after {calls} more light run call(s) ({catch_up.elapsed:.1f} s) the complaint is"
        f" counted in the result: {yes(counted)} (complaints in the last history snapshot"
        f" {after['snapshot']}, counted now {after['now']}, before {before['now']};"
        f" score {before['score']} -> {after['score']}, engine now {after['fresh_score']};"
        f" the explanation is evaluated live: {after['explanation']})"
    )
    print_problems(figures)
    return figures


def draft_invoice(registry, partner):
    """A draft customer invoice of ``partner`` (None if this database cannot make one)."""
    try:
        with environment(registry) as env:
            accounts = accounting(env)
            move = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner,
                    "journal_id": accounts["journal"],
                    "invoice_line_ids": [
                        (0, 0, {"name": "Bench", "quantity": 1, "price_unit": 1000.0})
                    ],
                }
            )
            return move.id, None
    except Exception as err:
        return None, f"{type(err).__name__}: {err}"


def race_post_while_row_held(registry, workers, folder, partner):
    light_until_empty(registry)
    move, why = draft_invoice(registry, partner)
    figures = {}
    for attempt in (move, None) if move else (None,):
        signal_file = os.path.join(folder, f"row-held-{attempt}")
        holder, poster = run_pair(
            workers,
            ("hold_row", "post"),
            {
                "hold_row": {
                    "partner": partner,
                    "seconds": HOLD_SECONDS,
                    "signal_file": signal_file,
                },
                "post": {"partner": partner, "move": attempt, "wait_for": signal_file},
            },
        )
        waited = poster["finished_at"] - poster["times"].get("started", poster["started_at"])
        figures = {
            "method": "account.move._post() of a draft invoice"
            if attempt
            else "partner._mark_for_reclassification()"
            + (f" (no invoice could be made: {why})" if why else " (posting failed)"),
            "waited": (poster.get("value") or {}).get("waited", waited),
            "error": poster.get("error"),
            "traceback": poster.get("traceback"),
            "marked": marked(registry, partner) > 0,
            "logs": holder["logs"] + poster["logs"],
            "errors": [r["error"] for r in (holder, poster) if r.get("error")],
        }
        if not attempt or poster.get("error") in (None, "LockNotAvailable"):
            break
    print(
        f"  b. posting while another transaction holds the partner's row ({HOLD_SECONDS:g} s,"
        f" lock_timeout {LOCK_TIMEOUT}), by {figures['method']}: done in"
        f" {figures['waited']:.3f} s"
        f"{', failed: ' + figures['error'] if figures['error'] else ' (no wait for the row)'};"
        f" mark present after both committed: {yes(figures['marked'])}"
    )
    print_problems(figures)
    return figures


def race_complaint_edited(registry, partners):
    """Complaints turned into a call, or deleted, after the light run answered them."""
    edited, deleted = partners
    with environment(registry) as env:
        Record = env["customer.tracking.record"]
        records = Record.create(
            [
                {"partner_id": pid, "record_type": "complaint", "summary": "Bench complaint"}
                for pid in partners
            ]
        )
    calls = light_until_empty(registry)
    answered = not marked(registry, edited) and not marked(registry, deleted)
    with environment(registry) as env:
        env["customer.tracking.record"].browse(records[0].id).record_type = "call"
    with environment(registry) as env:
        env["customer.tracking.record"].browse(records[1].id).unlink()
    figures = {
        "answered": answered,
        "calls": calls,
        "edited": marked(registry, edited) > 0,
        "deleted": marked(registry, deleted) > 0,
    }
    print(
        f"  c. complaint edited into a call after the light run answered its mark ({calls}"
        f" call(s), answered: {yes(answered)}): customer marked {yes(figures['edited'])};"
        f" complaint deleted: customer marked {yes(figures['deleted'])}"
    )
    return figures


def print_problems(figures):
    for text in dict.fromkeys(one_line(x) for x in figures.get("logs", [])):
        print(f"     log: {text}")
    if figures.get("traceback"):
        print("     " + figures["traceback"].strip().splitlines()[-1][:200])


def mark_races(registry, workers, folder):
    scope = scope_ids(registry)
    tail = scope[POOL:][-3000:]  # never put out of date by part 2
    chosen, all_stable = stable_partners(registry, tail, 4)
    if not all_stable:
        print("  (fewer than 4 partners with 2 years and no complaint: some races use others)")
    complaint = race_complaint_during_light_run(registry, workers, folder, scope, chosen[0])
    posting = race_post_while_row_held(registry, workers, folder, chosen[1])
    edited = race_complaint_edited(registry, chosen[2:4])
    return {"a": complaint, "b": posting, "c": edited}


# ---------------------------------------------------------------- summary
def summary(parts, elapsed, total):
    kill, pairs, races = parts
    print("\nSummary")
    print(f"  Machine: {machine()}")
    print(
        f"  1. kill test: {kill['kills']} kills ({kill['in_flight']} mid-batch),"
        f" {kill['batches']} batches committed, {kill['busy_calls']} busy calls, worker"
        f" exceptions {sum(kill['errors'].values())}, WARNING+ log lines {len(kill['logs'])};"
        f" {invariants_text(kill['invariants'])}"
    )
    for label, pair in pairs["pairs"].items():
        errors = sum(pair["errors"].values())
        print(
            f"  2. {label}: {pair['tries']} tries, {errors} errors, {len(pair['error_logs'])}"
            f" ERROR+ log lines, {pair['skipped']} skipped, history per try {pair['history']}"
        )
    print(
        f"  2. after the catch-up: out of date after the light run {pairs['stale_light']},"
        f" after the full run {pairs['stale_full']}; {invariants_text(pairs['inv'])}"
    )
    a, b, c = races["a"], races["b"], races["c"]
    print(
        f"  3a. complaint during the light run: during {yes(a['during'])}, mark kept"
        f" {yes(a['kept'])}, counted after the next light runs {yes(a['counted'])}"
    )
    print(
        f"  3b. post while the row is held ({b['method']}): done in {b['waited']:.3f} s,"
        f" error {b['error'] or 'none'}, marked {yes(b['marked'])}"
    )
    print(
        f"  3c. complaint edited into a call: marked {yes(c['edited'])}; deleted: marked"
        f" {yes(c['deleted'])}"
    )
    print("  Elapsed: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in elapsed))
    print(f"  Total: {total:.1f} s")


def main():
    args = parse_args(
        __doc__,
        partners=(int, 35_000, "customer companies to create"),
        lines=(int, 140_000, "posted invoice lines to create"),
        kills=(int, 10, "times the full run's worker is killed"),
        seed=(int, None, "seed of the kill moments (default: a random one)"),
        worker=(str, "", "internal: run as a worker process (fullrun, serve)"),
        addons=(str, "", "internal: the workers' addons path"),
    )
    if args.worker:
        worker_main(args)
        return
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    rng = random.Random(seed)
    folder = tempfile.mkdtemp(prefix="cc-bench-reliability.")
    started = time.perf_counter()
    elapsed = []
    with bench_database(args) as registry:
        print(f"Machine: {machine()}", flush=True)
        with environment(registry) as env:
            generate(env, args)
        elapsed.append(("setup", time.perf_counter() - started))
        print(
            f"Generated {args.partners:,} customers and {args.lines:,} invoice lines;"
            f" setup {elapsed[-1][1]:.1f} s; kill seed {seed}",
            flush=True,
        )
        print("1. Kill test: a full run by a worker killed with SIGKILL", flush=True)
        with Timer() as part:
            kill = kill_test(args, registry, rng, folder)
        elapsed.append(("kill test", part.elapsed))
        print("2. Concurrent pairs (two workers, one barrier, one transaction each)", flush=True)
        with Timer() as part:
            workers = [Worker(args, "serve", folder) for _ in range(2)]
            for worker in workers:
                worker.wait_for("started")
            pairs = concurrent_pairs(registry, workers)
        elapsed.append(("pairs", part.elapsed))
        print("3. Mark races", flush=True)
        with Timer() as part:
            races = mark_races(registry, workers, folder)
            for worker in workers:
                worker.quit()
        elapsed.append(("races", part.elapsed))
        summary((kill, pairs, races), elapsed, time.perf_counter() - started)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
