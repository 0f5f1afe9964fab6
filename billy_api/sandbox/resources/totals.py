"""What an invoice derives from its lines and payments: line amounts and taxes, totals, line
description, due date, PDF address and balance (the arithmetic itself is in ``billing``)."""

from __future__ import annotations

import hashlib

from billy_api.resources import INVOICE_TYPE_CREDIT_NOTE

from .. import billing
from .records import Context
from .reference import tax_rate_for
from .specs import BALANCE_MODIFIERS


def download_digest(invoice_id: str, org_id: str) -> str:
    return hashlib.sha1(f"{invoice_id}:{org_id}".encode()).hexdigest()


def download_path(invoice: dict) -> str:
    """The path of an invoice's PDF (the HTTP layer adds the sandbox's own host)."""
    digest = download_digest(invoice["id"], invoice["organizationId"])
    credit = invoice.get("type") == INVOICE_TYPE_CREDIT_NOTE
    if invoice.get("state") == "draft" or not invoice.get("invoiceNo"):
        # UNCONFIRMED: only invoice file names are known; credit notes mirror them.
        name = "draft-credit-note.pdf" if credit else "draft-invoice.pdf"
    else:
        stem = "credit-note-no-" if credit else "invoice-no-"
        name = f"{stem}{invoice['invoiceNo']}.pdf"
    return f"/v2/downloads/invoices/{invoice['id']}/{invoice['organizationId']}/{digest}/{name}"


def invoice_lines(ctx: Context, invoice_id: str) -> list[dict]:
    lines = ctx.org.children("invoiceLines", "invoiceId", invoice_id)
    return sorted(lines, key=lambda line: line.get("priority") or 0)


def _settled(ctx: Context, invoice: dict):
    """What lowers the balance: payments and approved credit notes applied to the invoice, and,
    for a credit note, what it has applied to the invoice it credits (non-voided modifiers)."""
    reference = f"invoice:{invoice['id']}"
    modifiers = ctx.org.children("balanceModifiers", "subjectReference", reference)
    modifiers += ctx.org.children("balanceModifiers", "modifierReference", reference)
    return sum(
        (billing.dec(m.get("amount")) for m in modifiers if not m.get("isVoided")), billing.ZERO
    )


def late_fees(ctx: Context, invoice: dict):
    fees = ctx.org.children("invoiceLateFees", "invoiceId", invoice["id"])
    return sum((billing.dec(f["amount"]) for f in fees if not f.get("isVoided")), billing.ZERO)


def refresh_balance(ctx: Context, invoice: dict) -> None:
    """``balance`` = grossAmount + late fees - what settled it (fact F2a of the contract: the
    balance includes late fees, grossAmount does not). A voided invoice keeps its balance and is
    never paid (fact F6)."""
    if invoice["state"] != "voided":
        balance = billing.dec(invoice["grossAmount"]) + late_fees(ctx, invoice)
        balance -= _settled(ctx, invoice)
        invoice["balance"] = billing.money(balance)
        invoice["isPaid"] = invoice["state"] == "approved" and balance <= 0
    else:
        invoice["isPaid"] = False
    ctx.changes.touch("invoices", invoice)


def add_modifier(ctx: Context, modifier_ref: str, invoice: dict, amount, entry_date) -> dict:
    """A balance modifier: ``amount`` of ``modifier_ref`` (a payment, a credit note) settling
    ``invoice``; the invoice's balance is refreshed."""
    modifier = ctx.new_record(
        BALANCE_MODIFIERS,
        {"modifierReference": modifier_ref, "subjectReference": f"invoice:{invoice['id']}"},
    )
    modifier["amount"] = billing.money(amount)
    modifier["entryDate"] = entry_date
    ctx.insert("balanceModifiers", modifier)
    refresh_balance(ctx, invoice)
    return modifier


def settle_credited_invoice(ctx: Context, credit_note: dict) -> None:
    """An approved credit note settles the invoice it credits, up to what is still owed, with no
    bank payment (fact F1 of the contract)."""
    credited = ctx.tables["invoices"].get(credit_note.get("creditedInvoiceId") or "")
    if credited is None or credited["state"] != "approved":
        return
    owed = max(billing.dec(credited["balance"]), billing.ZERO)
    amount = min(billing.dec(credit_note["grossAmount"]), owed)
    if amount > 0:
        add_modifier(
            ctx, f"invoice:{credit_note['id']}", credited, amount, credit_note["entryDate"]
        )
        refresh_balance(ctx, credit_note)


def void_modifiers(ctx: Context, modifier_ref: str) -> None:
    """Void what ``modifier_ref`` settled; the invoices it settled are owed again."""
    for modifier in ctx.org.children("balanceModifiers", "modifierReference", modifier_ref):
        modifier["isVoided"] = True
        ctx.changes.touch("balanceModifiers", modifier)
        kind, _, subject_id = modifier["subjectReference"].partition(":")
        invoice = ctx.tables["invoices"].get(subject_id)
        if kind == "invoice" and invoice is not None:
            refresh_balance(ctx, invoice)


def recompute(ctx: Context, invoice: dict) -> None:
    """Line amounts and taxes, totals, lineDescription, dueDate and balance of ``invoice``."""
    contact = ctx.tables["contacts"].get(invoice["contactId"])
    products = ctx.tables["products"]
    lines = invoice_lines(ctx, invoice["id"])
    inputs, rate_ids = [], []
    for line in lines:
        rate_id, rate = tax_rate_for(ctx, products.get(line["productId"]), contact)
        rate_ids.append(rate_id)
        inputs.append(
            billing.LineInput(
                line.get("quantity"),
                line.get("unitPrice"),
                line.get("discountMode"),
                line.get("discountValue"),
                rate,
            )
        )
    total = billing.invoice_total(inputs, invoice["taxMode"])
    descriptions = []
    for line, result, rate_id in zip(lines, total.lines, rate_ids, strict=True):
        new = {
            "amount": billing.money(result.amount),
            "tax": billing.money(result.tax),
            "taxRateId": rate_id,
        }
        if any(line.get(k) != v for k, v in new.items()):
            line.update(new)
            ctx.changes.touch("invoiceLines", line)
        product = products.get(line["productId"])
        name = product["name"] if product else ""
        text = line.get("description") or ""
        descriptions.append(f"{name}: {text}" if text and name else (name or text))
    invoice["amount"] = billing.money(total.amount)
    invoice["tax"] = billing.money(total.tax)
    invoice["grossAmount"] = billing.money(total.gross_amount)
    invoice["lineDescription"] = ", ".join(d for d in descriptions if d)
    invoice["dueDate"] = billing.due_date(
        invoice["entryDate"],
        invoice["paymentTermsMode"],
        invoice["paymentTermsDays"],
        invoice.get("dueDate"),
    )
    invoice["downloadUrl"] = download_path(invoice)
    refresh_balance(ctx, invoice)
