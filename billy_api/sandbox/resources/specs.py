"""What the sandbox knows of each resource: its writable fields (named types and defaults),
read-only fields, fields fixed at creation and references to other resources."""

from __future__ import annotations

from dataclasses import dataclass, field

from billy_api.resources import CREDIT_NOTE_TYPES, INVOICE_TYPE_INVOICE
from billy_api.resources import SINGULAR as CLIENT_SINGULAR

from .fields import Field, boolean, choice, date, integer, number, text

# the client's resources, and the two the sandbox answers besides
SINGULAR = {
    **CLIENT_SINGULAR,
    "salesTaxRules": "salesTaxRule",
    "balanceModifiers": "balanceModifier",
    "invoiceLateFees": "invoiceLateFee",
    "cities": "city",
}
PLURAL = {v: k for k, v in SINGULAR.items()}


@dataclass
class Spec:
    plural: str
    fields: dict[str, Field]
    readonly: dict[str, object] = field(default_factory=dict)  # computed field → default
    immutable: tuple = ()
    refs: dict[str, str] = field(default_factory=dict)  # belongs-to field → plural
    created_time: bool = True
    # A child record carries no organizationId of its own (it belongs to a parent record).
    child: bool = False

    @property
    def singular(self) -> str:
        return SINGULAR[self.plural]


def payment_terms() -> Field:
    return choice("net", "netEndOfMonth", "date")


def tax_mode() -> Field:
    return choice("incl", "excl")


def delivery_mode(default=None) -> Field:
    return choice("link", "linkAndAttachment", "attachment", default=default)


ORGANIZATIONS = Spec(
    "organizations",
    {
        "name": text(),
        "street": text(""),
        "zipcode": text(""),
        "city": text(""),
        "phone": text(""),
        "fax": text(""),
        "email": text(""),
        "registrationNo": text(""),
        "localeId": text("da_DK"),
        "fiscalYearEndMonth": integer(12),
        "hasBillVoucherNo": boolean(False),
        "emailAttachmentDeliveryMode": delivery_mode("link"),
        "hasVat": boolean(True),
        "vatPeriod": choice("month", "quarter", "halfYear", "year", default="quarter"),
        "defaultInvoiceBankAccountId": text(),
        "invoiceNoMode": text("sequential"),
        "nextInvoiceNo": integer(1),
        "paymentTermsMode": choice("net", "netEndOfMonth", "date", default="net"),
        "paymentTermsDays": integer(8),
        "defaultTaxMode": choice("incl", "excl", default="excl"),
        "defaultSalesAccountId": text(),
        "defaultSalesTaxRulesetId": text(),
        "defaultBankFeeAccountId": text(),
        "defaultBillBankAccountId": text(),
        "bankSyncStartDate": date(),
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
)

CONTACTS = Spec(
    "contacts",
    {
        "type": choice("company", "person", default="company"),
        "name": text(),
        "countryId": text(),
        "street": text(""),
        "cityId": text(),
        "cityText": text(""),
        "stateId": text(),
        "stateText": text(""),
        "zipcodeId": text(),
        "zipcodeText": text(""),
        "contactNo": text(""),
        "phone": text(""),
        "fax": text(""),
        "currencyId": text(),
        "registrationNo": text(""),
        "ean": text(""),
        "localeId": text(),
        # UNCONFIRMED: the defaults of isCustomer/isSupplier; a new contact is a customer here,
        # like a contact created in Billy's invoice form.
        "isCustomer": boolean(True),
        "isSupplier": boolean(False),
        "paymentTermsMode": payment_terms(),
        "paymentTermsDays": integer(),
        "emailAttachmentDeliveryMode": delivery_mode(),
        "isArchived": boolean(False),
        "isSalesTaxExempt": boolean(False),
    },
    readonly={"accessCode": None},
    refs={"countryId": "countries", "currencyId": "currencies"},
)

CONTACT_PERSONS = Spec(
    "contactPersons",
    {"contactId": text(), "isPrimary": boolean(False), "name": text(""), "email": text("")},
    immutable=("contactId",),
    refs={"contactId": "contacts"},
    created_time=False,
    child=True,
)

PRODUCTS = Spec(
    "products",
    {
        "name": text(),
        "description": text(""),
        "accountId": text(),
        "productNo": text(""),
        "suppliersProductNo": text(""),
        "salesTaxRulesetId": text(),
        "isArchived": boolean(False),
    },
    refs={"accountId": "accounts", "salesTaxRulesetId": "salesTaxRulesets"},
)

PRODUCT_PRICES = Spec(
    "productPrices",
    {"productId": text(), "unitPrice": number(), "currencyId": text()},
    immutable=("productId",),
    refs={"productId": "products", "currencyId": "currencies"},
    created_time=False,
    child=True,
)

INVOICES = Spec(
    "invoices",
    {
        # "creditNote" is answered; "credit_note" is accepted too (fact F4 of the contract)
        "type": choice(INVOICE_TYPE_INVOICE, *CREDIT_NOTE_TYPES, default=INVOICE_TYPE_INVOICE),
        "contactId": text(),
        "attContactPersonId": text(),
        "entryDate": date(),
        "paymentTermsMode": payment_terms(),
        "paymentTermsDays": integer(),
        "dueDate": date(),  # only kept with paymentTermsMode "date"
        "state": choice("draft", "approved", "voided", default="draft"),
        "sentState": choice("unsent", "printed", "sent", "opened", "viewed", default="unsent"),
        "invoiceNo": text(),
        "taxMode": tax_mode(),
        "currencyId": text(),
        "exchangeRate": number(),
        "creditedInvoiceId": text(),
        "contactMessage": text(""),
        "orderNo": text(),
        "externalId": text(),
        "quoteId": text(),
        "templateId": text(),
        "recurringInvoiceId": text(),
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
)

INVOICE_LINES = Spec(
    "invoiceLines",
    {
        "invoiceId": text(),
        "productId": text(),
        "description": text(""),
        "quantity": number(1),
        "unitPrice": number(),
        "discountText": text(),
        "discountMode": choice("cash", "percent"),
        "discountValue": number(),
        "priority": integer(),
        "unit": text(),
    },
    readonly={"amount": 0.0, "tax": 0.0, "taxRateId": None},
    immutable=("invoiceId",),
    refs={"invoiceId": "invoices", "productId": "products"},
    created_time=False,
    child=True,
)

TAX_RATES = Spec(
    "taxRates",
    {
        "name": text(),
        "abbreviation": text(""),
        "description": text(""),
        # UNCONFIRMED: the scale of rate; a fraction (0.25) like Billy's own calculator.
        "rate": number(),
        "appliesToSales": boolean(False),
        "appliesToPurchases": boolean(False),
        "isActive": boolean(True),
    },
    readonly={"isPredefined": False},
)

SALES_TAX_RULESETS = Spec(
    "salesTaxRulesets",
    {
        "name": text(),
        "abbreviation": text(""),
        "description": text(""),
        "fallbackTaxRateId": text(),
    },
    readonly={"isPredefined": False},
    refs={"fallbackTaxRateId": "taxRates"},
)

SALES_TAX_RULES = Spec(
    "salesTaxRules",
    {
        "rulesetId": text(),
        "countryId": text(),
        "stateId": text(),
        "countryGroupId": text(),
        "contactType": choice("company", "person"),
        "taxRateId": text(),
        "priority": integer(0),
    },
    refs={"countryId": "countries", "taxRateId": "taxRates"},
    created_time=False,
    child=True,
)

ACCOUNTS = Spec(
    "accounts",
    {
        "name": text(),
        "accountNo": integer(),
        "description": text(""),
        "groupId": text(),
        "natureId": choice("asset", "liability", "equity", "revenue", "expense"),
        "systemRole": text(),
        "currencyId": text(),
        "taxRateId": text(),
        "isPaymentEnabled": boolean(False),
        "isBankAccount": boolean(False),
        "isArchived": boolean(False),
    },
    readonly=dict.fromkeys(
        ("bankName", "bankRoutingNo", "bankAccountNo", "bankSwift", "bankIban"), None
    ),
    refs={"currencyId": "currencies", "taxRateId": "taxRates"},
)

BANK_PAYMENTS = Spec(
    "bankPayments",
    {
        "contactId": text(),
        "entryDate": date(),
        "cashAmount": number(),
        "cashSide": choice("debit", "credit"),
        "cashAccountId": text(),
        "cashExchangeRate": number(),
        "subjectCurrencyId": text(),
        "feeAmount": number(),
        "feeAccountId": text(),
        "isVoided": boolean(False),
    },
    refs={
        "contactId": "contacts",
        "cashAccountId": "accounts",
        "subjectCurrencyId": "currencies",
        "feeAccountId": "accounts",
    },
)

BALANCE_MODIFIERS = Spec(
    "balanceModifiers",
    {"modifierReference": text(), "subjectReference": text()},
    readonly={
        "amount": 0.0,
        "entryDate": None,
        "realizedCurrencyDifference": 0.0,
        "isVoided": False,
    },
    created_time=False,
    child=True,
)

# A late fee on an approved invoice (LIVE2023 in docs/billy_api_contract.md shows invoices with
# embedded lateFees: flatFee 25, ...).
INVOICE_LATE_FEES = Spec(
    "invoiceLateFees",
    {
        "invoiceId": text(),
        "entryDate": date(),
        "flatFee": number(0),
        "percentageFee": number(0),  # percent of the invoice's grossAmount (UNCONFIRMED)
        "isVoided": boolean(False),
    },
    readonly={"amount": 0.0},
    immutable=("invoiceId",),
    refs={"invoiceId": "invoices"},
    child=True,
)

SPECS: dict[str, Spec] = {
    spec.plural: spec
    for spec in (
        ORGANIZATIONS,
        CONTACTS,
        CONTACT_PERSONS,
        PRODUCTS,
        PRODUCT_PRICES,
        INVOICES,
        INVOICE_LINES,
        TAX_RATES,
        SALES_TAX_RULESETS,
        SALES_TAX_RULES,
        ACCOUNTS,
        BANK_PAYMENTS,
        BALANCE_MODIFIERS,
        INVOICE_LATE_FEES,
        Spec("currencies", {}, created_time=False),
        Spec("cities", {}, created_time=False),
        Spec("countries", {}, created_time=False),
    )
}

# The order records are loaded in by ``POST /_sandbox/seed`` (references first).
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
