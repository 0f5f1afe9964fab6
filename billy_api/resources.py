"""Billy v2 resource names and wire constants.

Billy addresses every resource by its plural name (``/v2/contacts``) and wraps a single record in
an envelope named with the singular (``{"contact": {...}}``).  ``SINGULAR`` maps the plural wire
names the project uses to their envelope names; ``singular()`` also copes with resources that are
not in the map.
"""

SINGULAR = {
    "organizations": "organization",
    "contacts": "contact",
    "contactPersons": "contactPerson",
    "products": "product",
    "productPrices": "productPrice",
    "invoices": "invoice",
    "invoiceLines": "invoiceLine",
    "taxRates": "taxRate",
    "salesTaxRulesets": "salesTaxRuleset",
    "accounts": "account",
    "currencies": "currency",
    "countries": "country",
    "bankPayments": "bankPayment",
}

PLURAL = {single: plural for plural, single in SINGULAR.items()}

# Invoice ``type`` literals. Billy's docs name no credit-note literal; three public clients send
# "creditNote", one (Apaq/billy-java) "credit_note" (docs/billy_api_contract.md, fact F4). Send
# INVOICE_TYPE_CREDIT_NOTE; read any of CREDIT_NOTE_TYPES as a credit note.
INVOICE_TYPE_INVOICE = "invoice"
INVOICE_TYPE_CREDIT_NOTE = "creditNote"
CREDIT_NOTE_TYPES = ("creditNote", "credit_note")


def singular(resource):
    """The envelope (singular) name of the plural resource name ``resource``.

    Known resources come from ``SINGULAR``; any other name follows English plural rules, which is
    how Billy names its resources (``bills`` -> ``bill``, ``daybookTransactions`` ->
    ``daybookTransaction``, ``cities`` -> ``city``).
    """
    if resource in SINGULAR:
        return SINGULAR[resource]
    if resource.endswith("ies") and len(resource) > 3:
        return resource[:-3] + "y"
    if resource.endswith(("sses", "xes", "ches", "shes")):
        return resource[:-2]
    if resource.endswith("s") and not resource.endswith("ss"):
        return resource[:-1]
    return resource


def plural(envelope):
    """The plural (resource) name of the envelope name ``envelope``; the inverse of ``singular``."""
    if envelope in PLURAL:
        return PLURAL[envelope]
    if envelope.endswith("y") and len(envelope) > 1 and envelope[-2] not in "aeiou":
        return envelope[:-1] + "ies"
    if envelope.endswith(("s", "x", "ch", "sh")):
        return envelope + "es"
    return envelope + "s"
