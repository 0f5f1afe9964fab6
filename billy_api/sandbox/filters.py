"""Listing: filters, sorting and paging of ``GET /v2/<plural>``.

Unknown filters are ignored silently, as Billy does for some resources; unknown sort properties
fall back to the creation order.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from billy_api.resources import CREDIT_NOTE_TYPES, INVOICE_TYPE_CREDIT_NOTE

from .store import OrgData, Store

MAX_PAGE_SIZE = 1000


def _bool(value: str) -> bool | None:
    lowered = value.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    return None


def _eq(field: str):
    def predicate(value: str):
        return lambda record: record.get(field) == value

    return predicate


def _eq_bool(field: str):
    def predicate(value: str):
        wanted = _bool(value)
        if wanted is None:
            return None
        return lambda record: bool(record.get(field)) == wanted

    return predicate


def _type(value: str):
    """An invoice type filter; either credit-note literal finds credit notes."""
    if value in CREDIT_NOTE_TYPES:
        value = INVOICE_TYPE_CREDIT_NOTE
    return lambda record: record.get("type") == value


def _min(field: str):
    def predicate(value: str):
        return lambda record: record.get(field) is not None and record[field] >= value

    return predicate


def _max(field: str):
    def predicate(value: str):
        # maxApprovedTime "2025-06-02 12:00:00" vs stored "2025-06-02T12:00:00"
        value = value.replace(" ", "T")
        return lambda record: record.get(field) is not None and record[field][: len(value)] <= value

    return predicate


def _contains(text, needle: str) -> bool:
    return text is not None and needle in str(text).lower()


def _number_matches(value, needle: str) -> bool:
    try:
        return value is not None and float(needle) == float(value)
    except ValueError:
        return False


def _q_invoices(org: OrgData):
    def predicate(value: str):
        needle = value.strip().lower()
        contacts = org.tables["contacts"]

        def match(record):
            contact = contacts.get(record.get("contactId")) or {}
            return (
                _contains(record.get("invoiceNo"), needle)
                or _contains(record.get("orderNo"), needle)
                or _contains(contact.get("name"), needle)
                or _contains(record.get("lineDescription"), needle)
                or _number_matches(record.get("amount"), needle)
                or _number_matches(record.get("grossAmount"), needle)
                or _number_matches(record.get("balance"), needle)
            )

        return match

    return predicate


def _q_contacts(org: OrgData):
    def predicate(value: str):
        needle = value.strip().lower()

        def match(record):
            if _contains(record.get("name"), needle) or _contains(
                record.get("registrationNo"), needle
            ):
                return True
            persons = org.children("contactPersons", "contactId", record["id"])
            return any(_contains(p.get("email"), needle) for p in persons)

        return match

    return predicate


def _q_products(_org: OrgData):
    def predicate(value: str):
        needle = value.strip().lower()
        return lambda record: (
            _contains(record.get("name"), needle)
            or _contains(record.get("productNo"), needle)
            or _contains(record.get("description"), needle)
        )

    return predicate


def _q_name(_org: OrgData):
    def predicate(value: str):
        needle = value.strip().lower()
        return lambda record: _contains(record.get("name"), needle)

    return predicate


def _static(factory):
    return lambda _org: factory


FILTERS: dict[str, dict[str, Callable]] = {
    "invoices": {
        "contactId": _static(_eq("contactId")),
        "state": _static(_eq("state")),
        "type": _static(_type),
        "isPaid": _static(_eq_bool("isPaid")),
        "externalId": _static(_eq("externalId")),
        "invoiceNo": _static(_eq("invoiceNo")),
        "orderNo": _static(_eq("orderNo")),
        "creditedInvoiceId": _static(_eq("creditedInvoiceId")),
        "currencyId": _static(_eq("currencyId")),
        "quoteId": _static(_eq("quoteId")),
        "recurringInvoiceId": _static(_eq("recurringInvoiceId")),
        "sentState": _static(_eq("sentState")),
        "minEntryDate": _static(_min("entryDate")),
        "maxEntryDate": _static(_max("entryDate")),
        "minDueDate": _static(_min("dueDate")),
        "maxDueDate": _static(_max("dueDate")),
        "minApprovedTime": _static(lambda v: _min("approvedTime")(v.replace(" ", "T"))),
        "maxApprovedTime": _static(_max("approvedTime")),
        "q": _q_invoices,
    },
    "contacts": {
        "isArchived": _static(_eq_bool("isArchived")),
        "isCustomer": _static(_eq_bool("isCustomer")),
        "isSupplier": _static(_eq_bool("isSupplier")),
        "type": _static(_eq("type")),
        "registrationNo": _static(_eq("registrationNo")),
        "contactNo": _static(_eq("contactNo")),
        "countryId": _static(_eq("countryId")),
        "name": _static(_eq("name")),
        "q": _q_contacts,
    },
    "contactPersons": {
        "contactId": _static(_eq("contactId")),
        "email": _static(_eq("email")),
        "isPrimary": _static(_eq_bool("isPrimary")),
    },
    "products": {
        "isArchived": _static(_eq_bool("isArchived")),
        "productNo": _static(_eq("productNo")),
        "name": _static(_eq("name")),
        "q": _q_products,
    },
    "productPrices": {
        "productId": _static(_eq("productId")),
        "currencyId": _static(_eq("currencyId")),
    },
    "invoiceLines": {
        "invoiceId": _static(_eq("invoiceId")),
        "productId": _static(_eq("productId")),
    },
    "accounts": {
        "isArchived": _static(_eq_bool("isArchived")),
        "isPaymentEnabled": _static(_eq_bool("isPaymentEnabled")),
        "isBankAccount": _static(_eq_bool("isBankAccount")),
        "natureId": _static(_eq("natureId")),
        "accountNo": _static(lambda v: lambda r: str(r.get("accountNo")) == v),
        "q": _q_name,
    },
    "taxRates": {
        "appliesToSales": _static(_eq_bool("appliesToSales")),
        "appliesToPurchases": _static(_eq_bool("appliesToPurchases")),
        "isActive": _static(_eq_bool("isActive")),
        "q": _q_name,
    },
    "salesTaxRules": {"rulesetId": _static(_eq("rulesetId"))},
    "bankPayments": {
        "contactId": _static(_eq("contactId")),
        "isVoided": _static(_eq_bool("isVoided")),
        "cashAccountId": _static(_eq("cashAccountId")),
        "minEntryDate": _static(_min("entryDate")),
        "maxEntryDate": _static(_max("entryDate")),
    },
    "invoiceLateFees": {"invoiceId": _static(_eq("invoiceId"))},
    "balanceModifiers": {
        "subjectReference": _static(_eq("subjectReference")),
        "modifierReference": _static(_eq("modifierReference")),
    },
}

# Filters answered from an index instead of a scan: (plural, filter) → indexed field.
INDEXED_FILTERS = {
    ("invoiceLines", "invoiceId"): "invoiceId",
    ("contactPersons", "contactId"): "contactId",
    ("productPrices", "productId"): "productId",
    ("invoices", "contactId"): "contactId",
    ("salesTaxRules", "rulesetId"): "rulesetId",
}


def _natural(value):
    """Sort key: None first, numbers before strings, digit strings numerically."""
    if value is None:
        return (0, 0, "")
    if isinstance(value, bool):
        return (1, int(value), "")
    if isinstance(value, (int, float)):
        return (1, value, "")
    text = str(value)
    if text.isdigit():
        return (1, int(text), "")
    return (2, 0, text.lower())


# With the quirk q-ignored, Billy answers every record to these (fact F11 of the contract).
Q_IGNORED = frozenset({"contacts", "products"})


def select(store: Store, org: OrgData | None, plural: str, params, quirks=frozenset()):
    """The records of ``plural`` matching ``params`` (a MultiDict/dict of strings), sorted."""
    if plural in store.reference:
        records = list(store.reference[plural].values())
    else:
        assert org is not None
        org_filter = params.get("organizationId")
        if org_filter and org_filter != org.org_id:
            return []
        records = None
        for (res, name), field in INDEXED_FILTERS.items():
            if res == plural and params.get(name):
                records = org.children(plural, field, params[name])
                break
        if records is None:
            records = list(org.tables[plural].values())
    predicates = []
    ignored = {"q"} if plural in Q_IGNORED and "q-ignored" in quirks else set()
    for name, factory in FILTERS.get(plural, {}).items():
        value = params.get(name)
        if value is None or value == "" or name in ignored:
            continue
        predicate = factory(org)(value)
        if predicate is not None:
            predicates.append(predicate)
    if predicates:
        records = [r for r in records if all(p(r) for p in predicates)]
    sort_property = params.get("sortProperty")
    descending = (params.get("sortDirection") or "ASC").upper() == "DESC"
    if sort_property == "contact.name" and plural in ("invoices", "bankPayments") and org:
        contacts = org.tables["contacts"]
        records = sorted(
            records,
            key=lambda r: _natural((contacts.get(r.get("contactId")) or {}).get("name")),
            reverse=descending,
        )
    elif sort_property and records and sort_property in records[0]:
        records = sorted(records, key=lambda r: _natural(r.get(sort_property)), reverse=descending)
    elif descending:
        records = list(reversed(records))
    return records


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def paginate(records: list, params, url_for: Callable[[dict], str]) -> tuple[list, dict]:
    """Slice one page; ``meta.paging`` with page/pageCount/pageSize/total (+ URLs when more than
    one page). ``pageSize`` is capped at 1000 (the documented maximum); ``offset`` is accepted
    as Billy's own client sends it (UNCONFIRMED)."""
    page_size = max(1, min(_int(params.get("pageSize"), MAX_PAGE_SIZE), MAX_PAGE_SIZE))
    total = len(records)
    page_count = max(1, math.ceil(total / page_size))
    if params.get("offset") not in (None, ""):
        offset = max(0, _int(params.get("offset"), 0))
        page = offset // page_size + 1
    else:
        page = max(1, _int(params.get("page"), 1))
        offset = (page - 1) * page_size
    paging = {"page": page, "pageCount": page_count, "pageSize": page_size, "total": total}
    if page_count > 1:
        paging["firstUrl"] = url_for({"pageSize": page_size})
        paging["lastUrl"] = url_for({"page": page_count, "pageSize": page_size})
        if page > 1:
            paging["previousUrl"] = url_for({"page": page - 1, "pageSize": page_size})
        if page < page_count:
            paging["nextUrl"] = url_for({"page": page + 1, "pageSize": page_size})
    return records[offset : offset + page_size], paging
