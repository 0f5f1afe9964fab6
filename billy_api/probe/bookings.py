"""Probe steps that book (only with --allow-bookings): an approved invoice, a late fee on it
(voided again), and a credit note that should settle it.

Approved invoices cannot be deleted; the credit note leaves the books at zero and both stay in
Billy, named with the probe's prefix.
"""

from decimal import Decimal

from billy_api import BillyError

from .report import INFO, OK, SKIPPED, Check
from .steps import attempt, described


def skip_bookings(report):
    for name, fact in FACTS:
        report.add(Check(name=name, fact=fact, status=SKIPPED, outcome="needs --allow-bookings"))


FACTS = (
    ("late-fees-in-balance", "balance includes late fees?"),
    ("credit-note-settles", "an approved credit note settles the invoice it credits?"),
)


def probe_bookings(session, report, contact_id, product_id):
    line = {"productId": product_id, "quantity": 1, "unitPrice": 1, "description": "billy-probe"}
    values = {
        "contactId": contact_id,
        "entryDate": session.today,
        "currencyId": session.currency,
        "paymentTermsMode": "net",
        "paymentTermsDays": 8,
        "taxMode": "excl",
        "state": "approved",
        "contactMessage": f"{session.prefix}: probe invoice, settled by its credit note",
        "lines": [line],
    }
    invoice, _ = session.create("invoices", values, f"approved invoice {session.prefix}")
    invoice_id = invoice["id"]
    attempt(report, FACTS[0][0], FACTS[0][1], lambda check: _late_fee(session, check, invoice_id))
    attempt(
        report,
        FACTS[1][0],
        FACTS[1][1],
        lambda check: _credit_note(session, check, invoice_id, values),
    )


def _amounts(session, invoice_id):
    invoice = session.get("invoices", invoice_id)
    return Decimal(str(invoice.get("grossAmount") or 0)), Decimal(str(invoice.get("balance") or 0))


def _late_fee(session, check, invoice_id):
    gross, before = _amounts(session, invoice_id)
    try:
        fee, _ = session.create(
            "invoiceLateFees",
            {"invoiceId": invoice_id, "entryDate": session.today, "flatFee": 1, "percentageFee": 0},
            f"late fee on {session.prefix}",
        )
    except BillyError as exc:
        check.status = INFO
        check.outcome = f"no late fee could be added: {described(exc)}"
        return
    _, after = _amounts(session, invoice_id)
    session.update("invoiceLateFees", fee["id"], {"isVoided": True})
    session.forget("invoiceLateFees", fee["id"])
    _, voided = _amounts(session, invoice_id)
    check.status = OK if after - before == 1 else INFO
    check.outcome = (
        f"gross {gross}, balance {before} → {after} with a fee of 1 → {voided} after voiding it"
    )


def _credit_note(session, check, invoice_id, invoice_values):
    if session.credit_note_type is None:
        check.status = INFO
        check.outcome = "no credit-note literal was accepted; nothing to try"
        return
    gross, before = _amounts(session, invoice_id)
    values = dict(invoice_values, type=session.credit_note_type, creditedInvoiceId=invoice_id)
    values["contactMessage"] = f"{session.prefix}: credit note of the probe invoice"
    session.create("invoices", values, f"approved credit note {session.prefix}")
    _, after = _amounts(session, invoice_id)
    settled = after == before - gross
    check.status = OK if settled else INFO
    check.outcome = f"credited invoice balance {before} → {after} (gross {gross})"
