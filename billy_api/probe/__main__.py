"""``python -m billy_api.probe --token TOKEN [--url URL] [--json] [--allow-bookings]``."""

import argparse
import sys

from billy_api import DEFAULT_BASE_URL, BillyError

from .run import probe_url

DESCRIPTION = """Probe one Billy organization before a first sync. It reads, creates a few records
named billy-probe-..., checks what Billy does with them, and deletes or archives them again.
With --allow-bookings it also approves one small invoice, adds a late fee (voided again) and
credits it in full: those two documents stay in Billy (approved documents cannot be deleted)."""


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m billy_api.probe", description=DESCRIPTION)
    parser.add_argument("--token", required=True, help="the organization's Billy access token")
    parser.add_argument("--url", default=DEFAULT_BASE_URL, help=f"default {DEFAULT_BASE_URL}")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--allow-bookings",
        action="store_true",
        help="also check late fees and credit notes on an approved invoice",
    )
    args = parser.parse_args(argv)
    try:
        report = probe_url(args.token, args.url, allow_bookings=args.allow_bookings)
    except (BillyError, ValueError) as exc:
        print(f"The probe could not start: {exc}", file=sys.stderr)
        return 2
    print(report.to_json() if args.json else report.format_table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
