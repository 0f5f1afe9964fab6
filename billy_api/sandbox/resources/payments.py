"""Bank payments: a payment settles approved invoices through balance modifiers; voiding it
reopens them."""

from __future__ import annotations

from .. import billing
from .fields import clean
from .records import Context, voided_now
from .specs import BANK_PAYMENTS
from .totals import add_modifier, void_modifiers
from .validation import BLANK, Errors, refusal


def _paid_invoices(ctx: Context, associations, errors: Errors, key: str) -> list[dict]:
    invoices = []
    if not isinstance(associations, list):
        errors.attr(key, "associations", "Must be a list.")
        return invoices
    for association in associations:
        reference = association.get("subjectReference") if isinstance(association, dict) else None
        kind, _, subject_id = (reference or "").partition(":")
        invoice = ctx.tables["invoices"].get(subject_id) if kind == "invoice" else None
        if invoice is None:
            errors.attr(
                key, "associations", f"Unknown subject `{reference}` (expected invoice:<id>)."
            )
        elif invoice["state"] != "approved":
            errors.attr(key, "associations", "Only approved invoices can be paid.")
        else:
            invoices.append(invoice)
    if len({invoice["currencyId"] for invoice in invoices}) > 1:
        errors.attr(key, "associations", "All associations must share one currency.")
    return invoices


def _settle(ctx: Context, payment: dict, invoices: list[dict]) -> None:
    """Spread the payment over its invoices, in order, with one balance modifier each."""
    available = billing.dec(payment["cashAmount"])
    if payment.get("feeAmount") and payment["cashSide"] == "debit":
        available += billing.dec(payment["feeAmount"])  # the fee offsets the balance
    available = available / billing.dec(payment["cashExchangeRate"])
    for index, invoice in enumerate(invoices):
        outstanding = max(billing.dec(invoice["balance"]), billing.ZERO)
        last = index == len(invoices) - 1
        amount = available if last and len(invoices) == 1 else min(available, outstanding)
        amount = max(billing.round2(amount), billing.ZERO)
        available -= amount
        # Overpayment goes to the contact's balance in Billy; the invoice stops at 0.
        reference = f"bankPayment:{payment['id']}"
        add_modifier(ctx, reference, invoice, min(amount, outstanding), payment["entryDate"])


def create_payment(ctx: Context, body: dict, allow_id: bool) -> dict:
    errors = Errors()
    key = ctx.key_for(body, BANK_PAYMENTS)
    values = clean(BANK_PAYMENTS.fields, body, errors, key)
    errors.require(key, values, ("entryDate", "cashAmount", "cashSide", "cashAccountId"))
    ctx.check_refs(BANK_PAYMENTS, values, errors, key)
    account = ctx.tables["accounts"].get(values.get("cashAccountId") or "")
    if account is not None and not account.get("isPaymentEnabled"):
        errors.attr(key, "cashAccountId", "The account must have payments enabled.")
    if values.get("isVoided"):
        errors.attr(key, "isVoided", "A payment can't be created voided.")
    invoices = _paid_invoices(ctx, body.get("associations") or [], errors, key)
    if not invoices:
        errors.require(key, values, ("contactId",))
    errors.raise_if_any()

    base = ctx.org.organization.get("baseCurrencyId")
    subject_currency = values.get("subjectCurrencyId") or (
        invoices[0]["currencyId"] if invoices else base
    )
    cash_currency = (account or {}).get("currencyId") or base
    if cash_currency == subject_currency:
        values["cashExchangeRate"] = 1.0
    elif values.get("cashExchangeRate") is None:
        raise refusal(
            key,
            "cashExchangeRate is required when the currencies differ.",
            {"cashExchangeRate": BLANK},
        )
    values["subjectCurrencyId"] = subject_currency
    if not values.get("contactId") and invoices:
        values["contactId"] = invoices[0]["contactId"]
    record = ctx.new_record(BANK_PAYMENTS, values, ctx.given_id(body, allow_id))
    ctx.insert("bankPayments", record, body.get("_clientId"))
    _settle(ctx, record, invoices)
    return record


def update_payment(ctx: Context, record: dict, body: dict) -> dict:
    """Only ``isVoided`` can change (false → true, irreversibly); the rest is fixed and
    ignored."""
    if voided_now(ctx, BANK_PAYMENTS, "bankPayments", record, body, "payment"):
        void_modifiers(ctx, f"bankPayment:{record['id']}")
    return record
