"""Which function writes which resource: an explicit table, one row per resource.

A resource without a handler for a method answers 405 ``METHOD_NOT_ALLOWED`` to it, as Billy
does for its read-only resources (currencies, countries), for deleting bank payments (they are
voided instead), and for the records only Billy itself writes (balance modifiers, the rules of a
ruleset outside the ruleset).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import contacts, invoice_lines, invoices, late_fees, payments, products, reference
from .records import Context
from .specs import SPECS
from .validation import refusal

ID_MISMATCH = "The id in the body must equal the id in the URL; a record's id can't change."


class MethodNotAllowed(Exception):
    pass


def remove_record(plural: str) -> Callable:
    """The delete handler of a resource with no rule of its own: remove the record."""

    def delete(ctx: Context, record: dict) -> None:
        ctx.remove(plural, record["id"])

    return delete


@dataclass(frozen=True)
class Handlers:
    create: Callable | None = None  # (ctx, body, allow_id) -> record
    update: Callable | None = None  # (ctx, record, body) -> record
    delete: Callable | None = None  # (ctx, record) -> None

    def for_method(self, method: str) -> Callable | None:
        return {"POST": self.create, "PUT": self.update, "DELETE": self.delete}[method]


HANDLERS: dict[str, Handlers] = {
    "organizations": Handlers(update=reference.update_organization),
    "contacts": Handlers(contacts.create_contact, contacts.update_contact, contacts.delete_contact),
    "contactPersons": Handlers(
        contacts.create_person, contacts.update_person, remove_record("contactPersons")
    ),
    "products": Handlers(products.create_product, products.update_product, products.delete_product),
    "productPrices": Handlers(
        products.create_price, products.update_price, remove_record("productPrices")
    ),
    "invoices": Handlers(invoices.create_invoice, invoices.update_invoice, invoices.delete_invoice),
    "invoiceLines": Handlers(
        invoice_lines.create_line, invoice_lines.update_line, invoice_lines.delete_line
    ),
    "taxRates": Handlers(
        reference.create_tax_rate, reference.update_tax_rate, remove_record("taxRates")
    ),
    "salesTaxRulesets": Handlers(
        reference.create_ruleset, reference.update_ruleset, reference.delete_ruleset
    ),
    "salesTaxRules": Handlers(),
    "accounts": Handlers(
        reference.create_account, reference.update_account, remove_record("accounts")
    ),
    "bankPayments": Handlers(payments.create_payment, payments.update_payment),
    "balanceModifiers": Handlers(),
    "invoiceLateFees": Handlers(late_fees.create_fee, late_fees.update_fee),
    "cities": Handlers(),
    "currencies": Handlers(),
    "countries": Handlers(),
}


def allows(plural: str, method: str) -> bool:
    """Whether ``method`` (POST, PUT or DELETE) may write ``plural``."""
    return HANDLERS[plural].for_method(method) is not None


class Writer(Context):
    """The writes of one organization, dispatched through ``HANDLERS``."""

    def create(self, plural: str, body: dict, allow_id: bool = False) -> dict:
        handler = HANDLERS[plural].create
        if handler is None:
            raise MethodNotAllowed(plural)
        return handler(self, self._as_stored(body), allow_id)

    def update(self, plural: str, record_id: str, body: dict) -> dict:
        handler = HANDLERS[plural].update
        if handler is None:
            raise MethodNotAllowed(plural)
        if body.get("id") not in (None, record_id):
            # Billy's docs: if the hash includes the record's id, it must be the URL's.
            key = self.key_for(body, SPECS[plural])
            raise refusal(key, ID_MISMATCH, {"id": ID_MISMATCH})
        return handler(self, self.tables[plural][record_id], self._as_stored(body))

    def _as_stored(self, body: dict) -> dict:
        """The body as this Billy keeps it: without externalId under external-id-dropped."""
        if "external-id-dropped" in self.quirks and "externalId" in body:
            return {name: value for name, value in body.items() if name != "externalId"}
        return body

    def delete(self, plural: str, record_id: str) -> None:
        handler = HANDLERS[plural].delete
        if handler is None:
            raise MethodNotAllowed(plural)
        record = self.tables[plural].get(record_id)
        if record is None:
            # DELETE is idempotent in Billy: a missing id still answers 200.
            self.changes.deleted.setdefault(plural, [])
            return
        handler(self, record)

    def void_invoice(self, invoice: dict) -> None:
        invoices.void_invoice(self, invoice)

    def add_late_fee(self, invoice: dict, amount) -> None:
        late_fees.add_late_fee(self, invoice, amount)
