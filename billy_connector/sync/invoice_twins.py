"""The Billy invoice an Odoo invoice already has, before anything is created: by externalId,
else by what identifies an invoice whatever Billy keeps of it.

Billy may accept `externalId` and not keep it (quirk external-id-dropped of
docs/billy_api_contract.md). After a lost answer to a create, the invoice is then found by its
identity: type, contact, entry date, currency and gross amount, among Billy's invoices that no
Odoo invoice is linked to and that carry no other externalId. Pure functions: no Odoo.
"""

from billy_api import CREDIT_NOTE_TYPES, INVOICE_TYPE_CREDIT_NOTE, INVOICE_TYPE_INVOICE

from .fingerprint import money


def invoice_type(value):
    return INVOICE_TYPE_CREDIT_NOTE if value in CREDIT_NOTE_TYPES else INVOICE_TYPE_INVOICE


def identity(invoice, gross_amount=None):
    """What identifies an invoice on both sides (`gross_amount`: Odoo's, for a payload)."""
    gross = invoice.get("grossAmount") if gross_amount is None else gross_amount
    return (
        invoice_type(invoice.get("type")),
        invoice.get("contactId"),
        invoice.get("entryDate"),
        invoice.get("currencyId"),
        money(gross),
    )


class Twins:
    """Unlinked Billy invoices by identity; each is handed out once."""

    def __init__(self):
        self._by_identity = {}
        self._remaining = {}

    def add(self, invoice):
        if invoice.get("externalId"):
            return  # kept by Billy: found by it, or another system's invoice
        self._by_identity.setdefault(identity(invoice), []).append(invoice["id"])
        self._remaining[invoice["id"]] = invoice

    def take(self, payload, gross_amount):
        """The first unclaimed Billy invoice with the payload's identity, or None."""
        for billy_id in self._by_identity.get(identity(payload, gross_amount), ()):
            invoice = self._remaining.pop(billy_id, None)
            if invoice is not None:
                return invoice
        return None

    def taken(self, billy_id):
        return billy_id not in self._remaining
