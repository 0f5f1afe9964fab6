"""Benchmark of a large first sync and of a sync with nothing changed.

    python3 bench/run.py [--n 1000] [--latency-ms 50] [--in-flight 4] [--json]

Builds a fresh Odoo database with billy_connector, N organizations with one contact person
each, N products and N posted two-line invoices; starts the Billy sandbox with the given
latency; runs a first full sync and a second one with nothing changed, and prints for each:
wall time, requests by kind (the sandbox's counters), the round-trip limit (requests x
latency / requests in flight), the ratio to it, Odoo-side time per record, and peak memory.
Needs Odoo 19 importable by python3 (or ODOO_PYTHON) and PostgreSQL (scripts/ensure-postgres.sh).
"""

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "scripts")]
from odoo_addons_path import odoo_addons_path  # noqa: E402

TOKEN = "bench-token"
COMPANY = "Bench ApS"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--in-flight", type=int, default=None, help="default: the setting's")
    parser.add_argument("--json", action="store_true", help="one JSON object, nothing else")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--data-cache",
        action="store_true",
        help="keep the built books in a database <db>_data and reuse them on later runs",
    )
    parser.add_argument("--profile", metavar="FILE", help="cProfile the first sync into FILE")
    return parser.parse_args()


def log(args, message):
    if not args.json:
        print(message, flush=True)


def addons_path():
    return f"{odoo_addons_path()},{REPO}"


def drop_database(db, check=True):
    """Drop `db`, closing this process's connections to it first."""
    import odoo.sql_db

    odoo.sql_db.close_db(db)
    subprocess.run(["dropdb", "--if-exists", db], check=check, capture_output=True)


def install(db, args):
    drop_database(db)
    log(args, f"installing billy_connector on a fresh database {db} …")
    run_odoo(db, "-i", "billy_connector")


def run_odoo(db, *options):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={addons_path()}",
            "-d",
            db,
            *options,
            "--stop-after-init",
            "--log-level=warn",
            "--http-interface=127.0.0.1",
        ],
        check=True,
        cwd="/",
        capture_output=True,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )


@contextmanager
def sandbox(latency_ms):
    command = [sys.executable, "-m", "billy_api.sandbox", "--host", "127.0.0.1", "--port", "0"]
    command += ["--token", f"{TOKEN}={COMPANY}", "--seed", "danish"]
    command += ["--latency-ms", str(round(latency_ms))]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        url = process.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise SystemExit(f"the Billy sandbox did not start (it said {url!r})")
        yield url
    finally:
        process.terminate()
        process.wait(10)


def control(url, path, method="GET"):
    base = url.rsplit("/v2", 1)[0]
    request = urllib.request.Request(f"{base}/_sandbox/{path}", method=method)
    with urllib.request.urlopen(request, timeout=30) as answer:
        body = answer.read()
    return json.loads(body) if body else {}


def build_data(env, n, args):
    """N organizations + N contact persons, N products, N posted two-line invoices."""
    # install_mode: Odoo would otherwise install the Danish localization's modules
    company = (
        env["res.company"]
        .with_context(install_mode=True)
        .create({"name": COMPANY, "currency_id": env.ref("base.DKK").id})
    )
    company.country_id = env.ref("base.dk")
    env.ref("base.DKK").active = True
    env.user.company_ids |= company
    env = env(context=dict(env.context, allowed_company_ids=company.ids))
    company = company.with_env(env)
    env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    company.write(
        {"currency_id": env.ref("base.DKK").id, "tax_calculation_rounding_method": "round_globally"}
    )
    group = env["account.tax.group"].search([("company_id", "=", company.id)], limit=1)
    tax = env["account.tax"].create(
        {
            "name": "Moms 25%",
            "amount": 25.0,
            "type_tax_use": "sale",
            "company_id": company.id,
            "tax_group_id": group.id,
        }
    )
    dk = env.ref("base.dk")
    log(args, f"creating {n} organizations, {n} contact persons, {n} products …")
    orgs = env["res.partner"].create(
        [
            {
                "name": f"Kunde {i:05d} ApS",
                "is_company": True,
                "country_id": dk.id,
                "street": f"Vej {i}",
                "zip": "8000",
                "city": "Aarhus",
                "vat": f"DK{10000000 + i}",
                "customer_rank": 1,
                "company_id": company.id,
            }
            for i in range(n)
        ]
    )
    env["res.partner"].create(
        [
            {"name": f"Person {i:05d}", "email": f"p{i}@kunde{i}.dk", "parent_id": org.id}
            for i, org in enumerate(orgs)
        ]
    )
    products = env["product.template"].create(
        [
            {
                "name": f"Vare {i:05d}",
                "default_code": f"V{i:05d}",
                "list_price": 100.0 + i % 50,
                "taxes_id": [(6, 0, tax.ids)],
                "company_id": company.id,
            }
            for i in range(n)
        ]
    )
    log(args, f"creating and posting {n} invoices …")
    variants = products.product_variant_id
    for start in range(0, n, 500):
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": orgs[i].id,
                    "invoice_date": "2026-11-02",
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": variants[i].id,
                                "quantity": 2,
                                "price_unit": 100.0,
                                "tax_ids": [(6, 0, tax.ids)],
                            },
                        ),
                        (
                            0,
                            0,
                            {
                                "product_id": variants[(i + 1) % n].id,
                                "quantity": 1,
                                "price_unit": 49.5,
                                "tax_ids": [(6, 0, tax.ids)],
                            },
                        ),
                    ],
                }
                for i in range(start, min(start + 500, n))
            ]
        )
        moves.action_post()
        env.cr.commit()
    return company


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


def open_database(db, args):
    """A fresh database with billy_connector and the benchmark's books, and its registry.

    With --data-cache the books are built once per N and kept in the database `<db>_data`;
    later runs copy it (and update billy_connector) instead of building them again.
    """
    import odoo
    from odoo.modules.registry import Registry

    cache = f"{db}_data" if getattr(args, "data_cache", False) else None
    cached = cache and database_exists(cache)
    if cached:
        log(args, f"copying the books of {cache} …")
        drop_database(db)
        subprocess.run(["createdb", "-T", cache, db], check=True, capture_output=True)
        run_odoo(db, "-u", "billy_connector")
    else:
        install(db, args)
    odoo.tools.config.parse_config(
        [
            f"--addons-path={addons_path()}",
            "-d",
            db,
            "--log-level=warn",
            "--http-interface=127.0.0.1",
        ]
    )
    if not cached:
        # in a child process: the memory the build takes is not the syncs' peak memory
        child = multiprocessing.get_context("fork").Process(target=build_books, args=(db, args))
        child.start()
        child.join()
        if child.exitcode:
            raise SystemExit(f"building the benchmark's books failed (exit code {child.exitcode})")
        if cache:
            subprocess.run(["createdb", "-T", db, cache], check=True, capture_output=True)
    return Registry(db)


def build_books(db, args):
    from odoo import api
    from odoo.modules.registry import Registry

    with Registry(db).cursor() as cr:
        build_data(api.Environment(cr, api.SUPERUSER_ID, {}), args.n, args)
        cr.commit()


def database_exists(name):
    query = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"
    answer = subprocess.run(
        ["psql", "-d", "postgres", "-Atc", query], capture_output=True, text=True, check=True
    )
    return answer.stdout.strip() == "1"


def connected_books(cr, args, url):
    """The benchmark's books (see build_data), connected to the sandbox at `url`."""
    from odoo import api

    env = api.Environment(cr, api.SUPERUSER_ID, {})
    company = env["res.company"].search([("name", "=", COMPANY)], limit=1)
    env = env(context=dict(env.context, allowed_company_ids=company.ids))
    company = company.with_env(env)
    company.write({"billy_api_key": TOKEN, "billy_api_url": url, "billy_sync_direction": "both"})
    cr.commit()
    return company


def main():
    args = parse_args()
    registry = open_database(f"billy_bench_{args.n}", args)
    db = registry.db_name
    meter = Meter()
    meter.install()
    with sandbox(args.latency_ms) as url, registry.cursor() as cr:
        company = connected_books(cr, args, url)
        env = company.env
        if args.in_flight:
            company.billy_requests_in_flight = args.in_flight
        in_flight = company.billy_requests_in_flight
        cr.commit()
        records = 4 * args.n  # organizations, contact persons, products, invoices
        log(
            args,
            f"first sync of {records} records at {args.latency_ms:g} ms, "
            f"{in_flight} requests in flight …",
        )
        with profiled(args.profile, "first"):
            first = measured_sync(env, company, url, meter, args.latency_ms, records, in_flight)
        log(args, "second sync, nothing changed …")
        with profiled(args.profile, "second"):
            second = measured_sync(env, company, url, meter, args.latency_ms, records, in_flight)
    if not args.keep_db:
        drop_database(db, check=False)
    result = {
        "n": args.n,
        "latency_ms": args.latency_ms,
        "in_flight": in_flight,
        "first": first,
        "second": second,
        "peak_rss_mb": round(meter.peak_rss / 2**20, 1),
    }
    if args.json:
        flat = {
            "n": result["n"],
            "latency_ms": result["latency_ms"],
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
        print(json.dumps(flat))
        return
    for name, run in (("first sync", first), ("second sync (nothing changed)", second)):
        print(f"\n{name}: {run['state']} — {run['summary']}")
        print(f"  wall time          {run['wall_s']} s")
        print(
            f"  requests           {run['requests']} ({run['writes']} writes, {run['reads']} reads)"
        )
        for key, count in sorted(run["by_kind"].items()):
            print(f"    {key:<34} {count}")
        print(
            f"  round-trip limit   {run['limit_s']} s "
            f"({run['requests']} x {args.latency_ms:g} ms / {in_flight} in flight)"
        )
        print(f"  ratio to limit     {run['ratio']}")
        print(f"  Odoo time/record   {run['odoo_ms_per_record']} ms")
    print(f"\npeak memory during the syncs: {result['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
