"""The project's BillyClient against the sandbox over real HTTP (the two layers agree)."""

import pytest

from billy_api import (
    INVOICE_TYPE_CREDIT_NOTE,
    BillyAuthenticationError,
    BillyClient,
    BillyConnectionError,
    BillyNotFoundError,
    BillyRateLimitError,
    BillyRequestError,
    BillyServerError,
    BillyValidationError,
)


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(sandbox, sleeps):
    with BillyClient("tok", base_url=sandbox.url, sleep=sleeps.append, read_timeout=10) as c:
        yield c


def make_invoice(client, **values):
    contact = client.create("contacts", {"name": "Ninjas ApS", "countryId": "DK"}).record
    product = client.create("products", {"name": "Vinduespudsning"}).record
    record = {
        "contactId": contact["id"],
        "entryDate": "2016-12-23",
        "currencyId": "DKK",
        "taxMode": "incl",
        "lines": [
            {"productId": product["id"], "description": "Alt udevendigt", "unitPrice": 123},
            {"productId": product["id"], "description": "Alt inde", "unitPrice": 345},
        ],
    }
    record.update(values)
    return client.create("invoices", record)


def test_organization_and_reference_data(client, sandbox):
    assert client.get_organization()["id"] == sandbox.store.org_id("tok")
    assert client.get("currencies", "DKK")["id"] == "DKK"
    assert {c["id"] for c in client.list("countries")} >= {"DK", "DE", "SE"}


def test_create_get_update_delete_round_trip(client):
    result = client.create(
        "contacts",
        {"name": "Ninjas ApS", "countryId": "DK", "contactPersons": [{"name": "Hannah"}]},
    )
    contact = result.record
    assert contact["name"] == "Ninjas ApS"
    assert result.changed["contactPersons"][0]["contactId"] == contact["id"]
    fetched = client.get("contacts", contact["id"], include="contact.contactPersons:embed")
    assert fetched["contactPersons"][0]["name"] == "Hannah"
    updated = client.update("contacts", contact["id"], {"phone": "12345678"})
    assert updated.record["phone"] == "12345678"
    deleted = client.delete("contacts", contact["id"])
    assert deleted.deleted["contacts"] == [contact["id"]]
    with pytest.raises(BillyNotFoundError):
        client.get("contacts", contact["id"])


def test_invoice_totals_approval_and_payment_through_the_client(client):
    result = make_invoice(client)
    invoice = result.record
    assert (invoice["amount"], invoice["tax"], invoice["balance"]) == (374.4, 93.6, 468)
    assert len(result.changed["invoiceLines"]) == 2
    approved = client.update("invoices", invoice["id"], {"state": "approved"}).record
    assert approved["invoiceNo"] == "1"
    bank = next(a for a in client.list("accounts") if a["name"] == "Bank")
    payment = client.create(
        "bankPayments",
        {
            "entryDate": "2017-01-02",
            "cashAmount": 468,
            "cashSide": "debit",
            "cashAccountId": bank["id"],
            "associations": [{"subjectReference": f"invoice:{invoice['id']}"}],
        },
    )
    assert payment.changed["invoices"][0]["isPaid"] is True
    credit = make_invoice(
        client,
        contactId=invoice["contactId"],
        type=INVOICE_TYPE_CREDIT_NOTE,
        creditedInvoiceId=invoice["id"],
    ).record
    assert credit["type"] == INVOICE_TYPE_CREDIT_NOTE == "creditNote"
    with pytest.raises(BillyValidationError) as info:
        client.update("invoices", invoice["id"], {"entryDate": "2020-01-01"})
    assert info.value.status == 422
    assert "credit note" in str(info.value.error_message)


def test_paging_through_the_client(client, api):
    contacts = [{"name": f"K{i:04d}", "countryId": "DK"} for i in range(2500)]
    api.control("POST", "/seed", json={"token": "tok", "records": {"contacts": contacts}})
    pages = list(client.iter_pages("contacts"))
    assert [p.page for p in pages] == [1, 2, 3]
    assert pages[0].total == 2500 and pages[0].page_count == 3
    names = [c["name"] for c in client.list("contacts", params={"sortProperty": "name"})]
    assert len(names) == 2500 and names[0] == "K0000" and names[-1] == "K2499"
    page = next(
        iter(client.iter_pages("invoices", include="invoice.contact:sideload", page_size=10))
    )
    assert page.records == []


def test_errors_map_to_the_client_error_classes(client, sandbox):
    with pytest.raises(BillyValidationError) as info:
        client.create("contacts", {"name": "No country"})
    assert info.value.validation_errors["contact"]["attributes"]["countryId"]
    with pytest.raises(BillyRequestError) as info:
        client.delete("bankPayments", "whatever")
    assert info.value.status == 405 and info.value.error_code == "METHOD_NOT_ALLOWED"
    with BillyClient("wrong", base_url=sandbox.url, max_retries=0) as stranger:
        with pytest.raises(BillyAuthenticationError) as info:
            stranger.get_organization()
        assert info.value.error_code == "OAUTH_INVALID_ACCESS_TOKEN"


def test_client_retries_gets_through_injected_errors(client, sandbox, sleeps):
    sandbox.set_faults([{"kind": "error", "status": 503, "count": 2, "method": "GET"}])
    assert client.get_organization()["name"] == "Nordisk Demo ApS"
    assert len(sleeps) == 2
    assert sandbox.stats()["requests"]["GET /v2/organization"] == 3
    assert sandbox.stats()["faults"]["error"] == 2


def test_client_honours_retry_after(client, sandbox, sleeps):
    sandbox.set_faults([{"kind": "rate_limit", "count": 1, "retry_after": 3}])
    assert list(client.list("contacts")) == []
    assert sleeps and sleeps[0] == pytest.approx(3, abs=0.5)


def test_client_never_retries_a_create(client, sandbox):
    sandbox.set_faults([{"kind": "error", "status": 503, "count": 1, "method": "POST"}])
    with pytest.raises(BillyServerError):
        client.create("contacts", {"name": "A", "countryId": "DK"})
    assert sandbox.stats()["requests"]["POST /v2/contacts"] == 1
    sandbox.set_faults([{"kind": "rate_limit", "rate": 1, "method": "POST"}])
    with pytest.raises(BillyRateLimitError):
        client.create("contacts", {"name": "A", "countryId": "DK"})
    assert sandbox.store.count("contacts", "tok") == 0


def test_lost_response_on_create_is_maybe_applied(client, sandbox):
    sandbox.set_faults([{"kind": "lost_response", "count": 1, "method": "POST"}])
    with pytest.raises(BillyConnectionError) as info:
        client.create("contacts", {"name": "Lost ApS", "countryId": "DK"})
    assert info.value.maybe_applied is True
    assert [c["name"] for c in client.list("contacts")] == ["Lost ApS"]


def test_lost_response_on_update_is_retried_by_the_client(client, sandbox):
    contact = client.create("contacts", {"name": "A", "countryId": "DK"}).record
    sandbox.set_faults([{"kind": "lost_response", "count": 1, "method": "PUT"}])
    result = client.update("contacts", contact["id"], {"name": "B"})
    assert result.record["name"] == "B"
    assert sandbox.stats()["requests"]["PUT /v2/contacts/:id"] == 2
