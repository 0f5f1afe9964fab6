"""The probe against the sandbox over real HTTP: it names exactly the quirks switched on, it
cleans up what it made (also after a failing step), and its command line; plus its pure parts."""

import json
from decimal import Decimal

import pytest

from billy_api import BillyClient
from billy_api.probe import QUIRKS, run_probe
from billy_api.probe.__main__ import main
from billy_api.probe.report import ERROR, OK, QUIRK, Check, ProbeReport
from billy_api.probe.session import PREFIX, answer_shape, record_in
from billy_api.probe.totals import invoice_totals, line_after_discount
from billy_api.sandbox import SandboxServer

TOKEN = "probe-token"


def sandbox(quirks=None):
    """A sandbox with exactly ``quirks`` on (every other one off); its defaults when None."""
    options = {}
    if quirks is not None:
        options = {"quirks": list(quirks), "without_quirks": sorted(set(QUIRKS) - set(quirks))}
    return SandboxServer(tokens={TOKEN: "Probe ApS"}, host="127.0.0.1", port=0, **options)


def probe_sandbox(quirks=(), allow_bookings=True, faults=None):
    """Run the probe against a fresh sandbox with exactly ``quirks`` on (None: its defaults);
    (report, the quirks the sandbox had on, the probe's records left in it)."""
    with sandbox(quirks) as box:
        if faults:
            box.set_faults(faults)
        with BillyClient(TOKEN, base_url=box.url, max_retries=0, read_timeout=20) as client:
            report = run_probe(client, allow_bookings=allow_bookings)
            box.clear_faults()
            left = {
                plural: [r for r in client.list(plural) if _is_probe_record(r)]
                for plural in ("contacts", "products", "invoices")
            }
        active = set(box.quirks)
    return report, active, left


def _is_probe_record(record):
    text = " ".join(str(record.get(key) or "") for key in ("name", "contactMessage"))
    return PREFIX in text


@pytest.mark.parametrize("quirk", [None, *QUIRKS])
def test_probe_names_exactly_the_quirk_switched_on(quirk):
    report, active, _ = probe_sandbox([quirk] if quirk else [])
    assert active == ({quirk} if quirk else set())
    assert report.quirks == ([quirk] if quirk else []), report.format_table()


def test_probe_names_every_quirk_when_all_are_on():
    report, active, _ = probe_sandbox(QUIRKS)
    assert active == set(QUIRKS)
    assert report.quirks == list(QUIRKS), report.format_table()


def test_probe_names_the_sandbox_default_quirks():
    report, active, _ = probe_sandbox(None, allow_bookings=False)
    assert set(report.quirks) == active, report.format_table()


def test_probe_facts_on_the_documented_sandbox():
    report, _, left = probe_sandbox()
    checks = {check.name: check for check in report.checks}
    assert not [c.name for c in report.checks if c.status == ERROR], report.format_table()
    for name in (
        "validation-status",
        "q-filter",
        "bulk-save",
        "totals",
        "external-id",
        "download-url",
        "lines-on-update",
        "delete-missing",
        "put-id-mismatch",
        "invoice-update",
        "credit-note-settles",
        "write-answer-root",
    ):
        assert checks[name].status == OK, (name, checks[name].outcome)
    assert checks["credit-note-type"].outcome.startswith("creditNote accepted")
    assert checks["contact-persons-unfiltered"].outcome.startswith("refused: HTTP 400")
    fee = checks["late-fees-in-balance"]
    assert fee.status == OK and "1.25 → 2.25 with a fee of 1 → 1.25" in fee.outcome, fee.outcome
    # Drafts deleted; what Billy keeps (contact a has approved invoices) is archived; only the
    # two approved documents stay, and the report says so.
    assert all(c.get("isArchived") for c in left["contacts"] + left["products"]), left
    assert sorted(i["state"] for i in left["invoices"]) == ["approved", "approved"], left
    assert len(report.left_in_billy) == 2


def test_probe_without_bookings_leaves_nothing_but_archived_records():
    report, _, left = probe_sandbox(allow_bookings=False)
    skipped = [c.name for c in report.checks if c.status == "skipped"]
    assert skipped == ["late-fees-in-balance", "credit-note-settles"]
    assert left["invoices"] == []
    assert all(c.get("isArchived") for c in left["contacts"] + left["products"]), left
    assert report.left_in_billy == []


def test_probe_cleans_up_when_a_step_fails():
    # Every invoice POST fails: the probe stops after its contacts and product, and removes them.
    faults = [
        {"kind": "error", "status": 500, "method": "POST", "path": "/invoices$", "count": 1000}
    ]
    report, _, left = probe_sandbox(allow_bookings=False, faults=faults)
    assert report.checks[-1].name == "stopped" and report.checks[-1].status == ERROR
    assert "500" in report.checks[-1].outcome
    assert left == {"contacts": [], "products": [], "invoices": []}
    assert len(report.cleanup) == 3 and report.left_in_billy == []


def test_command_line_json_and_refused_token(capsys):
    with sandbox(["q-ignored"]) as box:
        assert main(["--token", TOKEN, "--url", box.url, "--json"]) == 0
        answer = json.loads(capsys.readouterr().out)
        assert set(answer) >= {"quirks", "checks", "cleanup", "leftInBilly", "organizationId"}
        assert answer["quirks"] == ["q-ignored"]
        assert main(["--token", TOKEN, "--url", box.url]) == 0
        assert "quirks: q-ignored" in capsys.readouterr().out
        assert main(["--token", "wrong-token", "--url", box.url]) == 2
        assert "could not start" in capsys.readouterr().err


def test_totals_follow_invoice_total_js():
    # The discount is rounded on its own: 299.85 - round(29.985) = 269.86, not round(269.865).
    assert line_after_discount(3, 99.95, "percent", 10) == Decimal("269.86")
    assert line_after_discount(7.5, 19.99, "cash", 7.15) == Decimal("142.78")
    # The Java client's captured incl invoice: lines 123 and 345 at 25 %.
    incl = invoice_totals([(1, 123, None, None, 0.25), (1, 345, None, None, 0.25)], "incl")
    assert (incl.amount, incl.tax, incl.gross_amount) == (
        Decimal("374.40"),
        Decimal("93.60"),
        Decimal(468),
    )
    # Line taxes are summed unrounded: 3 x 0.125 = 0.375 -> 0.38 (per-line rounding gives 0.39).
    excl = invoice_totals([(1, 0.5, None, None, 0.25)] * 3, "excl")
    assert excl.tax == Decimal("0.38") and excl.gross_amount == Decimal("1.88")
    # Half away from zero on negative amounts (bignumber.js ROUND_HALF_UP).
    assert line_after_discount(1, -0.005) == Decimal("-0.01")


def test_answer_shapes_and_records():
    plural = {"meta": {}, "invoices": [{"id": "a"}, {"id": "b"}], "invoiceLines": []}
    singular = {"meta": {}, "invoice": {"id": "a"}}
    assert answer_shape(plural, "invoices") == "plural"
    assert answer_shape(singular, "invoices") == "singular"
    assert answer_shape({"meta": {}}, "invoices") == "none"
    assert record_in(plural, "invoices", "b") == {"id": "b"}
    assert record_in(singular, "invoices") == {"id": "a"}
    assert record_in(singular, "contacts") is None


def test_report_lists_quirks_in_contract_order():
    report = ProbeReport(base_url="http://x")
    for quirk in reversed(QUIRKS):
        report.add(Check(name=quirk, fact=quirk, status=QUIRK, quirk=quirk))
    report.add(Check(name="other", fact="other", status=OK))
    assert report.quirks == list(QUIRKS)
    assert json.loads(report.to_json())["quirks"] == list(QUIRKS)
    assert "quirks: singular-root, external-id-dropped" in report.format_table()
