"""``include``: related records sideloaded beside the answer's root, or embedded in it."""

from __future__ import annotations

from collections.abc import Callable

from .resources.specs import PLURAL, SINGULAR
from .store import OrgData, Store

# has-many relations: (singular, relation) → (child plural, resolver(org, record) → children)
HAS_MANY: dict[tuple[str, str], tuple[str, Callable]] = {
    ("invoice", "lines"): (
        "invoiceLines",
        lambda org, r: sorted(
            org.children("invoiceLines", "invoiceId", r["id"]),
            key=lambda line: line.get("priority") or 0,
        ),
    ),
    ("invoice", "balanceModifiers"): (
        "balanceModifiers",
        lambda org, r: org.children("balanceModifiers", "subjectReference", f"invoice:{r['id']}"),
    ),
    ("invoice", "lateFees"): (
        "invoiceLateFees",
        lambda org, r: org.children("invoiceLateFees", "invoiceId", r["id"]),
    ),
    ("contact", "contactPersons"): (
        "contactPersons",
        lambda org, r: org.children("contactPersons", "contactId", r["id"]),
    ),
    ("product", "prices"): (
        "productPrices",
        lambda org, r: org.children("productPrices", "productId", r["id"]),
    ),
    ("salesTaxRuleset", "rules"): (
        "salesTaxRules",
        lambda org, r: org.children("salesTaxRules", "rulesetId", r["id"]),
    ),
    ("bankPayment", "associations"): (
        "balanceModifiers",
        lambda org, r: org.children(
            "balanceModifiers", "modifierReference", f"bankPayment:{r['id']}"
        ),
    ),
}

# belongs-to relation name → target plural, when the record has "<name>Id".
BELONGS_TO = {
    "contact": "contacts",
    "currency": "currencies",
    "subjectCurrency": "currencies",
    "baseCurrency": "currencies",
    "country": "countries",
    "city": "cities",
    "product": "products",
    "invoice": "invoices",
    "creditedInvoice": "invoices",
    "account": "accounts",
    "cashAccount": "accounts",
    "feeAccount": "accounts",
    "defaultSalesAccount": "accounts",
    "salesTaxRuleset": "salesTaxRulesets",
    "defaultSalesTaxRuleset": "salesTaxRulesets",
    "taxRate": "taxRates",
    "fallbackTaxRate": "taxRates",
    "attContactPerson": "contactPersons",
    "organization": "organizations",
    "ruleset": "salesTaxRulesets",
}


def parse_include(value: str | None) -> list[tuple[str, str, str]]:
    """``invoice.lines:embed,invoice.contact`` → [(singular, relation, mode)]; junk ignored."""
    result = []
    for part in (value or "").split(","):
        part = part.strip()
        if not part or "." not in part:
            continue
        path, _, mode = part.partition(":")
        singular, _, relation = path.partition(".")
        mode = mode or "sideload"
        if mode not in ("sideload", "embed") or singular not in PLURAL:
            continue
        result.append((singular, relation, mode))
    return result


class Includer:
    """Applies include specs to output records (copies), collecting sideloaded roots."""

    MAX_DEPTH = 3

    def __init__(self, store: Store, org: OrgData | None, includes, serialize: Callable):
        self.store = store
        self.org = org
        self.includes = includes
        self.serialize = serialize
        self.sideloaded: dict[str, dict[str, dict]] = {}

    def _lookup(self, plural: str, record_id):
        if not isinstance(record_id, str):
            return None
        if plural in self.store.reference:
            return self.store.reference[plural].get(record_id)
        if self.org is None:
            return None
        return self.org.tables[plural].get(record_id)

    def apply(self, plural: str, records: list[dict], depth: int = 0) -> None:
        if not self.includes or depth > self.MAX_DEPTH:
            return
        singular = SINGULAR.get(plural)
        for spec_singular, relation, mode in self.includes:
            if spec_singular != singular:
                continue
            if (singular, relation) in HAS_MANY and self.org is not None:
                child_plural, resolve = HAS_MANY[(singular, relation)]
                for record in records:
                    children = [self.serialize(child_plural, c) for c in resolve(self.org, record)]
                    self.apply(child_plural, children, depth + 1)
                    if mode == "embed":
                        record[relation] = children
                    else:
                        record[_ids_key(relation)] = [c["id"] for c in children]
                        self._sideload(child_plural, children)
            elif relation in BELONGS_TO:
                target = BELONGS_TO[relation]
                for record in records:
                    related = self._lookup(target, record.get(relation + "Id"))
                    if related is None:
                        if mode == "embed":
                            record[relation] = None
                        continue
                    output = self.serialize(target, related)
                    self.apply(target, [output], depth + 1)
                    if mode == "embed":
                        record[relation] = output
                    else:
                        self._sideload(target, [output])

    def _sideload(self, plural: str, records: list[dict]) -> None:
        bucket = self.sideloaded.setdefault(plural, {})
        for record in records:
            bucket.setdefault(record["id"], record)

    def roots(self) -> dict[str, list[dict]]:
        return {plural: list(bucket.values()) for plural, bucket in self.sideloaded.items()}


def _ids_key(relation: str) -> str:
    """Sideloaded has-many key: ``lines`` → ``lineIds``, ``prices`` → ``priceIds``."""
    stem = relation[:-1] if relation.endswith("s") else relation
    return stem + "Ids"
