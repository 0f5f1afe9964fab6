"""Fault soak at scale: bulk syncs under injected faults, again and again, until done.

    python3 bench/soak.py [--n 500] [--latency-ms 5] [--max-runs 20] [--bulk-size 50]

Builds N organizations with a contact person, N products and N posted invoices, makes the
sandbox answer with 5xx errors, 429 bursts with Retry-After, lost and cut-off answers after
committed writes (bulk saves' too: 50 records a bulk save by default), and latency, then
runs automatic (batch-committing) syncs until a run has nothing left to do. Prints the
faults injected, the client's retries, the runs, and checks: exactly one Billy record per
Odoo record and the reverse, every link synced (none left failed or pending), every failure
of the way in the sync logs. Exits non-zero on a failure.
"""

import argparse
import json
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import books as bench
import crash

from billy_api.sandbox.retries import counting_retries

FAULTS = [
    {"kind": "latency", "ms": 5, "rate": 0.3},
    {"kind": "error", "status": 503, "rate": 0.05},
    {"kind": "error", "status": 502, "rate": 0.02},
    {"kind": "rate_limit", "status": 429, "retry_after": 1, "rate": 0.03},
    {"kind": "lost_response", "method": "POST", "rate": 0.04},
    {"kind": "lost_response", "method": "PUT", "rate": 0.04},
    {"kind": "malformed", "method": "POST", "rate": 0.02},
    # bulk saves: few requests, so their faults are frequent
    {"kind": "lost_response", "method": "PATCH", "rate": 0.15},
    {"kind": "error", "status": 503, "method": "PATCH", "rate": 0.1},
    {"kind": "malformed", "method": "PATCH", "rate": 0.05},
]


def set_faults(url, rules):
    base = url.rsplit("/v2", 1)[0]
    request = urllib.request.Request(
        f"{base}/_sandbox/faults",
        data=json.dumps({"rules": rules, "seed": 5}).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=30).close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, default=5.0)
    parser.add_argument("--max-runs", type=int, default=20)
    parser.add_argument(
        "--bulk-size", type=int, default=50, help="records per bulk save (0: bulk saves off)"
    )
    args = parser.parse_args()
    args.json = False
    db = f"billy_soak_{args.n}"
    registry = bench.open_database(db, args)
    with (
        counting_retries() as counter,
        bench.sandbox(args.latency_ms) as url,
        registry.cursor() as cr,
    ):
        company = bench.connected_books(cr, args, url)
        company.billy_bulk_size = args.bulk_size
        cr.commit()
        env = company.env
        set_faults(url, FAULTS)
        logs = env["billy.sync.log"]
        for number in range(1, args.max_runs + 1):
            log = company.billy_sync_all(trigger="cron")
            cr.commit()
            logs |= log
            print(f"run {number}: {log.state} — {log.summary}", flush=True)
            if log.state == "done" and not (log.created_billy or log.linked or log.updated_billy):
                break
        faults = bench.control(url, "stats")["faults"]
        set_faults(url, [])
        figures = crash.check(env, company, url, args.n)
        failed_lines = logs.line_ids.filtered(lambda line: line.action == "failed")
        figures.update(
            runs=len(logs),
            faults_injected=faults,
            client_retries=counter.retries,
            failures_logged=len(failed_lines),
            failures_counted=sum(logs.mapped("failed")),
        )
        print(json.dumps(figures, indent=1))
        good = (
            crash.ok(figures, args.n)
            and log.state == "done"
            and figures["failures_logged"] == figures["failures_counted"]
        )
    bench.drop_database(db, check=False)
    print("all checks passed: duplicates 0, values lost 0" if good else "FAILED")
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
