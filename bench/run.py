"""Benchmark of a large first sync and of a sync with nothing changed.

    python3 bench/run.py [--n 1000] [--latency-ms 50] [--in-flight 4] [--bulk-size 1000]
                         [--compare-single] [--json]

Builds a fresh Odoo database with billy_connector, N organizations with one contact person
each, N products and N posted two-line invoices; starts the Billy sandbox with the given
latency; runs a first full sync and a second one with nothing changed, and prints for each:
wall time, requests by kind (the sandbox's counters), the round-trip limit (requests x
latency / requests in flight), the ratio to it, Odoo-side time per record, and peak memory.
With --compare-single the first sync runs once more, on a copy of the books and against an
empty Billy, with bulk saves off (one request a record): `first_single`. With --queue-job it
runs once more on another copy, through queue_job (bench/queued.py): `queue_job.first`.
Needs Odoo 19 importable by python3 (or ODOO_PYTHON) and PostgreSQL (scripts/ensure-postgres.sh).
"""

import argparse
import json
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from books import (
    connected_books,
    control,
    drop_database,
    log,
    open_database,
    sandbox,
)
from queued import outcome, queued_first_sync


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--in-flight", type=int, default=None, help="default: the setting's")
    parser.add_argument(
        "--bulk-size", type=int, default=None, help="records per bulk save; default: the setting's"
    )
    parser.add_argument(
        "--compare-single",
        action="store_true",
        help="run the first sync again on a copy of the books with bulk saves off",
    )
    parser.add_argument(
        "--queue-job",
        action="store_true",
        help="run the first sync again on a copy of the books through queue_job (2 workers)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object, nothing else")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--data-cache",
        action="store_true",
        help="keep the built books in a database <db>_data and reuse them on later runs",
    )
    parser.add_argument("--profile", metavar="FILE", help="cProfile the first sync into FILE")
    return parser.parse_args()


class Meter:
    """Main-thread time spent waiting for Billy, and the process's peak memory."""

    def __init__(self):
        self.billy_wait = 0.0
        self.peak_rss = 0
        self._stop = threading.Event()

    def install(self):
        from billy_api import client as client_module
        from billy_api import dispatch

        meter, main = self, threading.main_thread()
        send = client_module.BillyClient._send

        def timed_send(client, *a, **kw):
            if threading.current_thread() is not main:
                return send(client, *a, **kw)
            started = time.perf_counter()
            try:
                return send(client, *a, **kw)
            finally:
                meter.billy_wait += time.perf_counter() - started

        client_module.BillyClient._send = timed_send
        complete = dispatch.Dispatcher._complete_oldest

        def timed_complete(dispatcher):
            future, _finish = dispatcher._pending[0]
            started = time.perf_counter()
            future.result()
            meter.billy_wait += time.perf_counter() - started
            return complete(dispatcher)

        dispatch.Dispatcher._complete_oldest = timed_complete

    @contextmanager
    def sampling(self):
        import psutil

        process = psutil.Process()
        self._stop.clear()

        def sample():
            while not self._stop.wait(0.05):
                self.peak_rss = max(self.peak_rss, process.memory_info().rss)

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        try:
            yield
        finally:
            self._stop.set()
            thread.join()
            self.peak_rss = max(self.peak_rss, process.memory_info().rss)


@contextmanager
def profiled(path, name):
    """cProfile a block into PATH.NAME when --profile PATH is given."""
    if not path:
        yield
        return
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        profiler.dump_stats(f"{path}.{name}")


def measured_sync(env, company, url, meter, latency_ms, records, in_flight):
    control(url, "stats", "DELETE")
    meter.billy_wait = 0.0
    started = time.perf_counter()
    with meter.sampling():
        log_record = company.billy_sync_all(trigger="cron")
        env.cr.commit()
    wall = time.perf_counter() - started
    stats = control(url, "stats")
    requests = stats["requests"]
    total = sum(requests.values())
    writes = sum(n for key, n in requests.items() if not key.startswith("GET"))
    limit = total * latency_ms / 1000 / in_flight
    return {
        "wall_s": round(wall, 2),
        "limit_s": round(limit, 2),
        "ratio": round(wall / limit, 2) if limit else None,
        "requests": total,
        "writes": writes,
        "reads": total - writes,
        "by_kind": requests,
        "odoo_ms_per_record": round((wall - meter.billy_wait) * 1000 / records, 3),
        "state": log_record.state,
        "summary": log_record.summary,
    }


def first_sync_single(args, db, meter, records):
    """The first sync once more, on the copy of the books `db`, bulk saves off."""
    from odoo.modules.registry import Registry

    log(args, "first sync again on a copy of the books, one request a record …")
    with sandbox(args.latency_ms) as url, Registry(db).cursor() as cr:
        company = connected_books(cr, args, url)
        if args.in_flight:
            company.billy_requests_in_flight = args.in_flight
        company.billy_bulk_size = 0
        cr.commit()
        in_flight = company.billy_requests_in_flight
        return measured_sync(company.env, company, url, meter, args.latency_ms, records, in_flight)


def main():
    args = parse_args()
    db = f"billy_bench_{args.n}"
    single_db = f"{db}_single" if args.compare_single else None
    queue_db = f"{db}_queue" if args.queue_job else None
    registry = open_database(db, args, copy_to=[name for name in (single_db, queue_db) if name])
    meter = Meter()
    meter.install()
    records = 4 * args.n  # organizations, contact persons, products, invoices
    with sandbox(args.latency_ms) as url, registry.cursor() as cr:
        company = connected_books(cr, args, url)
        env = company.env
        if args.in_flight:
            company.billy_requests_in_flight = args.in_flight
        if args.bulk_size is not None:
            company.billy_bulk_size = args.bulk_size
        in_flight = company.billy_requests_in_flight
        bulk_size = company.billy_bulk_size
        cr.commit()
        log(
            args,
            f"first sync of {records} records at {args.latency_ms:g} ms, "
            f"{in_flight} requests in flight, {bulk_size} records per bulk save …",
        )
        with profiled(args.profile, "first"):
            first = measured_sync(env, company, url, meter, args.latency_ms, records, in_flight)
        log(args, "second sync, nothing changed …")
        with profiled(args.profile, "second"):
            second = measured_sync(env, company, url, meter, args.latency_ms, records, in_flight)
        inline_outcome = outcome(env, company)
    single = first_sync_single(args, single_db, meter, records) if single_db else None
    queued = None
    if queue_db:
        try:
            queued = queued_first_sync(args, queue_db, records, in_flight)
        except (Exception, SystemExit) as error:  # the inline figures are printed anyway
            print(f"the queue_job run failed: {error!r}", file=sys.stderr)
    if queued:
        queued["same_outcome"] = (
            queued["linked"] == inline_outcome["linked"]
            and queued["linked_twice"] == inline_outcome["linked_twice"] == 0
            and queued["state"] == first["state"]
        )
        queued["ratio_to_inline"] = round(queued["wall_s"] / first["wall_s"], 2)
    if not args.keep_db:
        for name in (db, single_db, queue_db):
            if name:
                drop_database(name, check=False)
    runs = {"first": first, "second": second, "first_single": single}
    result = {
        "n": args.n,
        "latency_ms": args.latency_ms,
        "in_flight": in_flight,
        "bulk_size": bulk_size,
        **{name: run for name, run in runs.items() if run},
        "peak_rss_mb": round(meter.peak_rss / 2**20, 1),
    }
    if args.json:
        flat = {
            "n": result["n"],
            "latency_ms": result["latency_ms"],
            "bulk_size": bulk_size,
            "first.wall_s": first["wall_s"],
            "first.limit_s": first["limit_s"],
            "first.ratio": first["ratio"],
            "first.requests": first["requests"],
            "first.odoo_ms_per_record": first["odoo_ms_per_record"],
            "second.wall_s": second["wall_s"],
            "second.writes": second["writes"],
            "second.reads": second["reads"],
            "second.odoo_ms_per_record": second["odoo_ms_per_record"],
            "peak_rss_mb": result["peak_rss_mb"],
        }
        if single:
            flat["first_single.wall_s"] = single["wall_s"]
            flat["first_single.requests"] = single["requests"]
            flat["first.to_single"] = round(first["wall_s"] / single["wall_s"], 2)
        if queued:
            for key in ("wall_s", "requests", "writes", "ratio_to_inline", "peak_rss_mb"):
                flat[f"queue_job.first.{key}"] = queued[key]
            flat["queue_job.first.state"] = queued["state"]
            flat["queue_job.first.jobs"] = queued["jobs"]
            flat["queue_job.same_outcome"] = queued["same_outcome"]
        flat["first.state"] = first["state"]
        flat["linked"] = inline_outcome["linked"]
        flat["linked_twice"] = inline_outcome["linked_twice"]
        print(json.dumps(flat))
        return
    names = {
        "first": "first sync",
        "second": "second sync (nothing changed)",
        "first_single": "first sync, one request a record (bulk saves off)",
    }
    for key, run in runs.items():
        if run:
            print_run(names[key], run, args.latency_ms, in_flight)
    print(f"\npeak memory during the syncs: {result['peak_rss_mb']} MB")
    print(
        f"links: {inline_outcome['linked']}, Billy ids linked twice: "
        f"{inline_outcome['linked_twice']}"
    )
    if queued:
        print(f"\nfirst sync through queue_job: {queued['state']} — {queued['summary']}")
        for key in ("wall_s", "ratio_to_inline", "requests", "writes", "jobs", "peak_rss_mb"):
            print(f"  {key:<18} {queued[key]}")
        print(f"  same outcome       {queued['same_outcome']} (links {queued['linked']})")


def print_run(name, run, latency_ms, in_flight):
    print(f"\n{name}: {run['state']} — {run['summary']}")
    print(f"  wall time          {run['wall_s']} s")
    print(f"  requests           {run['requests']} ({run['writes']} writes, {run['reads']} reads)")
    for key, count in sorted(run["by_kind"].items()):
        print(f"    {key:<34} {count}")
    print(
        f"  round-trip limit   {run['limit_s']} s "
        f"({run['requests']} x {latency_ms:g} ms / {in_flight} in flight)"
    )
    print(f"  ratio to limit     {run['ratio']}")
    print(f"  Odoo time/record   {run['odoo_ms_per_record']} ms")


if __name__ == "__main__":
    main()
