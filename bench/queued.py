"""bench/run.py --queue-job: the first sync once more, through queue_job.

On a copy of the books with billy_connector_queue installed, an Odoo server runs with
`--workers=2` and `server_wide_modules=web,queue_job` (its job runner dispatches the jobs to the
workers), channel `root.billy` with the capacity of the company's "Billy requests at once". The
sync is queued as the scheduler queues it (`billy_sync_all(trigger="cron")`), and waited for
until every job of it is done. The outcome is compared with the inline first sync's.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from books import addons_path, connected_books, control, log, python_path, run_odoo, sandbox

ACTIVE = ("wait_dependencies", "pending", "enqueued", "started")


def odoo_bin():
    import odoo

    scripts = [Path(path).resolve().parent / "odoo-bin" for path in odoo.__path__]
    found = [str(script) for script in scripts if script.exists()]
    return found[0] if found else shutil.which("odoo")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def odoo_server(db, capacity):
    """An Odoo server on `db` with two workers and queue_job's job runner."""
    port = free_port()
    # a script, not `-m odoo`: the server spawns its gevent process by sys.argv[0]
    command = [sys.executable, odoo_bin(), f"--addons-path={addons_path()}", "-d", db]
    command += [f"--db-filter=^{db}$", "--workers=2", "--max-cron-threads=0"]
    command += ["--load=web,queue_job", f"--http-port={port}"]
    command += ["--http-interface=127.0.0.1", "--log-level=warn", "--limit-time-real=100000"]
    command += ["--limit-time-cpu=100000", "--limit-memory-soft=4294967296"]
    command += ["--limit-memory-hard=8589934592"]
    env = dict(
        os.environ,
        PYTHONPATH=python_path(),
        ODOO_QUEUE_JOB_CHANNELS=f"root:{max(2, capacity)},root.billy:{capacity}",
        ODOO_QUEUE_JOB_HOST="127.0.0.1",
        ODOO_QUEUE_JOB_PORT=str(port),
    )
    errors = open(f"/tmp/{db}_server.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(command, cwd="/", env=env, stdout=errors, stderr=errors)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=5)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    message = f"the Odoo server did not start: /tmp/{db}_server.log"
                    raise SystemExit(message) from None
                time.sleep(1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        errors.close()


def warm_up(db, timeout=600):
    """Wait until the job runner and a worker have run a job (a worker's first one may wait
    for the registry): what is timed next is the sync's jobs only."""
    from odoo import api
    from odoo.modules.registry import Registry

    with Registry(db).cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        job = env["res.users"].browse(api.SUPERUSER_ID).with_delay().exists()
        cr.commit()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(0.5)
            cr.execute("SELECT state FROM queue_job WHERE uuid = %s", (job.uuid,))
            if cr.fetchone()[0] == "done":
                return
            cr.rollback()
    raise SystemExit("the queue_job runner ran no job: is queue_job among the server's --load?")


def peak_rss(process):
    """The largest resident memory of the server's processes (a worker runs a job)."""
    import psutil

    try:
        parent = psutil.Process(process.pid)
        return max(p.memory_info().rss for p in [parent, *parent.children(recursive=True)])
    except psutil.Error:
        return 0


def outcome(env, company):
    """What a first sync left: links per model, Billy ids linked twice, the log's counts."""
    env.cr.execute(
        "SELECT res_model, count(*), count(billy_id), count(billy_id) - count(DISTINCT billy_id)"
        " FROM billy_link WHERE company_id = %s GROUP BY res_model ORDER BY res_model",
        (company.id,),
    )
    rows = env.cr.fetchall()
    return {
        "linked": {model: linked for model, _total, linked, _twice in rows},
        "linked_twice": sum(twice for *_rest, twice in rows),
    }


def queued_first_sync(args, db, records, in_flight):
    """The first sync through queue_job on `db` (a copy of the books); its figures."""
    from odoo.modules.registry import Registry

    log(args, "first sync again through queue_job (2 workers) …")
    run_odoo(db, "-i", "billy_connector_queue")
    with sandbox(args.latency_ms) as url:
        with Registry(db).cursor() as cr:
            company = connected_books(cr, args, url)
            if args.in_flight:
                company.billy_requests_in_flight = args.in_flight
            if args.bulk_size is not None:
                company.billy_bulk_size = args.bulk_size
            cr.commit()
        with odoo_server(db, in_flight) as server:
            warm_up(db)
            control(url, "stats", "DELETE")
            peak, started = 0, time.perf_counter()
            with Registry(db).cursor() as cr:
                company = connected_books(cr, args, url)
                sync_log = company.billy_sync_all(trigger="cron")
                cr.commit()
                while True:
                    cr.rollback()  # a new snapshot: Odoo's cursors read repeatably
                    time.sleep(0.5)
                    peak = max(peak, peak_rss(server))
                    cr.execute("SELECT count(*) FROM queue_job WHERE state IN %s", (ACTIVE,))
                    if not cr.fetchone()[0]:
                        break
                wall = time.perf_counter() - started
                cr.execute("SELECT state, count(*) FROM queue_job GROUP BY state")
                jobs = dict(cr.fetchall())
                sync_log.invalidate_recordset()
                stats = control(url, "stats")
                result = outcome(company.env, company)
                state, summary = sync_log.state, sync_log.summary
    requests = stats["requests"]
    total = sum(requests.values())
    writes = sum(n for key, n in requests.items() if not key.startswith("GET"))
    return {
        "wall_s": round(wall, 2),
        "requests": total,
        "writes": writes,
        "reads": total - writes,
        "by_kind": requests,
        "jobs": jobs,
        "state": state,
        "summary": summary,
        "peak_rss_mb": round(peak / 2**20, 1),
        "records": records,
        **result,
    }
