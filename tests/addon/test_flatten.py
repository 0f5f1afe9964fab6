"""Billy's answers read as plain fields (billy_connector/sync/kinds.py: flatten)."""

from types import SimpleNamespace

from billy_connector.sync.kinds import ContactKind
from billy_connector.sync.product_kind import ProductKind
from billy_connector.sync.vocabulary import ORGANIZATION, PERSON


def context(currency="DKK"):
    return SimpleNamespace(env=None, company=None, currency_code=currency)


def test_a_person_reads_its_email_from_the_primary_contact_person():
    contacts = ContactKind(context())
    persons = [
        {"id": "p1", "email": "other@x.dk"},
        {"id": "p2", "email": "h@fjord.dk", "isPrimary": True},
    ]
    flat = contacts.flatten({"id": "c1", "type": "person", "contactPersons": persons})
    assert (flat["email"], flat["_sub_id"]) == ("h@fjord.dk", "p2")
    assert contacts.billy_kind_of(flat) == PERSON
    assert contacts.billy_id_extra(flat) == {"billy_sub_id": "p2"}
    assert contacts.company_persons == []


def test_a_company_hands_its_contact_persons_on_to_the_next_kind():
    contacts = ContactKind(context())
    persons = [{"id": "p1", "contactId": "c1", "email": "a@fjord.dk"}]
    flat = contacts.flatten({"id": "c1", "type": "company", "contactPersons": persons})
    assert "email" not in flat
    assert contacts.billy_kind_of(flat) == ORGANIZATION
    assert contacts.company_persons == persons


def test_a_product_reads_its_price_in_the_company_currency():
    products = ProductKind(context("DKK"))
    prices = [{"currencyId": "EUR", "unitPrice": 10}, {"currencyId": "DKK", "unitPrice": 75}]
    assert products.flatten({"id": "x", "prices": prices})["unitPrice"] == 75
    assert products.flatten({"id": "x", "prices": prices[:1]})["unitPrice"] is None


def test_a_city_named_by_cityid_only_is_not_read_as_a_blank_city():
    contacts = ContactKind(context())
    by_id = contacts.flatten(
        {"id": "c1", "type": "company", "cityId": "dk_aalborg", "cityText": ""}
    )
    assert "cityText" not in by_id
    both = {"id": "c2", "type": "company", "cityId": "dk_aalborg", "cityText": "Aalborg"}
    assert contacts.flatten(both)["cityText"] == "Aalborg"
    assert contacts.flatten({"id": "c3", "type": "company", "cityText": ""})["cityText"] == ""


def test_a_contact_in_the_company_language_reads_as_no_language():
    ctx = SimpleNamespace(
        env=None, company=None, currency_code="DKK", default_locale=lambda: "da_DK"
    )
    contacts = ContactKind(ctx)
    assert contacts.flatten({"id": "c1", "localeId": "da_DK"})["localeId"] is None
    assert contacts.flatten({"id": "c1", "localeId": "de_DE"})["localeId"] == "de_DE"
    assert contacts.flatten({"id": "c1", "localeId": None})["localeId"] is None
