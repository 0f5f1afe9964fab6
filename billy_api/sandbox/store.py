"""The sandbox's in-memory state: organizations (one per token), their records, indices.

Every record is a flat dict of JSON scalars, kept per organization and per resource (plural
name) in insertion order, so another organization's id is simply not found. Currencies and
countries are global reference data, as in Billy (ids ``DKK``, ``DK``).

One re-entrant lock guards everything; the HTTP layer holds it for a whole request, so a write
and its derived changes (invoice totals, balances) are atomic.

Helpers for direct assertions in tests (``token_or_org`` is a token or an organization id)::

    store.org_id("tok")                      # the organization id of a token
    store.records("contacts", "tok")          # copies of the records, in creation order
    store.get("invoices", invoice_id)         # a copy of one record (any organization) or None
    store.count("contacts", "tok")
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import tempfile
import threading

from billy_api.resources import CREDIT_NOTE_TYPES, INVOICE_TYPE_CREDIT_NOTE

# Child indices kept for fast has-many look-ups, filters and cascades: (plural, field).
INDEXED = (
    ("invoiceLines", "invoiceId"),
    ("invoiceLines", "productId"),
    ("contactPersons", "contactId"),
    ("productPrices", "productId"),
    ("salesTaxRules", "rulesetId"),
    ("invoices", "contactId"),
    ("balanceModifiers", "subjectReference"),
    ("balanceModifiers", "modifierReference"),
    ("invoiceLateFees", "invoiceId"),
)

ORG_RESOURCES = (
    "organizations",
    "contacts",
    "contactPersons",
    "products",
    "productPrices",
    "invoices",
    "invoiceLines",
    "taxRates",
    "salesTaxRulesets",
    "salesTaxRules",
    "accounts",
    "bankPayments",
    "balanceModifiers",
    "invoiceLateFees",
)
GLOBAL_RESOURCES = ("currencies", "countries", "cities")


def new_id() -> str:
    """A Billy-like id: 22 url-safe characters (16 random bytes, base64url, no padding)."""
    return base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode("ascii")


def now_str() -> str:
    """A Billy datetime: ``YYYY-MM-DDTHH:MM:SS``, UTC, no offset (UNCONFIRMED zone)."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def today() -> str:
    return datetime.date.today().isoformat()


class OrgData:
    """The records of one organization."""

    def __init__(self, org_id: str):
        self.org_id = org_id
        self.tables: dict[str, dict[str, dict]] = {plural: {} for plural in ORG_RESOURCES}
        self.indices: dict[tuple[str, str], dict[str, dict[str, None]]] = {
            key: {} for key in INDEXED
        }

    @property
    def organization(self) -> dict:
        return self.tables["organizations"][self.org_id]

    def insert(self, plural: str, record: dict) -> dict:
        self.tables[plural][record["id"]] = record
        for (res, field), index in self.indices.items():
            if res == plural and record.get(field) is not None:
                index.setdefault(record[field], {})[record["id"]] = None
        return record

    def remove(self, plural: str, record_id: str) -> dict | None:
        record = self.tables[plural].pop(record_id, None)
        if record is None:
            return None
        for (res, field), index in self.indices.items():
            if res == plural and record.get(field) is not None:
                bucket = index.get(record[field])
                if bucket is not None:
                    bucket.pop(record_id, None)
                    if not bucket:
                        del index[record[field]]
        return record

    def children(self, plural: str, field: str, parent_id: str) -> list[dict]:
        ids = self.indices[(plural, field)].get(parent_id, {})
        table = self.tables[plural]
        return [table[i] for i in ids if i in table]

    def to_json(self) -> dict:
        return {plural: list(table.values()) for plural, table in self.tables.items()}

    @classmethod
    def from_json(cls, org_id: str, data: dict) -> OrgData:
        org = cls(org_id)
        for plural, records in data.items():
            if plural in org.tables:
                for record in records:
                    org.insert(plural, record)
        for invoice in org.tables["invoices"].values():
            # a state file of an older sandbox has credit notes as "credit_note"
            if invoice.get("type") in CREDIT_NOTE_TYPES:
                invoice["type"] = INVOICE_TYPE_CREDIT_NOTE
        return org


class Store:
    """All organizations, the token → organization map and the global reference data."""

    def __init__(self):
        self.lock = threading.RLock()
        self.save_lock = threading.Lock()  # keeps saves in order
        self.tokens: dict[str, str] = {}  # token → organization id
        self.token_names: dict[str, str] = {}  # token → organization name (for reset)
        self.orgs: dict[str, OrgData] = {}
        self.reference: dict[str, dict[str, dict]] = {plural: {} for plural in GLOBAL_RESOURCES}

    # -- look-ups ---------------------------------------------------------------------------
    def org_for_token(self, token: str) -> OrgData | None:
        org_id = self.tokens.get(token)
        return self.orgs.get(org_id) if org_id else None

    def _org(self, token_or_org: str) -> OrgData:
        with self.lock:
            if token_or_org in self.orgs:
                return self.orgs[token_or_org]
            if token_or_org in self.tokens:
                return self.orgs[self.tokens[token_or_org]]
            raise KeyError(f"no organization for {token_or_org!r}")

    def org_id(self, token: str) -> str:
        return self._org(token).org_id

    def records(self, plural: str, token_or_org: str | None = None) -> list[dict]:
        with self.lock:
            if plural in self.reference:
                return [dict(r) for r in self.reference[plural].values()]
            if token_or_org is None:
                if len(self.orgs) != 1:
                    raise ValueError("several organizations: pass a token or organization id")
                token_or_org = next(iter(self.orgs))
            return [dict(r) for r in self._org(token_or_org).tables[plural].values()]

    def count(self, plural: str, token_or_org: str | None = None) -> int:
        return len(self.records(plural, token_or_org))

    def get(self, plural: str, record_id: str) -> dict | None:
        with self.lock:
            if plural in self.reference:
                record = self.reference[plural].get(record_id)
                return dict(record) if record else None
            for org in self.orgs.values():
                record = org.tables[plural].get(record_id)
                if record is not None:
                    return dict(record)
            return None

    # -- persistence ------------------------------------------------------------------------
    def to_json(self) -> dict:
        with self.lock:
            return {
                "version": 1,
                "tokens": dict(self.tokens),
                "tokenNames": dict(self.token_names),
                "reference": {p: list(t.values()) for p, t in self.reference.items()},
                "organizations": {oid: org.to_json() for oid, org in self.orgs.items()},
            }

    def load_json(self, data: dict) -> None:
        with self.lock:
            self.tokens = dict(data.get("tokens", {}))
            self.token_names = dict(data.get("tokenNames", {}))
            self.reference = {plural: {} for plural in GLOBAL_RESOURCES}
            for plural, records in data.get("reference", {}).items():
                if plural in self.reference:
                    self.reference[plural] = {r["id"]: r for r in records}
            self.orgs = {
                oid: OrgData.from_json(oid, tables)
                for oid, tables in data.get("organizations", {}).items()
            }

    def save(self, path: str) -> None:
        """Write the whole state to ``path`` atomically (temporary file + rename)."""
        with self.save_lock:
            with self.lock:
                payload = json.dumps(self.to_json(), separators=(",", ":"))
            directory = os.path.dirname(os.path.abspath(path))
            fd, tmp = tempfile.mkstemp(prefix=".sandbox-state-", dir=directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(payload)
                os.replace(tmp, path)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise

    def load(self, path: str) -> bool:
        if not os.path.exists(path):
            return False
        with open(path, encoding="utf-8") as fh:
            self.load_json(json.load(fh))
        return True
