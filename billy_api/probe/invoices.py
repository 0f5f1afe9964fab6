"""Probe steps on draft invoices: totals, externalId, downloadUrl, lines on update, the
credit-note literal, and what voided invoices look like."""

from decimal import Decimal

from billy_api import BillyError, BillyValidationError

from .report import INFO, OK
from .session import record_in
from .steps import attempt, described, verdict
from .totals import invoice_totals

CREDIT_NOTE_LITERALS = ("creditNote", "credit_note")
# 3 x 99.95 at 10 %: the discount 29.985 rounds to 29.99, so the line is 269.86 (not 269.87).
PROBE_LINES = (
    {"quantity": 3, "unitPrice": 99.95, "discountMode": "percent", "discountValue": 10},
    {"quantity": 1, "unitPrice": 0.5},
)


def make_product(session):
    name = f"{session.prefix}-product"
    record, _ = session.create(
        "products",
        {"name": name, "prices": [{"unitPrice": 99.95, "currencyId": session.currency}]},
        f"product {name}",
    )
    return record["id"]


def draft_values(session, contact_id, product_id, **values):
    lines = [dict(line, productId=product_id, description="billy-probe") for line in PROBE_LINES]
    record = {
        "contactId": contact_id,
        "entryDate": session.today,
        "currencyId": session.currency,
        "paymentTermsMode": "net",
        "paymentTermsDays": 8,
        "taxMode": "excl",
        "contactMessage": session.prefix,
        "lines": lines,
    }
    record.update(values)
    return record


def probe_invoices(session, report, contact_id, product_id):
    """Make one draft invoice and run the invoice checks on it; returns its id."""
    external_id = f"{session.prefix}-ext"
    values = draft_values(session, contact_id, product_id, externalId=external_id)
    invoice, _ = session.create("invoices", values, f"draft invoice {session.prefix}")
    invoice_id = invoice["id"]
    attempt(
        report,
        "totals",
        "totals rounded as invoice-total.js?",
        lambda check: _totals(session, check, invoice_id),
    )
    attempt(
        report,
        "external-id",
        "externalId stored and filterable?",
        lambda check: _external_id(session, check, invoice_id, external_id),
    )
    attempt(
        report,
        "download-url",
        "downloadUrl stable across reads?",
        lambda check: _download_url(session, check, invoice_id, contact_id),
    )
    attempt(
        report,
        "invoice-update",
        "PUT of a draft invoice's header (no lines) accepted?",
        lambda check: _header_update(session, check, invoice_id),
    )
    attempt(
        report,
        "lines-on-update",
        "PUT a draft invoice with lines replaces them?",
        lambda check: _lines_on_update(session, check, invoice_id, product_id),
    )
    attempt(
        report,
        "credit-note-type",
        "credit-note type literal accepted?",
        lambda check: _credit_note_literal(session, check, contact_id, product_id),
    )
    attempt(
        report,
        "voided-invoices",
        "voided invoices: balance kept, no due date?",
        lambda check: _voided(session, check),
    )
    return invoice_id


def _totals(session, check, invoice_id):
    invoice = session.get("invoices", invoice_id, include="invoice.lines:embed")
    lines = invoice.get("lines")
    if not isinstance(lines, list):
        lines = list(session.client.list("invoiceLines", params={"invoiceId": invoice_id}))
    rates = {}
    rows = []
    for line in lines:
        rate_id = line.get("taxRateId")
        if rate_id and rate_id not in rates:
            rate = Decimal(str(session.get("taxRates", rate_id).get("rate") or 0))
            rates[rate_id] = rate / 100 if rate > 1 else rate
        rows.append(
            (
                line.get("quantity"),
                line.get("unitPrice"),
                line.get("discountMode"),
                line.get("discountValue"),
                rates.get(rate_id, 0),
            )
        )
    expected = invoice_totals(rows, invoice.get("taxMode") or "excl")
    billy = tuple(Decimal(str(invoice.get(key) or 0)) for key in ("amount", "tax", "grossAmount"))
    ours = (expected.amount, expected.tax, expected.gross_amount)
    same = all(abs(a - b) < Decimal("0.005") for a, b in zip(billy, ours, strict=True))
    check.status = OK if same else INFO
    shown = "/".join(f"{value:.2f}" for value in billy)
    check.outcome = f"amount/tax/gross {shown} " + (
        "= calculator" if same else "≠ calculator " + "/".join(f"{value:.2f}" for value in ours)
    )


def _external_id(session, check, invoice_id, external_id):
    stored = session.get("invoices", invoice_id).get("externalId")
    page = session.first_page("invoices", {"externalId": external_id})
    ids = [record.get("id") for record in page.records]
    filtered = ids == [invoice_id]
    verdict(
        check,
        stored != external_id or not filtered,
        "external-id-dropped",
        f"read back {stored!r}; ?externalId= gave {len(ids)} invoice(s)"
        + ("" if filtered else " (not just this one)"),
    )


def _download_url(session, check, invoice_id, contact_id):
    urls = [session.get("invoices", invoice_id).get("downloadUrl") for _ in range(2)]
    page = session.first_page("invoices", {"contactId": contact_id})
    urls += [r.get("downloadUrl") for r in page.records if r.get("id") == invoice_id]
    distinct = {url for url in urls if url}
    verdict(
        check,
        len(distinct) > 1,
        "rotating-download-url",
        f"{len(urls)} reads (2 single, {len(urls) - 2} list), {len(distinct)} distinct URL(s)",
    )


def _header_update(session, check, invoice_id):
    message = f"{session.prefix} (updated)"
    record, _ = session.update("invoices", invoice_id, {"contactMessage": message})
    stored = session.get("invoices", invoice_id).get("contactMessage")
    check.status = OK if stored == message else INFO
    check.outcome = "stored" if stored == message else f"read back {stored!r}"
    if record is None:
        check.outcome += "; the answer had no invoice"


def _lines_on_update(session, check, invoice_id, product_id):
    new_line = {"productId": product_id, "quantity": 2, "unitPrice": 10, "description": "replaced"}
    try:
        _, answer = session.update("invoices", invoice_id, {"lines": [new_line]})
    except BillyError as exc:
        verdict(check, True, "lines-frozen", f"refused: {described(exc)}")
        return
    lines = list(session.client.list("invoiceLines", params={"invoiceId": invoice_id}))
    replaced = [(line.get("quantity"), line.get("unitPrice")) for line in lines] == [(2, 10)]
    deleted = len((answer.get("meta") or {}).get("deletedRecords", {}).get("invoiceLines", []))
    verdict(
        check,
        not replaced,
        "lines-frozen",
        f"accepted; {len(lines)} line(s) now, {deleted} reported deleted"
        + ("" if replaced else " (lines not replaced)"),
    )


def _credit_note_literal(session, check, contact_id, product_id):
    refusals = []
    for literal in CREDIT_NOTE_LITERALS:
        values = draft_values(session, contact_id, product_id, type=literal)
        values["organizationId"] = session.org_id
        try:
            answer = session.write("POST", "invoices", {"invoice": values})
        except BillyValidationError as exc:
            refusals.append(f"{literal}: {described(exc)}")
            continue
        record = record_in(answer, "invoices") or {}
        if record.get("id"):
            session.created.append(("invoices", record["id"], f"draft credit note {literal}"))
        session.credit_note_type = literal
        check.status = OK
        check.outcome = f"{literal} accepted (read back as {record.get('type')!r})"
        if refusals:
            check.outcome += "; refused " + "; ".join(refusals)
        return
    check.status = INFO
    check.outcome = "neither accepted: " + "; ".join(refusals)


def _voided(session, check):
    page = session.first_page("invoices", {"state": "voided"}, page_size=20)
    check.status = INFO
    if not page.records:
        check.outcome = "no voided invoice in this organization"
        return
    kept = sum(1 for record in page.records if record.get("balance"))
    no_due = sum(1 for record in page.records if not record.get("dueDate"))
    check.outcome = (
        f"{len(page.records)} voided read: {kept} with a balance, {no_due} without a dueDate"
    )
