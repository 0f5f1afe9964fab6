"""What Billy says an invoice received, read from Billy's own records of it.

Billy's `balance` is no measure of payments: late fees raise it (fact F2a of
docs/billy_api_contract.md) and an approved credit note lowers it without any money moving
(fact F1). What was paid is the sum of the invoice's non-voided balance modifiers whose modifier
is a payment; those whose modifier is another invoice (a credit note) settled it without money
(fact F2b). Pure functions: no Odoo.
"""

from decimal import Decimal

from .fingerprint import money

# Embedded with every invoice read, so that no payment needs a request of its own.
INVOICE_INCLUDE = "invoice.balanceModifiers:embed,invoice.lateFees:embed"
CREDIT_NOTE_REFERENCE = "invoice:"
ZERO = Decimal("0.00")


def late_fees(invoice):
    """The invoice's non-voided late fees, or None when Billy's answer does not carry them."""
    fees = invoice.get("lateFees")
    if fees is None:
        return None
    return sum((money(fee.get("amount")) for fee in fees if not fee.get("isVoided")), ZERO)


def _modifier_reference(modifier):
    reference = modifier.get("modifierReference") or modifier.get("modifier") or ""
    return reference if isinstance(reference, str) else ""


def settlements(invoice):
    """(paid by payments, settled by credit notes) of a Billy invoice, or None when the answer
    has no balance modifiers (then nothing is known of its payments)."""
    modifiers = invoice.get("balanceModifiers")
    if modifiers is None:
        return None
    paid = credited = ZERO
    for modifier in modifiers:
        if modifier.get("isVoided"):
            continue
        # the sign of a modifier's amount is not documented (F2b): its size is what settled
        amount = abs(money(modifier.get("amount")))
        if _modifier_reference(modifier).startswith(CREDIT_NOTE_REFERENCE):
            credited += amount
        else:
            paid += amount
    return paid, credited


def paid_amount(invoice):
    """What Billy received for the invoice, or None when its answer does not say."""
    settled = settlements(invoice)
    return None if settled is None else settled[0]


def missing_payment(paid_in_billy, paid_in_odoo, amount_due_in_odoo):
    """What Odoo should register to match Billy: never more than Odoo still has due."""
    if paid_in_billy is None:
        return ZERO
    missing = money(paid_in_billy) - money(paid_in_odoo)
    return max(min(missing, money(amount_due_in_odoo)), ZERO)


def last_payment_date(invoice):
    """The entry date (ISO text) of the invoice's latest non-voided payment, or None."""
    dates = [
        modifier.get("entryDate")
        for modifier in invoice.get("balanceModifiers") or ()
        if not modifier.get("isVoided")
        and not _modifier_reference(modifier).startswith(CREDIT_NOTE_REFERENCE)
        and modifier.get("entryDate")
    ]
    return max(dates) if dates else None
