"""Invoices and credit notes: defaults, validation, approval, voiding and deletion."""

from __future__ import annotations

from billy_api.resources import CREDIT_NOTE_TYPES, INVOICE_TYPE_CREDIT_NOTE

from ..store import now_str
from .fields import clean
from .invoice_lines import embedded_lines, replace_lines
from .records import Context
from .specs import INVOICES
from .totals import (
    download_path,
    invoice_lines,
    recompute,
    refresh_balance,
    settle_credited_invoice,
    void_modifiers,
)
from .validation import Errors, blank, refusal

ONE_LINE = "Invoices must have at least one invoice line."
LINES_FROZEN = "This parameter must not be set if the invoice has already been created."


def _values(ctx: Context, body: dict, errors: Errors, key: str) -> dict:
    """The invoice fields of ``body``; a credit note's type in the form Billy answers with."""
    values = clean(INVOICES.fields, body, errors, key)
    if values.get("type") in CREDIT_NOTE_TYPES:
        values["type"] = INVOICE_TYPE_CREDIT_NOTE
    return values


def _defaults(ctx: Context, values: dict) -> dict:
    """Tax mode and payment terms from the contact, else from the organization."""
    organization = ctx.org.organization
    contact = ctx.tables["contacts"].get(values.get("contactId")) or {}
    result = dict(values)
    if result.get("taxMode") is None:
        result["taxMode"] = organization.get("defaultTaxMode") or "excl"
    if result.get("paymentTermsMode") is None:
        # The contact's own terms first, then the organization's (net 8 in the seed).
        if contact.get("paymentTermsMode"):
            result["paymentTermsMode"] = contact["paymentTermsMode"]
            if result.get("paymentTermsDays") is None:
                result["paymentTermsDays"] = contact.get("paymentTermsDays")
        else:
            result["paymentTermsMode"] = organization.get("paymentTermsMode") or "net"
    if result.get("paymentTermsDays") is None and result["paymentTermsMode"] != "date":
        result["paymentTermsDays"] = organization.get("paymentTermsDays") or 0
    if result["paymentTermsMode"] == "date":
        result["paymentTermsDays"] = None
    return result


def _exchange_rate(ctx: Context, invoice: dict) -> None:
    base = ctx.org.organization.get("baseCurrencyId")
    if invoice["currencyId"] == base:
        invoice["exchangeRate"] = 1.0  # Billy forces 1 for the base currency
    elif invoice.get("exchangeRate") is None:
        currency = ctx.store.reference["currencies"].get(invoice["currencyId"]) or {}
        invoice["exchangeRate"] = currency.get("exchangeRate") or 1.0


def _validate(ctx: Context, merged: dict, errors: Errors, key: str, line_count: int) -> None:
    errors.require(key, merged, ("contactId", "entryDate", "currencyId"))
    if line_count == 0:
        errors.record(key, ONE_LINE)
        errors.attr(key, "lines", ONE_LINE)
    ctx.check_refs(INVOICES, merged, errors, key)
    contact_id = merged.get("contactId")
    person_id = merged.get("attContactPersonId")
    person = ctx.tables["contactPersons"].get(person_id) if person_id else None
    if person is not None and person["contactId"] != contact_id:
        errors.attr(key, "attContactPersonId", "The contact person must belong to the contact.")
    credited_id = merged.get("creditedInvoiceId")
    if credited_id:
        credited = ctx.tables["invoices"].get(credited_id)
        if merged.get("type") != INVOICE_TYPE_CREDIT_NOTE:
            errors.attr(key, "creditedInvoiceId", "Only credit notes can credit an invoice.")
        elif credited is not None and credited["contactId"] != contact_id:
            errors.attr(
                key, "creditedInvoiceId", "The credited invoice must belong to the same contact."
            )
        elif credited is not None and credited.get("type") == INVOICE_TYPE_CREDIT_NOTE:
            errors.attr(key, "creditedInvoiceId", "A credit note can't credit a credit note.")
    if merged.get("paymentTermsMode") == "date" and blank(merged.get("dueDate")):
        errors.attr(key, "dueDate", "A due date is required with payment terms mode `date`.")
    invoice_no = merged.get("invoiceNo")
    if invoice_no:
        for other in ctx.tables["invoices"].values():
            if other["invoiceNo"] == invoice_no and other["id"] != merged.get("id"):
                errors.attr(key, "invoiceNo", f"Invoice number {invoice_no} is already used.")
                break


def approve(ctx: Context, invoice: dict) -> None:
    organization = ctx.org.organization
    invoice["state"] = "approved"
    invoice["approvedTime"] = now_str()
    next_no = int(organization.get("nextInvoiceNo") or 1)
    if not invoice.get("invoiceNo"):
        invoice["invoiceNo"] = str(next_no)
        organization["nextInvoiceNo"] = next_no + 1
        ctx.changes.touch("organizations", organization)
    elif invoice["invoiceNo"].isdigit() and int(invoice["invoiceNo"]) >= next_no:
        organization["nextInvoiceNo"] = int(invoice["invoiceNo"]) + 1
        ctx.changes.touch("organizations", organization)
    invoice["downloadUrl"] = download_path(invoice)
    refresh_balance(ctx, invoice)
    if invoice["type"] == INVOICE_TYPE_CREDIT_NOTE:
        settle_credited_invoice(ctx, invoice)


def create_invoice(ctx: Context, body: dict, allow_id: bool) -> dict:
    errors = Errors()
    key = ctx.key_for(body, INVOICES)
    values = _values(ctx, body, errors, key)
    lines = embedded_lines(ctx, body, errors, key)
    if values.get("state") == "voided":
        errors.attr(key, "state", "An invoice can only be created as draft or approved.")
    merged = _defaults(ctx, values)
    _validate(ctx, merged, errors, key, len(lines or []))
    errors.raise_if_any()
    state = merged.pop("state", "draft") or "draft"
    record = ctx.new_record(INVOICES, {**merged, "state": "draft"}, ctx.given_id(body, allow_id))
    if record["paymentTermsMode"] != "date":
        record["dueDate"] = None
    _exchange_rate(ctx, record)
    ctx.insert("invoices", record, body.get("_clientId"))
    replace_lines(ctx, record, lines)
    recompute(ctx, record)
    if state == "approved":
        approve(ctx, record)
    return record


def _refuse_change(ctx: Context, record: dict, values: dict, lines, key: str) -> None:
    """An approved or voided invoice takes no change but a no-op (a credit note instead)."""
    changed = sorted(k for k, v in values.items() if v != record.get(k))
    if changed or lines is not None:
        what = ", ".join(changed + (["lines"] if lines is not None else []))
        raise refusal(
            key,
            f"The invoice is {record['state']} and can't be changed (tried: {what}). "
            "Create a credit note instead.",
            dict.fromkeys(changed or ["lines"], "An approved invoice can't be changed."),
        )


def update_invoice(ctx: Context, record: dict, body: dict) -> dict:
    errors = Errors()
    key = ctx.key_for(body, INVOICES)
    values = _values(ctx, body, errors, key)
    lines = embedded_lines(ctx, body, errors, key)
    if lines is not None and "lines-frozen" in ctx.quirks:
        raise refusal(key, f"lines: {LINES_FROZEN}", {"lines": LINES_FROZEN})
    if record["state"] != "draft":
        _refuse_change(ctx, record, values, lines, key)
        errors.raise_if_any()
        ctx.changes.touch("invoices", record)
        return record
    if values.get("state") == "voided":
        errors.attr(key, "state", "A draft invoice can only be approved.")
    ctx.check_immutable(INVOICES, record, values, errors, key)
    merged = {**record, **values}
    for name in ("taxMode", "paymentTermsMode"):
        if name in values and values[name] is None:
            merged.pop(name)
    merged = _defaults(ctx, merged)
    line_count = len(lines) if lines is not None else len(invoice_lines(ctx, record["id"]))
    _validate(ctx, merged, errors, key, line_count)
    errors.raise_if_any()
    state = merged.pop("state")
    if merged["paymentTermsMode"] != "date":
        merged["dueDate"] = None
    merged.pop("id", None)
    for name in INVOICES.fields:
        if name in merged:
            record[name] = merged[name]
    if "exchangeRate" in values or "currencyId" in values:
        if "exchangeRate" not in values:
            record["exchangeRate"] = None
        _exchange_rate(ctx, record)
    ctx.changes.touch("invoices", record)
    if lines is not None:
        replace_lines(ctx, record, lines)
    recompute(ctx, record)
    if state == "approved":
        approve(ctx, record)
    return record


def delete_invoice(ctx: Context, record: dict) -> None:
    if record["state"] != "draft":
        raise refusal(
            "invoice",
            f"The invoice is {record['state']} and can't be deleted. Create a credit note instead.",
        )
    replace_lines(ctx, record, [])
    ctx.remove("invoices", record["id"])


def void_invoice(ctx: Context, record: dict) -> None:
    """What a Billy user voiding an approved invoice does: state ``voided``, no due date, the
    balance kept (fact F6 of the contract); what a credit note settled is owed again."""
    if record["state"] != "approved":
        raise refusal("invoice", "Only approved invoices can be voided.")
    record["state"] = "voided"
    record["dueDate"] = None
    void_modifiers(ctx, f"invoice:{record['id']}")
    refresh_balance(ctx, record)
