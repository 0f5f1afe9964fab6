"""Late fees: they raise an approved invoice's balance, never its grossAmount (fact F2a of the
contract). Written through ``/v2/invoiceLateFees`` or the control call
``POST /_sandbox/invoices/<id>/late-fee``; voided, not deleted."""

from __future__ import annotations

from .. import billing
from ..store import today
from .fields import clean
from .records import Context, voided_now
from .specs import INVOICE_LATE_FEES
from .totals import refresh_balance
from .validation import Errors

APPROVED_ONLY = "Late fees can only be added to approved invoices."


def create_fee(ctx: Context, body: dict, allow_id: bool) -> dict:
    errors = Errors()
    key = ctx.key_for(body, INVOICE_LATE_FEES)
    values = clean(INVOICE_LATE_FEES.fields, body, errors, key)
    errors.require(key, values, ("invoiceId",))
    ctx.check_refs(INVOICE_LATE_FEES, values, errors, key)
    invoice = ctx.tables["invoices"].get(values.get("invoiceId") or "")
    if invoice is not None and invoice["state"] != "approved":
        errors.attr(key, "invoiceId", APPROVED_ONLY)
    flat = billing.dec(values.get("flatFee"))
    percentage = billing.dec(values.get("percentageFee"))
    if flat < 0 or percentage < 0 or flat + percentage <= 0:
        errors.attr(key, "flatFee", "A late fee needs a positive flatFee or percentageFee.")
    if values.get("isVoided"):
        errors.attr(key, "isVoided", "A late fee can't be created voided.")
    errors.raise_if_any()
    values.setdefault("entryDate", today())
    record = ctx.new_record(INVOICE_LATE_FEES, values, ctx.given_id(body, allow_id))
    share = billing.dec(invoice["grossAmount"]) * percentage / 100
    record["amount"] = billing.money(flat + billing.round2(share))
    ctx.insert("invoiceLateFees", record, body.get("_clientId"))
    refresh_balance(ctx, invoice)
    return record


def update_fee(ctx: Context, record: dict, body: dict) -> dict:
    """Only ``isVoided`` changes (false to true, for good); the rest is fixed and ignored."""
    if voided_now(ctx, INVOICE_LATE_FEES, "invoiceLateFees", record, body, "late fee"):
        refresh_balance(ctx, ctx.tables["invoices"][record["invoiceId"]])
    return record


def add_late_fee(ctx: Context, invoice: dict, amount) -> None:
    """The control call: a flat late fee of ``amount`` on an approved invoice."""
    create_fee(ctx, {"invoiceId": invoice["id"], "flatFee": billing.money(amount)}, False)
