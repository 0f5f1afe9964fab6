"""Crash safety and concurrency, on a real database and a real sandbox.

    python3 bench/crash.py [--n 300] [--latency-ms 20] [--bulk-size 25]

1. Crash: an automatic (batch-committing) sync runs in a child process, which is killed
   with SIGKILL once Billy has received three quarters of its writes (bulk saves of 25
   records by default: after the first kinds' batch commits, between two bulk saves). The
   database must be consistent (every stored link points at a record Billy has) and the next
   run must finish the work with exactly one Billy record per Odoo record.
2. Concurrency: a bulk sync and a user's "Sync with Billy" on overlapping records run at
   the same time in two processes; afterwards there is no duplicate and no lost update.
Prints the figures and exits non-zero when a check fails.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import books as bench

CHILD_CODE = """
import sys
sys.path.insert(0, {repo!r})
import odoo
from odoo import api
from odoo.modules.registry import Registry
odoo.tools.config.parse_config(["--addons-path={addons}", "-d", {db!r}, "--log-level=warn"])
registry = Registry({db!r})
with registry.cursor() as cr:
    env = api.Environment(cr, api.SUPERUSER_ID, {{}})
    company = env["res.company"].search([("name", "=", "Bench ApS")])
    env = env(context={{"allowed_company_ids": company.ids}})
    company = company.with_env(env)
    if {mode!r} == "bulk":
        log = company.billy_sync_all(trigger="cron")
    else:
        partners = env["res.partner"].search(
            [("company_id", "=", company.id), ("is_company", "=", True)], limit={limit}
        )
        partners.action_billy_sync()
        log = env["billy.sync.log"].search([], limit=1)
    cr.commit()
    print(log.state, log.summary.replace(chr(10), " "))
"""


def child(args, db, mode, limit=0):
    code = CHILD_CODE.format(
        repo=str(bench.REPO), addons=bench.addons_path(), db=db, mode=mode, limit=limit
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd="/",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=bench.python_path()),
    )


def last_words(stdout, stderr):
    """What a child said: its printed outcome, else the last line of its error (a sync that
    found the other one running refuses with a UserError)."""
    lines = stderr.strip().splitlines()
    return stdout.strip() or (f"refused: {lines[-1]}" if lines else "(nothing)")


def writes(url):
    stats = bench.control(url, "stats")["requests"]
    return sum(n for key, n in stats.items() if not key.startswith("GET"))


def billy_records(url):
    from billy_api import BillyClient

    client = BillyClient(bench.TOKEN, base_url=url)
    contacts = list(client.list("contacts", include="contact.contactPersons:embed"))
    return {
        "contacts": contacts,
        "contactPersons": [p for c in contacts for p in c.get("contactPersons") or []],
        "products": list(client.list("products")),
        "invoices": list(client.list("invoices")),
    }


def check(env, company, url, n):
    """Exactly one Billy record per Odoo record and the reverse; every link synced."""
    billy = billy_records(url)
    env.invalidate_all()
    links = env["billy.link"].search([("company_id", "=", company.id)])
    linked = links.filtered("billy_id")
    ids = {kind: {r["id"] for r in records} for kind, records in billy.items()}
    all_ids = set().union(*ids.values())
    return {
        "billy_contacts": len(billy["contacts"]),
        "billy_contact_persons": len(billy["contactPersons"]),
        "billy_products": len(billy["products"]),
        "billy_invoices": len(billy["invoices"]),
        "duplicate_names": sum(
            len(records) - len({r.get("name") or r.get("externalId") for r in records})
            for kind, records in billy.items()
            if kind != "invoices"
        )
        + len(billy["invoices"])
        - len({r.get("externalId") for r in billy["invoices"]}),
        "links": len(links),
        "links_to_missing_billy_records": len([x for x in linked if x.billy_id not in all_ids]),
        "links_not_synced": len(links.filtered(lambda link: link.state != "synced")),
        "values_lost": values_lost(env, linked, billy),
        "expected_each": n,
    }


def values_lost(env, links, billy):
    """Mapped values that differ between a linked Odoo record and its Billy record."""
    by_id = {r["id"]: r for records in billy.values() for r in records}
    lost = 0
    for link in links:
        record, theirs = env[link.res_model].browse(link.res_id), by_id.get(link.billy_id)
        if theirs is None:
            continue
        if link.record_kind == "organization":
            mine = (record.name, record.city, record.zip)
            theirs = (theirs.get("name"), theirs.get("cityText"), theirs.get("zipcodeText"))
        elif link.record_kind == "contact_person":
            mine, theirs = (record.name, record.email), (theirs.get("name"), theirs.get("email"))
        elif link.record_kind == "product":
            mine, theirs = (
                (record.name, record.default_code),
                (theirs.get("name"), theirs.get("productNo")),
            )
        elif link.record_kind == "invoice":
            mine, theirs = round(record.amount_total, 2), round(theirs.get("grossAmount"), 2)
        else:
            continue
        lost += mine != theirs
    return lost


def ok(figures, n):
    return (
        figures["billy_contacts"] == n
        and figures["billy_contact_persons"] == n
        and figures["billy_products"] == n
        and figures["billy_invoices"] == n
        and figures["duplicate_names"] == 0
        and figures["links_to_missing_billy_records"] == 0
        and figures["links_not_synced"] == 0
        and figures["values_lost"] == 0
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument(
        "--bulk-size", type=int, default=25, help="records per bulk save (0: bulk saves off)"
    )
    args = parser.parse_args()
    args.json = False
    db = f"billy_crash_{args.n}"
    registry = bench.open_database(db, args)
    failures = []
    with bench.sandbox(args.latency_ms) as url, registry.cursor() as cr:
        company = bench.connected_books(cr, args, url)
        company.billy_bulk_size = args.bulk_size
        cr.commit()
        env = company.env
        per_kind = -(-args.n // args.bulk_size) if args.bulk_size > 1 else args.n
        total_writes = 4 * per_kind  # four kinds of N records, a bulk save or a record a write
        # after the batch commits of the first kinds, in the middle of the products
        kill_at = total_writes * 3 // 4

        print(f"1. crash: killing an automatic sync after ~{kill_at} of {total_writes} writes")
        process = child(args, db, "bulk")
        while writes(url) < kill_at and process.poll() is None:
            time.sleep(0.05)
        if process.poll() is not None:
            failures.append("the sync ended before it was killed: no crash was tried")
        process.send_signal(signal.SIGKILL)
        process.wait()
        after_kill = writes(url)
        time.sleep(1)  # PostgreSQL ends the killed session and its locks
        env.invalidate_all()
        links = env["billy.link"].search(
            [("company_id", "=", company.id), ("billy_id", "!=", False)]
        )
        billy_ids = set().union(*({r["id"] for r in rs} for rs in billy_records(url).values()))
        dangling = [link for link in links if link.billy_id not in billy_ids]
        print(
            f"   killed after {after_kill} writes; committed links: {len(links)}, "
            f"links to records Billy lacks: {len(dangling)}"
        )
        if dangling:
            failures.append("a committed link points at a record Billy does not have")
        log = company.billy_sync_all(trigger="cron")
        cr.commit()
        print(f"   next run: {log.state} — {log.summary}")
        figures = check(env, company, url, args.n)
        print("   " + json.dumps(figures))
        if not ok(figures, args.n):
            failures.append("after the crash and a new run, Billy and Odoo differ")

        print("2. concurrency: a bulk sync and a user's Sync with Billy at the same time")
        partners = env["res.partner"].search(
            [("company_id", "=", company.id), ("is_company", "=", True)], limit=100
        )
        for partner in partners:
            partner.city = f"{partner.city} Nord"
        cr.commit()
        bulk, button = child(args, db, "bulk"), child(args, db, "button", limit=100)
        outputs = [last_words(*p.communicate()) for p in (bulk, button)]
        print(f"   bulk: {outputs[0]}\n   button: {outputs[1]}")
        log = company.billy_sync_all(trigger="cron")  # what one of them was refused is done now
        cr.commit()
        figures = check(env, company, url, args.n)
        contacts = {c["id"]: c for c in billy_records(url)["contacts"]}
        env.invalidate_all()
        lost = [p for p in partners if contacts.get(p.billy_id, {}).get("cityText") != p.city]
        figures["lost_updates"] = len(lost)
        print("   " + json.dumps(figures))
        if not ok(figures, args.n) or lost:
            failures.append("concurrent syncs duplicated or lost something")
    bench.drop_database(db, check=False)
    print("FAILED: " + "; ".join(failures) if failures else "all checks passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
