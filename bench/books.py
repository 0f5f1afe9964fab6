"""The benchmarks' books: a fresh Odoo database with billy_connector and N organizations
with one contact person each, N products and N posted two-line invoices (build_data), and
the Billy sandbox they are connected to. Used by run.py, crash.py and soak.py.
"""

import json
import multiprocessing
import os
import subprocess
import sys
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "scripts")]
from odoo_addons_path import odoo_addons_path  # noqa: E402

TOKEN = "bench-token"
COMPANY = "Bench ApS"


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
        env=dict(os.environ, PYTHONPATH=python_path()),
    )


def python_path():
    """The repository first, then the caller's PYTHONPATH (where billy-api's metadata may be,
    which the addon's manifest names)."""
    return os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))


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


def open_database(db, args, copy_to=None):
    """A fresh database with billy_connector and the benchmark's books, and its registry.

    With --data-cache the books are built once per N and kept in the database `<db>_data`;
    later runs copy it (and update billy_connector) instead of building them again. With
    `copy_to` (a name or a list), the books are also copied into those databases before
    anything is synced.
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
    copies = [copy_to] if isinstance(copy_to, str) else list(copy_to or ())
    for copy in copies:
        odoo.sql_db.close_db(db)
        drop_database(copy)
        subprocess.run(["createdb", "-T", db, copy], check=True, capture_output=True)
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
