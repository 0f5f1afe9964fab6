"""Resources as Billy keeps them: fields, defaults, validation and the write rules.

Each write (create, update, delete) runs against one organization under the store lock, first
validates everything (raising :class:`ValidationFailed`, nothing applied), then applies the change
and records every changed or deleted record in a :class:`Changes`, which becomes the response
(spec §2.1: "the response will always include all records that changed because of the request").
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from dataclasses import dataclass, field

from billy_api.resources import SINGULAR as CLIENT_SINGULAR

from . import billing
from .store import OrgData, Store, new_id, now_str

BLANK = "This field must not be blank."
IMMUTABLE = "This field can't be changed once the record has been created."
MISSING = object()

# UNCONFIRMED (spec §3.2): no source shows the errorCode of a 422; this one is a guess.
VALIDATION_ERROR_CODE = "VALIDATION_FAILED"

# the client's resources, and the two the sandbox answers besides
SINGULAR = {
    **CLIENT_SINGULAR,
    "salesTaxRules": "salesTaxRule",
    "balanceModifiers": "balanceModifier",
}
PLURAL = {v: k for k, v in SINGULAR.items()}

# Country groups known to the sandbox (Billy has a /countryGroups resource; only the EU is
# modelled here, for salesTaxRules with a countryGroupId).
_EU_CODES = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"
EU_COUNTRIES = frozenset(_EU_CODES.split())
COUNTRY_GROUPS = {"eu": set(EU_COUNTRIES), "EU": set(EU_COUNTRIES)}


class ValidationFailed(Exception):
    """422: ``errors`` is Billy's ``validationErrors`` map."""

    def __init__(self, errors: dict, message: str | None = None):
        self.errors = errors
        self.message = message or _first_message(errors)
        super().__init__(self.message)


class MethodNotAllowed(Exception):
    pass


def _first_message(errors: dict) -> str:
    for entry in errors.values():
        if entry.get("message"):
            return entry["message"]
        for attr, msg in entry.get("attributes", {}).items():
            return f"Validation failed: {attr}: {msg}"
    return "Validation failed."


class Errors:
    """Collects ``validationErrors`` keyed by the record's ``_clientId`` or its root name."""

    def __init__(self):
        self.items: dict[str, dict] = {}

    def _entry(self, key: str) -> dict:
        return self.items.setdefault(key, {"message": None, "attributes": {}})

    def attr(self, key: str, attribute: str, message: str) -> None:
        entry = self._entry(key)
        entry["attributes"].setdefault(attribute, message)
        if entry["message"] is None:
            entry["message"] = f"The {key} has invalid values: {attribute}: {message}"

    def record(self, key: str, message: str) -> None:
        entry = self._entry(key)
        # A record-level message wins over the generated one.
        if entry["message"] is None or entry["message"].startswith(f"The {key} has invalid"):
            entry["message"] = message

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items)


@dataclass
class Changes:
    """Every record a write changed (plural → id → record) and deleted (plural → ids)."""

    changed: dict[str, dict[str, dict]] = field(default_factory=dict)
    deleted: dict[str, list[str]] = field(default_factory=dict)
    client_ids: dict[tuple[str, str], str] = field(default_factory=dict)

    def touch(self, plural: str, record: dict, client_id: str | None = None) -> None:
        self.changed.setdefault(plural, {})[record["id"]] = record
        if client_id is not None:
            self.client_ids[(plural, record["id"])] = client_id

    def delete(self, plural: str, record_id: str) -> None:
        self.changed.get(plural, {}).pop(record_id, None)
        ids = self.deleted.setdefault(plural, [])
        if record_id not in ids:
            ids.append(record_id)


# -- field specifications ------------------------------------------------------------------
# type codes: s string, b boolean, n number, i integer, d date, ("e", values) enum.


@dataclass
class Spec:
    plural: str
    fields: dict[str, tuple]  # writable field → (type, default)
    readonly: dict[str, object] = field(default_factory=dict)  # computed/ro field → default
    immutable: tuple = ()
    refs: dict[str, str] = field(default_factory=dict)  # belongs-to field → plural
    created_time: bool = True

    @property
    def singular(self) -> str:
        return SINGULAR[self.plural]


PAYMENT_TERMS = ("e", ("net", "netEndOfMonth", "date"))
TAX_MODE = ("e", ("incl", "excl"))
DELIVERY_MODE = ("e", ("link", "linkAndAttachment", "attachment"))

SPECS: dict[str, Spec] = {
    "organizations": Spec(
        "organizations",
        {
            "name": ("s", None),
            "street": ("s", ""),
            "zipcode": ("s", ""),
            "city": ("s", ""),
            "phone": ("s", ""),
            "fax": ("s", ""),
            "email": ("s", ""),
            "registrationNo": ("s", ""),
            "localeId": ("s", "da_DK"),
            "fiscalYearEndMonth": ("i", 12),
            "hasBillVoucherNo": ("b", False),
            "emailAttachmentDeliveryMode": (DELIVERY_MODE, "link"),
            "hasVat": ("b", True),
            "vatPeriod": (("e", ("month", "quarter", "halfYear", "year")), "quarter"),
            "defaultInvoiceBankAccountId": ("s", None),
            "invoiceNoMode": ("s", "sequential"),
            "nextInvoiceNo": ("i", 1),
            "paymentTermsMode": (PAYMENT_TERMS, "net"),
            "paymentTermsDays": ("i", 8),
            "defaultTaxMode": (TAX_MODE, "excl"),
            "defaultSalesAccountId": ("s", None),
            "defaultSalesTaxRulesetId": ("s", None),
            "defaultBankFeeAccountId": ("s", None),
            "defaultBillBankAccountId": ("s", None),
            "bankSyncStartDate": ("d", None),
        },
        readonly={
            "ownerUserId": None,
            "url": None,
            "countryId": "DK",
            "baseCurrencyId": "DKK",
            "firstFiscalYearStart": None,
            "firstFiscalYearEnd": None,
            "subscriptionPeriod": "monthly",
            "isTrial": False,
            "isTerminated": False,
            "isLocked": False,
        },
        refs={
            "defaultInvoiceBankAccountId": "accounts",
            "defaultSalesAccountId": "accounts",
            "defaultSalesTaxRulesetId": "salesTaxRulesets",
            "defaultBankFeeAccountId": "accounts",
            "defaultBillBankAccountId": "accounts",
        },
    ),
    "contacts": Spec(
        "contacts",
        {
            "type": (("e", ("company", "person")), "company"),
            "name": ("s", None),
            "countryId": ("s", None),
            "street": ("s", ""),
            "cityId": ("s", None),
            "cityText": ("s", ""),
            "stateId": ("s", None),
            "stateText": ("s", ""),
            "zipcodeId": ("s", None),
            "zipcodeText": ("s", ""),
            "contactNo": ("s", ""),
            "phone": ("s", ""),
            "fax": ("s", ""),
            "currencyId": ("s", None),
            "registrationNo": ("s", ""),
            "ean": ("s", ""),
            "localeId": ("s", None),
            # UNCONFIRMED (spec §5.2): defaults of isCustomer/isSupplier; a new contact is a
            # customer here, like a contact created in Billy's invoice form.
            "isCustomer": ("b", True),
            "isSupplier": ("b", False),
            "paymentTermsMode": (PAYMENT_TERMS, None),
            "paymentTermsDays": ("i", None),
            "emailAttachmentDeliveryMode": (DELIVERY_MODE, None),
            "isArchived": ("b", False),
            "isSalesTaxExempt": ("b", False),
        },
        readonly={"accessCode": None},
        refs={"countryId": "countries", "currencyId": "currencies"},
    ),
    "contactPersons": Spec(
        "contactPersons",
        {
            "contactId": ("s", None),
            "isPrimary": ("b", False),
            "name": ("s", ""),
            "email": ("s", ""),
        },
        immutable=("contactId",),
        refs={"contactId": "contacts"},
        created_time=False,
    ),
    "products": Spec(
        "products",
        {
            "name": ("s", None),
            "description": ("s", ""),
            "accountId": ("s", None),
            "productNo": ("s", ""),
            "suppliersProductNo": ("s", ""),
            "salesTaxRulesetId": ("s", None),
            "isArchived": ("b", False),
        },
        refs={"accountId": "accounts", "salesTaxRulesetId": "salesTaxRulesets"},
    ),
    "productPrices": Spec(
        "productPrices",
        {"productId": ("s", None), "unitPrice": ("n", None), "currencyId": ("s", None)},
        immutable=("productId",),
        refs={"productId": "products", "currencyId": "currencies"},
        created_time=False,
    ),
    "invoices": Spec(
        "invoices",
        {
            "type": (("e", ("invoice", "credit_note")), "invoice"),
            "contactId": ("s", None),
            "attContactPersonId": ("s", None),
            "entryDate": ("d", None),
            "paymentTermsMode": (PAYMENT_TERMS, None),
            "paymentTermsDays": ("i", None),
            "dueDate": ("d", None),  # only kept with paymentTermsMode "date"
            "state": (("e", ("draft", "approved", "voided")), "draft"),
            "sentState": (("e", ("unsent", "printed", "sent", "opened", "viewed")), "unsent"),
            "invoiceNo": ("s", None),
            "taxMode": (TAX_MODE, None),
            "currencyId": ("s", None),
            "exchangeRate": ("n", None),
            "creditedInvoiceId": ("s", None),
            "contactMessage": ("s", ""),
            "orderNo": ("s", None),
            "externalId": ("s", None),
            "quoteId": ("s", None),
            "templateId": ("s", None),
            "recurringInvoiceId": ("s", None),
        },
        readonly={
            "approvedTime": None,
            "amount": 0.0,
            "tax": 0.0,
            "grossAmount": 0.0,
            "balance": 0.0,
            "isPaid": False,
            "lineDescription": "",
            "downloadUrl": None,
        },
        immutable=("type", "contactId", "creditedInvoiceId"),
        refs={
            "contactId": "contacts",
            "attContactPersonId": "contactPersons",
            "currencyId": "currencies",
            "creditedInvoiceId": "invoices",
        },
    ),
    "invoiceLines": Spec(
        "invoiceLines",
        {
            "invoiceId": ("s", None),
            "productId": ("s", None),
            "description": ("s", ""),
            "quantity": ("n", 1),
            "unitPrice": ("n", None),
            "discountText": ("s", None),
            "discountMode": (("e", ("cash", "percent")), None),
            "discountValue": ("n", None),
            "priority": ("i", None),
            "unit": ("s", None),
        },
        readonly={"amount": 0.0, "tax": 0.0, "taxRateId": None},
        immutable=("invoiceId",),
        refs={"invoiceId": "invoices", "productId": "products"},
        created_time=False,
    ),
    "taxRates": Spec(
        "taxRates",
        {
            "name": ("s", None),
            "abbreviation": ("s", ""),
            "description": ("s", ""),
            # UNCONFIRMED (spec §5.9): the scale of rate; a fraction (0.25) like Billy's own
            # calculator.
            "rate": ("n", None),
            "appliesToSales": ("b", False),
            "appliesToPurchases": ("b", False),
            "isActive": ("b", True),
        },
        readonly={"isPredefined": False},
    ),
    "salesTaxRulesets": Spec(
        "salesTaxRulesets",
        {
            "name": ("s", None),
            "abbreviation": ("s", ""),
            "description": ("s", ""),
            "fallbackTaxRateId": ("s", None),
        },
        readonly={"isPredefined": False},
        refs={"fallbackTaxRateId": "taxRates"},
    ),
    "salesTaxRules": Spec(
        "salesTaxRules",
        {
            "rulesetId": ("s", None),
            "countryId": ("s", None),
            "stateId": ("s", None),
            "countryGroupId": ("s", None),
            "contactType": (("e", ("company", "person")), None),
            "taxRateId": ("s", None),
            "priority": ("i", 0),
        },
        refs={"countryId": "countries", "taxRateId": "taxRates"},
        created_time=False,
    ),
    "accounts": Spec(
        "accounts",
        {
            "name": ("s", None),
            "accountNo": ("i", None),
            "description": ("s", ""),
            "groupId": ("s", None),
            "natureId": (("e", ("asset", "liability", "equity", "revenue", "expense")), None),
            "systemRole": ("s", None),
            "currencyId": ("s", None),
            "taxRateId": ("s", None),
            "isPaymentEnabled": ("b", False),
            "isBankAccount": ("b", False),
            "isArchived": ("b", False),
        },
        readonly={
            "bankName": None,
            "bankRoutingNo": None,
            "bankAccountNo": None,
            "bankSwift": None,
            "bankIban": None,
        },
        refs={"currencyId": "currencies", "taxRateId": "taxRates"},
    ),
    "bankPayments": Spec(
        "bankPayments",
        {
            "contactId": ("s", None),
            "entryDate": ("d", None),
            "cashAmount": ("n", None),
            "cashSide": (("e", ("debit", "credit")), None),
            "cashAccountId": ("s", None),
            "cashExchangeRate": ("n", None),
            "subjectCurrencyId": ("s", None),
            "feeAmount": ("n", None),
            "feeAccountId": ("s", None),
            "isVoided": ("b", False),
        },
        refs={
            "contactId": "contacts",
            "cashAccountId": "accounts",
            "subjectCurrencyId": "currencies",
            "feeAccountId": "accounts",
        },
    ),
    "balanceModifiers": Spec(
        "balanceModifiers",
        {
            "modifierReference": ("s", None),
            "subjectReference": ("s", None),
        },
        readonly={
            "amount": 0.0,
            "entryDate": None,
            "realizedCurrencyDifference": 0.0,
            "isVoided": False,
        },
        created_time=False,
    ),
    "currencies": Spec("currencies", {}, created_time=False),
    "countries": Spec("countries", {}, created_time=False),
}

# Writes Billy refuses with 405 METHOD_NOT_ALLOWED (spec §3.2, §5.11, §5.13).
NOT_ALLOWED = {
    ("currencies", "POST"),
    ("currencies", "PUT"),
    ("currencies", "DELETE"),
    ("countries", "POST"),
    ("countries", "PUT"),
    ("countries", "DELETE"),
    ("bankPayments", "DELETE"),
    ("organizations", "POST"),
    ("organizations", "DELETE"),
    ("salesTaxRules", "POST"),
    ("salesTaxRules", "PUT"),
    ("salesTaxRules", "DELETE"),
    ("balanceModifiers", "POST"),
    ("balanceModifiers", "PUT"),
    ("balanceModifiers", "DELETE"),
}

# Records without an organizationId of their own (they belong to a parent record).
CHILD_RESOURCES = frozenset(
    ("invoiceLines", "contactPersons", "productPrices", "balanceModifiers", "salesTaxRules")
)

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _coerce(kind, value, errors: Errors, key: str, name: str):
    """Check/convert one value to its field type; returns MISSING on a type error."""
    if value is None:
        return None
    if kind == "s":
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            errors.attr(key, name, "This field must be a string.")
            return MISSING
        return value if isinstance(value, str) else str(value)
    if kind == "b":
        if not isinstance(value, bool):
            errors.attr(key, name, "This field must be a boolean.")
            return MISSING
        return value
    if kind in ("n", "i"):
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = float(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors.attr(key, name, "This field must be a number.")
            return MISSING
        if kind == "i":
            if value != int(value):
                errors.attr(key, name, "This field must be an integer.")
                return MISSING
            return int(value)
        return value
    if kind == "d":
        if not isinstance(value, str) or not DATE_RE.match(value):
            errors.attr(key, name, "This field must be a date (YYYY-MM-DD).")
            return MISSING
        try:
            billing.parse_date(value)
        except ValueError:
            errors.attr(key, name, "This field must be a valid date.")
            return MISSING
        return value
    if isinstance(kind, tuple) and kind[0] == "e":
        if value not in kind[1]:
            errors.attr(key, name, "This field must be one of: " + ", ".join(kind[1]) + ".")
            return MISSING
        return value
    return value


def clean(spec: Spec, body: dict, errors: Errors, key: str) -> dict:
    """The writable fields of ``body``, type-checked; unknown and read-only keys are ignored."""
    values = {}
    for name, value in body.items():
        if name not in spec.fields:
            continue
        coerced = _coerce(spec.fields[name][0], value, errors, key, name)
        if coerced is not MISSING:
            values[name] = coerced
    return values


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def download_path(invoice: dict) -> str:
    """The path of an invoice's PDF (the HTTP layer adds the sandbox's own host)."""
    digest = hashlib.sha1(f"{invoice['id']}:{invoice['organizationId']}".encode()).hexdigest()
    credit = invoice.get("type") == "credit_note"
    if invoice.get("state") == "draft" or not invoice.get("invoiceNo"):
        # UNCONFIRMED: only invoice file names are known; credit notes mirror them.
        name = "draft-credit-note.pdf" if credit else "draft-invoice.pdf"
    else:
        stem = "credit-note-no-" if credit else "invoice-no-"
        name = f"{stem}{invoice['invoiceNo']}.pdf"
    return f"/v2/downloads/invoices/{invoice['id']}/{invoice['organizationId']}/{digest}/{name}"


def download_digest(invoice_id: str, org_id: str) -> str:
    return hashlib.sha1(f"{invoice_id}:{org_id}".encode()).hexdigest()


class Writer:
    """The write rules of one organization; use under the store lock."""

    def __init__(self, store: Store, org: OrgData, changes: Changes | None = None):
        self.store = store
        self.org = org
        self.changes = changes or Changes()

    # -- helpers ------------------------------------------------------------------------------
    def exists(self, plural: str, record_id) -> bool:
        if not isinstance(record_id, str):
            return False
        if plural in self.store.reference:
            return record_id in self.store.reference[plural]
        return record_id in self.org.tables[plural]

    def check_refs(self, spec: Spec, values: dict, errors: Errors, key: str) -> None:
        for name, target in spec.refs.items():
            value = values.get(name)
            if value is not None and not self.exists(target, value):
                errors.attr(key, name, f"No `{SINGULAR[target]}` record with id `{value}` exists.")

    def new_record(self, spec: Spec, values: dict, record_id: str | None = None) -> dict:
        record = {"id": record_id or new_id()}
        if spec.plural not in CHILD_RESOURCES:
            record["organizationId"] = self.org.org_id
        for name, (_kind, default) in spec.fields.items():
            record[name] = values.get(name, default)
        for name, default in spec.readonly.items():
            record[name] = default
        if spec.created_time:
            record["createdTime"] = now_str()
        return record

    @staticmethod
    def key_for(body: dict, spec: Spec) -> str:
        client_id = body.get("_clientId")
        return client_id if isinstance(client_id, str) and client_id else spec.singular

    @staticmethod
    def given_id(body: dict, allow_id: bool) -> str | None:
        if allow_id and isinstance(body.get("id"), str) and body["id"]:
            return body["id"]
        return None

    def check_immutable(self, spec: Spec, record: dict, values: dict, errors, key) -> None:
        for name in spec.immutable:
            if name in values and values[name] != record.get(name):
                errors.attr(key, name, IMMUTABLE)

    def apply(self, plural: str, record: dict, values: dict) -> None:
        record.update(values)
        self.changes.touch(plural, record)

    # -- dispatch -------------------------------------------------------------------------------
    def create(self, plural: str, body: dict, allow_id: bool = False) -> dict:
        if (plural, "POST") in NOT_ALLOWED:
            raise MethodNotAllowed(plural)
        return getattr(self, f"create_{plural}")(body, allow_id)

    def update(self, plural: str, record_id: str, body: dict) -> dict:
        if (plural, "PUT") in NOT_ALLOWED:
            raise MethodNotAllowed(plural)
        record = self.org.tables[plural][record_id]
        return getattr(self, f"update_{plural}")(record, body)

    def delete(self, plural: str, record_id: str) -> None:
        if (plural, "DELETE") in NOT_ALLOWED:
            raise MethodNotAllowed(plural)
        record = self.org.tables[plural].get(record_id)
        if record is None:
            # DELETE is idempotent in Billy: a missing id still answers 200.
            self.changes.deleted.setdefault(plural, [])
            return
        handler = getattr(self, f"delete_{plural}", None)
        if handler is not None:
            handler(record)
        else:
            self.remove(plural, record_id)

    def remove(self, plural: str, record_id: str) -> None:
        if self.org.remove(plural, record_id) is not None:
            self.changes.delete(plural, record_id)

    # -- simple resources ---------------------------------------------------------------------
    def _simple_create(self, plural, body, allow_id, required=("name",), extra=None) -> dict:
        spec = SPECS[plural]
        errors = Errors()
        key = self.key_for(body, spec)
        values = clean(spec, body, errors, key)
        for name in required:
            if blank(values.get(name)):
                errors.attr(key, name, BLANK)
        self.check_refs(spec, values, errors, key)
        if extra:
            extra(values, errors, key, None)
        errors.raise_if_any()
        record = self.org.insert(
            plural, self.new_record(spec, values, self.given_id(body, allow_id))
        )
        self.changes.touch(plural, record, body.get("_clientId"))
        return record

    def _simple_update(self, plural, record, body, required=("name",), extra=None) -> dict:
        spec = SPECS[plural]
        errors = Errors()
        key = self.key_for(body, spec)
        values = clean(spec, body, errors, key)
        for name in required:
            if name in values and blank(values[name]):
                errors.attr(key, name, BLANK)
        self.check_refs(spec, values, errors, key)
        self.check_immutable(spec, record, values, errors, key)
        if extra:
            extra(values, errors, key, record)
        errors.raise_if_any()
        self.apply(plural, record, values)
        return record

    def create_taxRates(self, body, allow_id):
        return self._simple_create("taxRates", body, allow_id, required=("name", "rate"))

    def update_taxRates(self, record, body):
        return self._simple_update("taxRates", record, body, required=("name", "rate"))

    def create_accounts(self, body, allow_id):
        return self._simple_create("accounts", body, allow_id)

    def update_accounts(self, record, body):
        return self._simple_update("accounts", record, body)

    def update_organizations(self, record, body):
        def extra(values, errors, key, _record):
            if "nextInvoiceNo" in values and (values["nextInvoiceNo"] or 0) < 1:
                errors.attr(key, "nextInvoiceNo", "This field must be at least 1.")
            for name in ("paymentTermsMode", "defaultTaxMode"):
                if name in values and values[name] is None:
                    errors.attr(key, name, BLANK)

        return self._simple_update("organizations", record, body, extra=extra)

    # -- sales tax rulesets (with embedded rules) ---------------------------------------------
    def _rules(self, body, errors: Errors) -> list[dict] | None:
        rules = body.get("rules", MISSING)
        if rules is MISSING or rules is None:
            return None
        if not isinstance(rules, list):
            errors.attr(self.key_for(body, SPECS["salesTaxRulesets"]), "rules", "Must be a list.")
            return None
        spec = SPECS["salesTaxRules"]
        result = []
        for rule in rules:
            if not isinstance(rule, dict):
                errors.attr("salesTaxRule", "rule", "Must be an object.")
                continue
            key = self.key_for(rule, spec)
            values = clean(spec, rule, errors, key)
            if blank(values.get("countryId")) and blank(values.get("countryGroupId")):
                errors.attr(key, "countryId", BLANK)
            self.check_refs(spec, values, errors, key)
            result.append((values, rule.get("_clientId")))
        return result

    def _insert_rules(self, ruleset: dict, rules) -> None:
        spec = SPECS["salesTaxRules"]
        for old in self.org.children("salesTaxRules", "rulesetId", ruleset["id"]):
            self.remove("salesTaxRules", old["id"])
        for values, client_id in rules:
            record = self.new_record(spec, {**values, "rulesetId": ruleset["id"]})
            self.org.insert("salesTaxRules", record)
            self.changes.touch("salesTaxRules", record, client_id)

    def create_salesTaxRulesets(self, body, allow_id):
        errors = Errors()
        rules = self._rules(body, errors)
        errors.raise_if_any()
        record = self._simple_create("salesTaxRulesets", body, allow_id)
        if rules is not None:
            self._insert_rules(record, rules)
        return record

    def update_salesTaxRulesets(self, record, body):
        errors = Errors()
        rules = self._rules(body, errors)
        errors.raise_if_any()
        self._simple_update("salesTaxRulesets", record, body)
        if rules is not None:
            self._insert_rules(record, rules)
        return record

    def delete_salesTaxRulesets(self, record):
        for rule in self.org.children("salesTaxRules", "rulesetId", record["id"]):
            self.remove("salesTaxRules", rule["id"])
        self.remove("salesTaxRulesets", record["id"])

    # -- contacts and contact persons ---------------------------------------------------------
    def _person_values(self, person, errors: Errors, contact_known: bool) -> dict:
        spec = SPECS["contactPersons"]
        key = self.key_for(person, spec)
        values = clean(spec, person, errors, key)
        if blank(values.get("name")) and blank(values.get("email")):
            errors.record(key, "Either name or email must be set.")
            errors.attr(key, "name", "Either name or email must be set.")
        if not contact_known:
            self.check_refs(spec, values, errors, key)
        return values

    def _embedded_persons(self, body, errors: Errors):
        persons = body.get("contactPersons", MISSING)
        if persons is MISSING or persons is None:
            return None
        if not isinstance(persons, list) or not all(isinstance(p, dict) for p in persons):
            errors.attr(self.key_for(body, SPECS["contacts"]), "contactPersons", "Must be a list.")
            return None
        return [(self._person_values(p, errors, True), p.get("_clientId")) for p in persons]

    def _replace_persons(self, contact: dict, persons) -> None:
        spec = SPECS["contactPersons"]
        for old in self.org.children("contactPersons", "contactId", contact["id"]):
            self.remove("contactPersons", old["id"])
        for values, client_id in persons:
            record = self.new_record(spec, {**values, "contactId": contact["id"]})
            self.org.insert("contactPersons", record)
            self.changes.touch("contactPersons", record, client_id)

    def _contact_extra(self, values, errors, key, record):
        if ("countryId" in values or record is None) and blank(values.get("countryId")):
            errors.attr(key, "countryId", BLANK)

    def create_contacts(self, body, allow_id):
        errors = Errors()
        persons = self._embedded_persons(body, errors)
        spec = SPECS["contacts"]
        key = self.key_for(body, spec)
        values = clean(spec, body, errors, key)
        if blank(values.get("name")):
            errors.attr(key, "name", BLANK)
        self._contact_extra(values, errors, key, None)
        self.check_refs(spec, values, errors, key)
        errors.raise_if_any()
        record = self.new_record(spec, values, self.given_id(body, allow_id))
        record["accessCode"] = secrets.token_urlsafe(12)[:16]
        self.org.insert("contacts", record)
        self.changes.touch("contacts", record, body.get("_clientId"))
        if persons is not None:
            self._replace_persons(record, persons)
        return record

    def update_contacts(self, record, body):
        errors = Errors()
        persons = self._embedded_persons(body, errors)
        errors.raise_if_any()
        self._simple_update("contacts", record, body, extra=self._contact_extra)
        if persons is not None:
            self._replace_persons(record, persons)
        return record

    def delete_contacts(self, record):
        if self.org.indices[("invoices", "contactId")].get(record["id"]):
            # UNCONFIRMED: Billy's exact refusal; a contact with invoices can only be archived.
            raise ValidationFailed(
                {
                    "contact": {
                        "message": "The contact has invoices and can't be deleted; "
                        "archive it instead.",
                        "attributes": {},
                    }
                }
            )
        for person in self.org.children("contactPersons", "contactId", record["id"]):
            self.remove("contactPersons", person["id"])
        self.remove("contacts", record["id"])

    def create_contactPersons(self, body, allow_id):
        errors = Errors()
        spec = SPECS["contactPersons"]
        key = self.key_for(body, spec)
        values = self._person_values(body, errors, False)
        if blank(values.get("contactId")):
            errors.attr(key, "contactId", BLANK)
        errors.raise_if_any()
        record = self.new_record(spec, values, self.given_id(body, allow_id))
        self.org.insert("contactPersons", record)
        self.changes.touch("contactPersons", record, body.get("_clientId"))
        return record

    def update_contactPersons(self, record, body):
        def extra(values, errors, key, record):
            merged = {**record, **values}
            if blank(merged.get("name")) and blank(merged.get("email")):
                errors.record(key, "Either name or email must be set.")
                errors.attr(key, "name", "Either name or email must be set.")

        return self._simple_update("contactPersons", record, body, required=(), extra=extra)

    # -- products and prices ------------------------------------------------------------------
    def _price_values(self, price, errors: Errors, product_known: bool) -> dict:
        spec = SPECS["productPrices"]
        key = self.key_for(price, spec)
        values = clean(spec, price, errors, key)
        if values.get("unitPrice") is None:
            errors.attr(key, "unitPrice", BLANK)
        if blank(values.get("currencyId")):
            errors.attr(key, "currencyId", BLANK)
        refs = dict(spec.refs)
        if product_known:
            refs.pop("productId")
        for name, target in refs.items():
            value = values.get(name)
            if value is not None and not self.exists(target, value):
                errors.attr(key, name, f"No `{SINGULAR[target]}` record with id `{value}` exists.")
        return values

    def _embedded_prices(self, body, errors: Errors):
        prices = body.get("prices", MISSING)
        if prices is MISSING or prices is None:
            return None
        if not isinstance(prices, list) or not all(isinstance(p, dict) for p in prices):
            errors.attr(self.key_for(body, SPECS["products"]), "prices", "Must be a list.")
            return None
        return [(self._price_values(p, errors, True), p.get("_clientId")) for p in prices]

    def _replace_prices(self, product: dict, prices) -> None:
        spec = SPECS["productPrices"]
        for old in self.org.children("productPrices", "productId", product["id"]):
            self.remove("productPrices", old["id"])
        for values, client_id in prices:
            record = self.new_record(spec, {**values, "productId": product["id"]})
            self.org.insert("productPrices", record)
            self.changes.touch("productPrices", record, client_id)

    def create_products(self, body, allow_id):
        errors = Errors()
        prices = self._embedded_prices(body, errors)
        errors.raise_if_any()
        organization = self.org.organization
        # UNCONFIRMED (spec §5.4): accountId / salesTaxRulesetId default to the organization's
        # default sales account and ruleset.
        defaults = {}
        if body.get("accountId") is None:
            defaults["accountId"] = organization.get("defaultSalesAccountId")
        if body.get("salesTaxRulesetId") is None:
            defaults["salesTaxRulesetId"] = organization.get("defaultSalesTaxRulesetId")
        record = self._simple_create("products", {**body, **defaults}, allow_id)
        if prices is not None:
            self._replace_prices(record, prices)
        return record

    def update_products(self, record, body):
        errors = Errors()
        prices = self._embedded_prices(body, errors)
        errors.raise_if_any()
        self._simple_update("products", record, body)
        if prices is not None:
            self._replace_prices(record, prices)
        return record

    def delete_products(self, record):
        if self.org.indices[("invoiceLines", "productId")].get(record["id"]):
            # UNCONFIRMED: Billy's exact refusal; a product on invoices can only be archived.
            raise ValidationFailed(
                {
                    "product": {
                        "message": "The product is used on invoices and can't be deleted; "
                        "archive it instead.",
                        "attributes": {},
                    }
                }
            )
        for price in self.org.children("productPrices", "productId", record["id"]):
            self.remove("productPrices", price["id"])
        self.remove("products", record["id"])

    def create_productPrices(self, body, allow_id):
        errors = Errors()
        values = self._price_values(body, errors, False)
        key = self.key_for(body, SPECS["productPrices"])
        if blank(values.get("productId")):
            errors.attr(key, "productId", BLANK)
        errors.raise_if_any()
        spec = SPECS["productPrices"]
        record = self.org.insert(
            "productPrices", self.new_record(spec, values, self.given_id(body, allow_id))
        )
        self.changes.touch("productPrices", record, body.get("_clientId"))
        return record

    def update_productPrices(self, record, body):
        return self._simple_update("productPrices", record, body, required=("currencyId",))

    # -- invoices -----------------------------------------------------------------------------
    def tax_rate_for(self, product: dict | None, contact: dict | None) -> tuple[str | None, object]:
        """The line's tax rate: the first matching rule of the product's sales tax ruleset (by
        contact country / country group / contact type, in priority order), else the ruleset's
        fallback rate (spec §5.10, inferred)."""
        if product is None:
            return None, 0
        ruleset_id = product.get("salesTaxRulesetId")
        ruleset = self.org.tables["salesTaxRulesets"].get(ruleset_id) if ruleset_id else None
        if ruleset is None:
            return None, 0
        rate_id = ruleset.get("fallbackTaxRateId")
        country = (contact or {}).get("countryId")
        contact_type = (contact or {}).get("type")
        rules = sorted(
            self.org.children("salesTaxRules", "rulesetId", ruleset["id"]),
            key=lambda r: r.get("priority") or 0,
        )
        for rule in rules:
            if rule.get("countryId") and rule["countryId"] != country:
                continue
            group = rule.get("countryGroupId")
            if group and country not in COUNTRY_GROUPS.get(group, ()):
                continue
            if rule.get("contactType") and rule["contactType"] != contact_type:
                continue
            rate_id = rule.get("taxRateId")
            break
        rate = self.org.tables["taxRates"].get(rate_id) if rate_id else None
        return (rate["id"], rate.get("rate") or 0) if rate else (None, 0)

    def invoice_lines(self, invoice_id: str) -> list[dict]:
        lines = self.org.children("invoiceLines", "invoiceId", invoice_id)
        return sorted(lines, key=lambda line: line.get("priority") or 0)

    def paid_amount(self, invoice: dict):
        total = billing.ZERO
        for modifier in self.org.children(
            "balanceModifiers", "subjectReference", f"invoice:{invoice['id']}"
        ):
            if not modifier.get("isVoided"):
                total += billing.dec(modifier.get("amount"))
        return total

    def refresh_balance(self, invoice: dict) -> None:
        if invoice["state"] == "voided":
            balance = billing.ZERO
        else:
            balance = billing.dec(invoice["grossAmount"]) - self.paid_amount(invoice)
        invoice["balance"] = billing.money(balance)
        invoice["isPaid"] = invoice["state"] == "approved" and balance <= 0
        self.changes.touch("invoices", invoice)

    def recompute(self, invoice: dict, touch_lines: bool = False) -> None:
        """Totals (§7.1), line amounts/taxes, lineDescription, dueDate (§7.2) and balance."""
        contact = self.org.tables["contacts"].get(invoice["contactId"])
        products = self.org.tables["products"]
        lines = self.invoice_lines(invoice["id"])
        inputs, rate_ids = [], []
        for line in lines:
            rate_id, rate = self.tax_rate_for(products.get(line["productId"]), contact)
            rate_ids.append(rate_id)
            inputs.append(
                billing.LineInput(
                    line.get("quantity"),
                    line.get("unitPrice"),
                    line.get("discountMode"),
                    line.get("discountValue"),
                    rate,
                )
            )
        total = billing.invoice_total(inputs, invoice["taxMode"])
        descriptions = []
        for line, result, rate_id in zip(lines, total.lines, rate_ids, strict=True):
            new = {
                "amount": billing.money(result.amount),
                "tax": billing.money(result.tax),
                "taxRateId": rate_id,
            }
            if touch_lines or any(line.get(k) != v for k, v in new.items()):
                line.update(new)
                self.changes.touch("invoiceLines", line)
            product = products.get(line["productId"])
            name = product["name"] if product else ""
            text = line.get("description") or ""
            descriptions.append(f"{name}: {text}" if text and name else (name or text))
        invoice["amount"] = billing.money(total.amount)
        invoice["tax"] = billing.money(total.tax)
        invoice["grossAmount"] = billing.money(total.gross_amount)
        invoice["lineDescription"] = ", ".join(d for d in descriptions if d)
        invoice["dueDate"] = billing.due_date(
            invoice["entryDate"],
            invoice["paymentTermsMode"],
            invoice["paymentTermsDays"],
            invoice.get("dueDate"),
        )
        invoice["downloadUrl"] = download_path(invoice)
        self.refresh_balance(invoice)

    def _line_values(self, line: dict, errors: Errors, embedded: bool) -> dict:
        spec = SPECS["invoiceLines"]
        key = self.key_for(line, spec)
        values = clean(spec, line, errors, key)
        if blank(values.get("productId")):
            errors.attr(key, "productId", BLANK)
        if values.get("unitPrice") is None:
            errors.attr(key, "unitPrice", BLANK)
        if "quantity" in values and values["quantity"] is None:
            values.pop("quantity")
        refs = dict(spec.refs)
        if embedded:
            refs.pop("invoiceId")
        for name, target in refs.items():
            value = values.get(name)
            if value is not None and not self.exists(target, value):
                errors.attr(key, name, f"No `{SINGULAR[target]}` record with id `{value}` exists.")
        return values

    def _embedded_lines(self, body: dict, errors: Errors, key: str):
        lines = body.get("lines", MISSING)
        if lines is MISSING or lines is None:
            return None
        if not isinstance(lines, list) or not all(isinstance(line, dict) for line in lines):
            errors.attr(key, "lines", "Must be a list of invoice lines.")
            return None
        return [(self._line_values(line, errors, True), line.get("_clientId")) for line in lines]

    def _validate_invoice(self, merged: dict, errors: Errors, key: str, line_count: int) -> None:
        for name in ("contactId", "entryDate", "currencyId"):
            if blank(merged.get(name)):
                errors.attr(key, name, BLANK)
        if line_count == 0:
            errors.record(key, "Invoices must have at least one invoice line.")
            errors.attr(key, "lines", "Invoices must have at least one invoice line.")
        self.check_refs(SPECS["invoices"], merged, errors, key)
        contact_id = merged.get("contactId")
        person_id = merged.get("attContactPersonId")
        person = self.org.tables["contactPersons"].get(person_id) if person_id else None
        if person is not None and person["contactId"] != contact_id:
            errors.attr(key, "attContactPersonId", "The contact person must belong to the contact.")
        credited_id = merged.get("creditedInvoiceId")
        if credited_id:
            credited = self.org.tables["invoices"].get(credited_id)
            if merged.get("type") != "credit_note":
                errors.attr(key, "creditedInvoiceId", "Only credit notes can credit an invoice.")
            elif credited is not None and credited["contactId"] != contact_id:
                errors.attr(
                    key,
                    "creditedInvoiceId",
                    "The credited invoice must belong to the same contact.",
                )
            elif credited is not None and credited.get("type") == "credit_note":
                errors.attr(key, "creditedInvoiceId", "A credit note can't credit a credit note.")
        if merged.get("paymentTermsMode") == "date" and blank(merged.get("dueDate")):
            errors.attr(key, "dueDate", "A due date is required with payment terms mode `date`.")
        invoice_no = merged.get("invoiceNo")
        if invoice_no:
            for other in self.org.tables["invoices"].values():
                if other["invoiceNo"] == invoice_no and other["id"] != merged.get("id"):
                    errors.attr(key, "invoiceNo", f"Invoice number {invoice_no} is already used.")
                    break

    def _insert_lines(self, invoice: dict, lines) -> None:
        spec = SPECS["invoiceLines"]
        for old in self.org.children("invoiceLines", "invoiceId", invoice["id"]):
            self.remove("invoiceLines", old["id"])
        for position, (values, client_id) in enumerate(lines, start=1):
            record = self.new_record(spec, {**values, "invoiceId": invoice["id"]})
            if record["priority"] is None:
                record["priority"] = position
            if record["quantity"] is None:
                record["quantity"] = 1
            self.org.insert("invoiceLines", record)
            self.changes.touch("invoiceLines", record, client_id)

    def _invoice_defaults(self, values: dict) -> dict:
        """Defaults from the contact and the organization (spec §5.6, §7.2)."""
        organization = self.org.organization
        contact = self.org.tables["contacts"].get(values.get("contactId")) or {}
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

    def _exchange_rate(self, invoice: dict) -> None:
        base = self.org.organization.get("baseCurrencyId")
        if invoice["currencyId"] == base:
            invoice["exchangeRate"] = 1.0  # forced to 1 for the base currency (spec §5.6)
        elif invoice.get("exchangeRate") is None:
            currency = self.store.reference["currencies"].get(invoice["currencyId"]) or {}
            invoice["exchangeRate"] = currency.get("exchangeRate") or 1.0

    def approve(self, invoice: dict) -> None:
        organization = self.org.organization
        invoice["state"] = "approved"
        invoice["approvedTime"] = now_str()
        next_no = int(organization.get("nextInvoiceNo") or 1)
        if not invoice.get("invoiceNo"):
            invoice["invoiceNo"] = str(next_no)
            organization["nextInvoiceNo"] = next_no + 1
            self.changes.touch("organizations", organization)
        elif invoice["invoiceNo"].isdigit() and int(invoice["invoiceNo"]) >= next_no:
            organization["nextInvoiceNo"] = int(invoice["invoiceNo"]) + 1
            self.changes.touch("organizations", organization)
        invoice["downloadUrl"] = download_path(invoice)
        self.refresh_balance(invoice)

    def create_invoices(self, body, allow_id):
        spec = SPECS["invoices"]
        errors = Errors()
        key = self.key_for(body, spec)
        values = clean(spec, body, errors, key)
        lines = self._embedded_lines(body, errors, key)
        if values.get("state") == "voided":
            errors.attr(key, "state", "An invoice can only be created as draft or approved.")
        merged = self._invoice_defaults(values)
        self._validate_invoice(merged, errors, key, len(lines or []))
        errors.raise_if_any()
        state = merged.pop("state", "draft") or "draft"
        record = self.new_record(spec, {**merged, "state": "draft"}, self.given_id(body, allow_id))
        if record["paymentTermsMode"] != "date":
            record["dueDate"] = None
        self._exchange_rate(record)
        self.org.insert("invoices", record)
        self.changes.touch("invoices", record, body.get("_clientId"))
        self._insert_lines(record, lines)
        self.recompute(record)
        if state == "approved":
            self.approve(record)
        return record

    def update_invoices(self, record, body):
        spec = SPECS["invoices"]
        errors = Errors()
        key = self.key_for(body, spec)
        if body.get("id") not in (None, record["id"]):
            errors.attr(key, "id", "The id in the body must equal the id in the URL.")
        values = clean(spec, body, errors, key)
        lines = self._embedded_lines(body, errors, key)
        if record["state"] != "draft":
            changed = sorted(k for k, v in values.items() if v != record.get(k))
            if changed or lines is not None:
                what = ", ".join(changed + (["lines"] if lines is not None else []))
                raise ValidationFailed(
                    {
                        key: {
                            "message": f"The invoice is {record['state']} and can't be changed "
                            f"(tried: {what}). Create a credit note instead.",
                            "attributes": dict.fromkeys(
                                changed or ["lines"], "An approved invoice can't be changed."
                            ),
                        }
                    }
                )
            errors.raise_if_any()
            self.changes.touch("invoices", record)
            return record
        if values.get("state") == "voided":
            errors.attr(key, "state", "A draft invoice can only be approved.")
        self.check_immutable(spec, record, values, errors, key)
        merged = {**record, **values}
        for name in ("taxMode", "paymentTermsMode"):
            if name in values and values[name] is None:
                merged.pop(name)
        merged = self._invoice_defaults(merged)
        line_count = len(lines) if lines is not None else len(self.invoice_lines(record["id"]))
        self._validate_invoice(merged, errors, key, line_count)
        errors.raise_if_any()
        state = merged.pop("state")
        if merged["paymentTermsMode"] != "date":
            merged["dueDate"] = None
        merged.pop("id", None)
        for name in spec.fields:
            if name in merged:
                record[name] = merged[name]
        if "exchangeRate" in values or "currencyId" in values:
            if "exchangeRate" not in values:
                record["exchangeRate"] = None
            self._exchange_rate(record)
        self.changes.touch("invoices", record)
        if lines is not None:
            self._insert_lines(record, lines)
        self.recompute(record)
        if state == "approved":
            self.approve(record)
        return record

    def delete_invoices(self, record):
        if record["state"] != "draft":
            raise ValidationFailed(
                {
                    "invoice": {
                        "message": f"The invoice is {record['state']} and can't be deleted. "
                        "Create a credit note instead.",
                        "attributes": {},
                    }
                }
            )
        for line in self.org.children("invoiceLines", "invoiceId", record["id"]):
            self.remove("invoiceLines", line["id"])
        self.remove("invoices", record["id"])

    def void_invoice(self, record) -> None:
        """What a Billy user voiding an approved invoice does: state ``voided``, balance 0."""
        if record["state"] != "approved":
            raise ValidationFailed(
                {"invoice": {"message": "Only approved invoices can be voided.", "attributes": {}}}
            )
        record["state"] = "voided"
        self.refresh_balance(record)

    def _draft_invoice_for_line(self, invoice_id, errors: Errors, key: str) -> dict | None:
        invoice = self.org.tables["invoices"].get(invoice_id) if invoice_id else None
        if invoice is not None and invoice["state"] != "draft":
            errors.record(key, "The invoice is approved; its lines can't be changed.")
            errors.attr(key, "invoiceId", "The invoice is approved; its lines can't be changed.")
        return invoice

    def create_invoiceLines(self, body, allow_id):
        errors = Errors()
        key = self.key_for(body, SPECS["invoiceLines"])
        values = self._line_values(body, errors, False)
        if blank(values.get("invoiceId")):
            errors.attr(key, "invoiceId", BLANK)
        invoice = self._draft_invoice_for_line(values.get("invoiceId"), errors, key)
        errors.raise_if_any()
        spec = SPECS["invoiceLines"]
        record = self.new_record(spec, values, self.given_id(body, allow_id))
        if record["priority"] is None:
            existing = [line.get("priority") or 0 for line in self.invoice_lines(invoice["id"])]
            record["priority"] = max(existing, default=0) + 1
        if record["quantity"] is None:
            record["quantity"] = 1
        self.org.insert("invoiceLines", record)
        self.changes.touch("invoiceLines", record, body.get("_clientId"))
        self.recompute(invoice)
        return record

    def update_invoiceLines(self, record, body):
        invoice = self.org.tables["invoices"][record["invoiceId"]]
        errors = Errors()
        key = self.key_for(body, SPECS["invoiceLines"])
        self._draft_invoice_for_line(invoice["id"], errors, key)
        errors.raise_if_any()

        def extra(values, errors, key, _record):
            if "unitPrice" in values and values["unitPrice"] is None:
                errors.attr(key, "unitPrice", BLANK)
            if "quantity" in values and values["quantity"] is None:
                values["quantity"] = 1

        self._simple_update("invoiceLines", record, body, required=("productId",), extra=extra)
        self.recompute(invoice)
        return record

    def delete_invoiceLines(self, record):
        invoice = self.org.tables["invoices"][record["invoiceId"]]
        errors = Errors()
        self._draft_invoice_for_line(invoice["id"], errors, "invoiceLine")
        if len(self.invoice_lines(invoice["id"])) <= 1:
            errors.record("invoice", "Invoices must have at least one invoice line.")
        errors.raise_if_any()
        self.remove("invoiceLines", record["id"])
        self.recompute(invoice)

    # -- bank payments ------------------------------------------------------------------------
    def create_bankPayments(self, body, allow_id):
        spec = SPECS["bankPayments"]
        errors = Errors()
        key = self.key_for(body, spec)
        values = clean(spec, body, errors, key)
        for name in ("entryDate", "cashAmount", "cashSide", "cashAccountId"):
            if blank(values.get(name)):
                errors.attr(key, name, BLANK)
        self.check_refs(spec, values, errors, key)
        account = self.org.tables["accounts"].get(values.get("cashAccountId") or "")
        if account is not None and not account.get("isPaymentEnabled"):
            errors.attr(key, "cashAccountId", "The account must have payments enabled.")
        if values.get("isVoided"):
            errors.attr(key, "isVoided", "A payment can't be created voided.")
        associations = body.get("associations") or []
        invoices = []
        if not isinstance(associations, list):
            errors.attr(key, "associations", "Must be a list.")
            associations = []
        for association in associations:
            reference = (
                association.get("subjectReference") if isinstance(association, dict) else None
            )
            kind, _, subject_id = (reference or "").partition(":")
            invoice = self.org.tables["invoices"].get(subject_id) if kind == "invoice" else None
            if invoice is None:
                errors.attr(
                    key, "associations", f"Unknown subject `{reference}` (expected invoice:<id>)."
                )
            elif invoice["state"] != "approved":
                errors.attr(key, "associations", "Only approved invoices can be paid.")
            else:
                invoices.append(invoice)
        currencies = {inv["currencyId"] for inv in invoices}
        if len(currencies) > 1:
            errors.attr(key, "associations", "All associations must share one currency.")
        if not invoices and blank(values.get("contactId")):
            errors.attr(key, "contactId", BLANK)
        errors.raise_if_any()

        base = self.org.organization.get("baseCurrencyId")
        subject_currency = values.get("subjectCurrencyId") or (
            invoices[0]["currencyId"] if invoices else base
        )
        cash_currency = (account or {}).get("currencyId") or base
        if cash_currency == subject_currency:
            values["cashExchangeRate"] = 1.0
        elif values.get("cashExchangeRate") is None:
            raise ValidationFailed(
                {
                    key: {
                        "message": "cashExchangeRate is required when the currencies differ.",
                        "attributes": {"cashExchangeRate": BLANK},
                    }
                }
            )
        values["subjectCurrencyId"] = subject_currency
        if not values.get("contactId") and invoices:
            values["contactId"] = invoices[0]["contactId"]
        record = self.org.insert(
            "bankPayments", self.new_record(spec, values, self.given_id(body, allow_id))
        )
        self.changes.touch("bankPayments", record, body.get("_clientId"))

        available = billing.dec(values["cashAmount"])
        if values.get("feeAmount") and values["cashSide"] == "debit":
            available += billing.dec(values["feeAmount"])  # the fee offsets the balance
        available = available / billing.dec(values["cashExchangeRate"])
        modifier_spec = SPECS["balanceModifiers"]
        for index, invoice in enumerate(invoices):
            outstanding = max(billing.dec(invoice["balance"]), billing.ZERO)
            last = index == len(invoices) - 1
            amount = available if last and len(invoices) == 1 else min(available, outstanding)
            amount = max(billing.round2(amount), billing.ZERO)
            available -= amount
            modifier = self.new_record(
                modifier_spec,
                {
                    "modifierReference": f"bankPayment:{record['id']}",
                    "subjectReference": f"invoice:{invoice['id']}",
                },
            )
            # Overpayment goes to the contact's balance in Billy; the invoice stops at 0.
            modifier["amount"] = billing.money(min(amount, outstanding))
            modifier["entryDate"] = record["entryDate"]
            self.org.insert("balanceModifiers", modifier)
            self.changes.touch("balanceModifiers", modifier)
            self.refresh_balance(invoice)
        return record

    def update_bankPayments(self, record, body):
        """Only ``isVoided`` can change (false → true, irreversibly); the rest is immutable
        and ignored."""
        spec = SPECS["bankPayments"]
        errors = Errors()
        key = self.key_for(body, spec)
        values = clean(spec, body, errors, key)
        if record["isVoided"] and values.get("isVoided") is False:
            errors.attr(key, "isVoided", "A voided payment can't be restored.")
        errors.raise_if_any()
        self.changes.touch("bankPayments", record)
        if values.get("isVoided") and not record["isVoided"]:
            record["isVoided"] = True
            for modifier in self.org.children(
                "balanceModifiers", "modifierReference", f"bankPayment:{record['id']}"
            ):
                modifier["isVoided"] = True
                self.changes.touch("balanceModifiers", modifier)
                kind, _, subject_id = modifier["subjectReference"].partition(":")
                invoice = self.org.tables["invoices"].get(subject_id)
                if kind == "invoice" and invoice is not None:
                    self.refresh_balance(invoice)
        return record


SEED_ORDER = (
    "taxRates",
    "salesTaxRulesets",
    "accounts",
    "contacts",
    "contactPersons",
    "products",
    "productPrices",
    "invoices",
    "invoiceLines",
    "bankPayments",
)
