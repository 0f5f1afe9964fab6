"""Invoice lines: embedded in an invoice's write, or written on their own (drafts only)."""

from __future__ import annotations

from .fields import clean
from .records import Context
from .specs import INVOICE_LINES
from .totals import invoice_lines, recompute
from .validation import BLANK, Errors

APPROVED = "The invoice is approved; its lines can't be changed."


def line_values(ctx: Context, line: dict, errors: Errors, embedded: bool) -> dict:
    key = ctx.key_for(line, INVOICE_LINES)
    values = clean(INVOICE_LINES.fields, line, errors, key)
    errors.require(key, values, ("productId",))
    if values.get("unitPrice") is None:
        errors.attr(key, "unitPrice", BLANK)
    if "quantity" in values and values["quantity"] is None:
        values.pop("quantity")
    ctx.check_refs(INVOICE_LINES, values, errors, key, skip=("invoiceId",) if embedded else ())
    return values


def embedded_lines(ctx: Context, body: dict, errors: Errors, key: str):
    def parse(line):
        return line_values(ctx, line, errors, True)

    return ctx.embedded(body, "lines", errors, key, parse, "Must be a list of invoice lines.")


def _defaults(record: dict, position: int) -> None:
    if record["priority"] is None:
        record["priority"] = position
    if record["quantity"] is None:
        record["quantity"] = 1


def replace_lines(ctx: Context, invoice: dict, lines) -> None:
    ctx.replace_children("invoiceLines", "invoiceId", invoice, lines, prepare=_defaults)


def _draft_invoice(ctx: Context, invoice_id, errors: Errors, key: str) -> dict | None:
    invoice = ctx.tables["invoices"].get(invoice_id) if invoice_id else None
    if invoice is not None and invoice["state"] != "draft":
        errors.record(key, APPROVED)
        errors.attr(key, "invoiceId", APPROVED)
    return invoice


def create_line(ctx: Context, body: dict, allow_id: bool) -> dict:
    errors = Errors()
    key = ctx.key_for(body, INVOICE_LINES)
    values = line_values(ctx, body, errors, False)
    errors.require(key, values, ("invoiceId",))
    invoice = _draft_invoice(ctx, values.get("invoiceId"), errors, key)
    errors.raise_if_any()
    record = ctx.new_record(INVOICE_LINES, values, ctx.given_id(body, allow_id))
    if record["priority"] is None:
        existing = [line.get("priority") or 0 for line in invoice_lines(ctx, invoice["id"])]
        record["priority"] = max(existing, default=0) + 1
    if record["quantity"] is None:
        record["quantity"] = 1
    ctx.insert("invoiceLines", record, body.get("_clientId"))
    recompute(ctx, invoice)
    return record


def update_line(ctx: Context, record: dict, body: dict) -> dict:
    invoice = ctx.tables["invoices"][record["invoiceId"]]
    errors = Errors()
    _draft_invoice(ctx, invoice["id"], errors, ctx.key_for(body, INVOICE_LINES))
    errors.raise_if_any()

    def extra(values, errors, key, _record):
        if "unitPrice" in values and values["unitPrice"] is None:
            errors.attr(key, "unitPrice", BLANK)
        if "quantity" in values and values["quantity"] is None:
            values["quantity"] = 1

    ctx.simple_update("invoiceLines", record, body, required=("productId",), extra=extra)
    recompute(ctx, invoice)
    return record


def delete_line(ctx: Context, record: dict) -> None:
    invoice = ctx.tables["invoices"][record["invoiceId"]]
    errors = Errors()
    _draft_invoice(ctx, invoice["id"], errors, "invoiceLine")
    if len(invoice_lines(ctx, invoice["id"])) <= 1:
        errors.record("invoice", "Invoices must have at least one invoice line.")
    errors.raise_if_any()
    ctx.remove("invoiceLines", record["id"])
    recompute(ctx, invoice)
