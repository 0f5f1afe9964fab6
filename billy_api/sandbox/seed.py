"""Seed data: Danish reference data and a starting organization per token.

* ``danish`` (the default) and ``empty``: the organization and its reference data only —
  currencies, countries, tax rates "Salgsmoms 25%" / "Momsfri 0%", the rulesets "Salgsmoms" /
  "Momsfrit" and the accounts "Salg" / "Bank".
* ``demo``: the same plus a few contacts (one with a ``cityId`` and no ``cityText``), products
  and invoices, so a demo shows something.
"""

from __future__ import annotations

import datetime

from billy_api.resources import INVOICE_TYPE_CREDIT_NOTE

from .resources.writer import Writer
from .store import OrgData, Store, new_id, now_str

SEEDS = ("danish", "demo", "empty")

# (id, name, exchangeRate to DKK). The rates are fixed sandbox values, not today's.
CURRENCIES = (
    ("DKK", "Danske kroner", 1.0),
    ("EUR", "Euro", 7.46),
    ("USD", "US-dollar", 6.85),
    ("SEK", "Svenske kroner", 0.64),
    ("NOK", "Norske kroner", 0.63),
    ("GBP", "Britiske pund", 8.65),
)

# (id, name, localeId)
COUNTRIES = (
    ("DK", "Danmark", "da_DK"),
    ("AT", "Østrig", "de_DE"),
    ("BE", "Belgien", "nl_NL"),
    ("BG", "Bulgarien", "en_US"),
    ("HR", "Kroatien", "en_US"),
    ("CY", "Cypern", "en_US"),
    ("CZ", "Tjekkiet", "en_US"),
    ("EE", "Estland", "en_US"),
    ("FI", "Finland", "en_US"),
    ("FR", "Frankrig", "fr_FR"),
    ("DE", "Tyskland", "de_DE"),
    ("GR", "Grækenland", "en_US"),
    ("HU", "Ungarn", "en_US"),
    ("IE", "Irland", "en_US"),
    ("IT", "Italien", "en_US"),
    ("LV", "Letland", "en_US"),
    ("LT", "Litauen", "en_US"),
    ("LU", "Luxembourg", "fr_FR"),
    ("MT", "Malta", "en_US"),
    ("NL", "Holland", "nl_NL"),
    ("PL", "Polen", "en_US"),
    ("PT", "Portugal", "en_US"),
    ("RO", "Rumænien", "en_US"),
    ("SK", "Slovakiet", "en_US"),
    ("SI", "Slovenien", "en_US"),
    ("ES", "Spanien", "en_US"),
    ("SE", "Sverige", "en_US"),
    ("NO", "Norge", "en_US"),
    ("IS", "Island", "en_US"),
    ("CH", "Schweiz", "de_DE"),
    ("GB", "Storbritannien", "en_US"),
    ("GL", "Grønland", "da_DK"),
    ("FO", "Færøerne", "da_DK"),
    ("US", "USA", "en_US"),
    ("CA", "Canada", "en_US"),
    ("AU", "Australien", "en_US"),
    ("CN", "Kina", "en_US"),
    ("JP", "Japan", "en_US"),
)


# Danish cities (id, name, zipcode), ids as Billy's (fact F5 of the contract: "dk_aalborg").
CITIES = (
    ("dk_kobenhavn", "København", "1050"),
    ("dk_aarhus", "Aarhus", "8000"),
    ("dk_odense", "Odense", "5000"),
    ("dk_aalborg", "Aalborg", "9000"),
    ("dk_vejle", "Vejle", "7100"),
)


def seed_reference(store: Store) -> None:
    store.reference["currencies"] = {
        code: {"id": code, "name": name, "exchangeRate": rate} for code, name, rate in CURRENCIES
    }
    store.reference["countries"] = {
        code: {
            "id": code,
            "name": name,
            "hasStates": code in ("US", "CA", "AU"),
            "hasFiniteStates": code in ("US", "CA", "AU"),
            "hasFiniteZipcodes": code == "DK",
            "icon": f"flag-{code.lower()}",
            "localeId": locale,
        }
        for code, name, locale in COUNTRIES
    }
    store.reference["cities"] = {
        city_id: {"id": city_id, "name": name, "countryId": "DK", "stateId": None, "zipcode": zip_}
        for city_id, name, zip_ in CITIES
    }


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or "org"


def create_org(store: Store, name: str, seed: str = "danish", org_id: str | None = None) -> str:
    """A new organization with its reference data (and demo records for ``demo``)."""
    if seed not in SEEDS:
        raise ValueError(f"unknown seed {seed!r} (one of {', '.join(SEEDS)})")
    with store.lock:
        if not store.reference["currencies"]:
            seed_reference(store)
        org_id = org_id or new_id()
        org = OrgData(org_id)
        year = datetime.date.today().year
        organization = {
            "id": org_id,
            "ownerUserId": new_id(),
            "createdTime": now_str(),
            "name": name,
            "url": f"/app/{_slug(name)}",  # the host is added when answering
            "street": "",
            "zipcode": "",
            "city": "",
            "countryId": "DK",
            "phone": "",
            "fax": "",
            "email": "",
            "registrationNo": "",
            "baseCurrencyId": "DKK",
            "logoFileId": None,
            "iconFileId": None,
            "fiscalYearEndMonth": 12,
            "firstFiscalYearStart": f"{year}-01-01",
            "firstFiscalYearEnd": f"{year}-12-31",
            "hasBillVoucherNo": False,
            "subscriptionPeriod": "monthly",
            "isTrial": False,
            "isTerminated": False,
            "isLocked": False,
            "localeId": "da_DK",
            "emailAttachmentDeliveryMode": "link",
            "hasVat": True,
            "vatPeriod": "quarter",
            "defaultInvoiceBankAccountId": None,
            "invoiceNoMode": "sequential",
            "nextInvoiceNo": 1,
            "paymentTermsMode": "net",
            "paymentTermsDays": 8,
            "defaultTaxMode": "excl",
            "defaultSalesAccountId": None,
            "defaultSalesTaxRulesetId": None,
            "defaultBankFeeAccountId": None,
            "defaultBillBankAccountId": None,
            "bankSyncStartDate": None,
        }
        org.insert("organizations", organization)
        store.orgs[org_id] = org
        writer = Writer(store, org)
        vat25 = writer.create(
            "taxRates",
            {
                "name": "Salgsmoms 25%",
                "abbreviation": "S25",
                # UNCONFIRMED: rates are fractions (0.25), like Billy's calculator.
                "rate": 0.25,
                "appliesToSales": True,
            },
        )
        vat0 = writer.create(
            "taxRates",
            {"name": "Momsfri 0%", "abbreviation": "S0", "rate": 0, "appliesToSales": True},
        )
        for rate in (vat25, vat0):
            rate["isPredefined"] = True
        standard = writer.create(
            "salesTaxRulesets",
            {"name": "Salgsmoms", "abbreviation": "S25", "fallbackTaxRateId": vat25["id"]},
        )
        exempt = writer.create(
            "salesTaxRulesets",
            {"name": "Momsfrit", "abbreviation": "S0", "fallbackTaxRateId": vat0["id"]},
        )
        for ruleset in (standard, exempt):
            ruleset["isPredefined"] = True
        sales = writer.create(
            "accounts",
            {"name": "Salg", "accountNo": 1000, "natureId": "revenue", "taxRateId": vat25["id"]},
        )
        bank = writer.create(
            "accounts",
            {
                "name": "Bank",
                "accountNo": 5820,
                "natureId": "asset",
                "currencyId": "DKK",
                "isPaymentEnabled": True,
                "isBankAccount": True,
            },
        )
        organization["defaultSalesAccountId"] = sales["id"]
        organization["defaultSalesTaxRulesetId"] = standard["id"]
        organization["defaultInvoiceBankAccountId"] = bank["id"]
        if seed == "demo":
            _demo(writer, bank["id"], exempt["id"])
        return org_id


def _demo(writer: Writer, bank_id: str, exempt_ruleset_id: str) -> None:
    """A small Danish business, so a demo shows something; kept small on purpose.

    Organizations with contact persons, persons, products, and invoices in every state a
    bookkeeper meets: a draft, an approved one that is open, a paid one, and one credited by
    a credit note.
    """
    today = datetime.date.today()

    def day(days_ago: int) -> str:
        return (today - datetime.timedelta(days=days_ago)).isoformat()

    ninjas = writer.create(
        "contacts",
        {
            "name": "Ninjas ApS",
            "countryId": "DK",
            "street": "Bornholmsgade 57",
            "zipcodeText": "9000",
            # Danish contacts may carry the city as cityId with an empty cityText (fact F5)
            "cityId": "dk_aalborg",
            "cityText": "",
            "registrationNo": "12345678",
            "phone": "+45 98 12 34 56",
            "contactPersons": [
                {"name": "Hannah Krog", "email": "hannah@example.dk", "isPrimary": True},
                {"name": "Søren Bach", "email": "soren@example.dk"},
            ],
        },
    )
    fjord = writer.create(
        "contacts",
        {
            "name": "Fjordhuset A/S",
            "countryId": "DK",
            "street": "Havnegade 12",
            "zipcodeText": "8000",
            "cityText": "Aarhus C",
            "registrationNo": "87654321",
            "contactPersons": [{"name": "Line Østergaard", "email": "line@example.dk"}],
        },
    )
    writer.create(
        "contacts",
        {
            "name": "Berliner Fenster GmbH",
            "countryId": "DE",
            "street": "Torstraße 1",
            "zipcodeText": "10119",
            "cityText": "Berlin",
            "registrationNo": "DE123456789",
            "localeId": "de_DE",
            "contactPersons": [{"name": "Jonas Weber", "email": "jonas@example.de"}],
        },
    )
    mette = writer.create(
        "contacts",
        {
            "name": "Mette Jensen",
            "type": "person",
            "countryId": "DK",
            "zipcodeText": "5000",
            "cityText": "Odense C",
            "contactPersons": [{"name": "Mette Jensen", "email": "mette@example.dk"}],
        },
    )
    writer.create(
        "contacts",
        {"name": "Lars Nielsen", "type": "person", "countryId": "DK", "cityText": "Vejle"},
    )
    cleaning = writer.create(
        "products",
        {
            "name": "Vinduespudsning",
            "productNo": "VP-1",
            "description": "Udvendig vinduespudsning",
            "prices": [{"unitPrice": 300, "currencyId": "DKK"}],
        },
    )
    advice = writer.create(
        "products",
        {
            "name": "Rådgivning (time)",
            "productNo": "RG-1",
            "prices": [
                {"unitPrice": 950, "currencyId": "DKK"},
                {"unitPrice": 130, "currencyId": "EUR"},
            ],
        },
    )
    writer.create(
        "products",
        {
            "name": "Gavekort",
            "productNo": "GK-1",
            "salesTaxRulesetId": exempt_ruleset_id,
            "prices": [{"unitPrice": 500, "currencyId": "DKK"}],
        },
    )
    paid = writer.create(
        "invoices",
        {
            "contactId": ninjas["id"],
            "entryDate": day(20),
            "currencyId": "DKK",
            "state": "approved",
            "lines": [{"productId": cleaning["id"], "description": "Alt ude", "unitPrice": 300}],
        },
    )
    writer.create(
        "bankPayments",
        {
            "entryDate": day(10),
            "cashAmount": paid["grossAmount"],
            "cashSide": "debit",
            "cashAccountId": bank_id,
            "associations": [{"subjectReference": f"invoice:{paid['id']}"}],
        },
    )
    writer.create(
        "invoices",
        {
            "contactId": fjord["id"],
            "entryDate": day(5),
            "currencyId": "DKK",
            "state": "approved",
            "lines": [
                {
                    "productId": advice["id"],
                    "description": "Regnskabsrådgivning",
                    "quantity": 3,
                    "unitPrice": 950,
                },
            ],
        },
    )
    credited = writer.create(
        "invoices",
        {
            "contactId": mette["id"],
            "entryDate": day(15),
            "currencyId": "DKK",
            "state": "approved",
            "lines": [{"productId": cleaning["id"], "quantity": 2, "unitPrice": 300}],
        },
    )
    writer.create(
        "invoices",
        {
            "type": INVOICE_TYPE_CREDIT_NOTE,
            "creditedInvoiceId": credited["id"],
            "contactId": mette["id"],
            "entryDate": day(12),
            "currencyId": "DKK",
            "state": "approved",
            "lines": [
                {"productId": cleaning["id"], "description": "Aflyst besøg", "unitPrice": 300},
            ],
        },
    )
    writer.create(
        "invoices",
        {
            "contactId": ninjas["id"],
            "entryDate": today.isoformat(),
            "currencyId": "DKK",
            "lines": [
                {"productId": cleaning["id"], "description": "Alt inde", "unitPrice": 300},
                {"productId": cleaning["id"], "quantity": 2, "unitPrice": 150},
            ],
        },
    )
