"""What an invoice derives from its lines and payments: line amounts and taxes, totals, line
description, due date, PDF address and balance (the arithmetic itself is in ``billing``)."""

from __future__ import annotations

import hashlib

from .. import billing
from .records import Context
from .reference import tax_rate_for


def download_digest(invoice_id: str, org_id: str) -> str:
    return hashlib.sha1(f"{invoice_id}:{org_id}".encode()).hexdigest()


def download_path(invoice: dict) -> str:
    """The path of an invoice's PDF (the HTTP layer adds the sandbox's own host)."""
    digest = download_digest(invoice["id"], invoice["organizationId"])
    credit = invoice.get("type") == "credit_note"
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


def paid_amount(ctx: Context, invoice: dict):
    total = billing.ZERO
    for modifier in ctx.org.children(
        "balanceModifiers", "subjectReference", f"invoice:{invoice['id']}"
    ):
        if not modifier.get("isVoided"):
            total += billing.dec(modifier.get("amount"))
    return total


def refresh_balance(ctx: Context, invoice: dict) -> None:
    if invoice["state"] == "voided":
        balance = billing.ZERO
    else:
        balance = billing.dec(invoice["grossAmount"]) - paid_amount(ctx, invoice)
    invoice["balance"] = billing.money(balance)
    invoice["isPaid"] = invoice["state"] == "approved" and balance <= 0
    ctx.changes.touch("invoices", invoice)


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
