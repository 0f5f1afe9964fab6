"""Bulk save, ``PATCH /v2/<plural>``: the sandbox's answers and the client's ``bulk_save``."""

import pytest
from client_support import FakeSleep

from billy_api import (
    MAX_BULK_SIZE,
    BillyClient,
    BillyMalformedResponseError,
    BillyRequestError,
    BillyServerError,
    BillyValidationError,
)


def patch(api, plural, records):
    return api.request("PATCH", f"/{plural}", json={plural: records})


@pytest.fixture
def client(sandbox):
    return BillyClient("tok", base_url=sandbox.url, sleep=FakeSleep(), max_retries=2)


def test_new_and_existing_records_saved_in_one_call(api):
    existing = api.contact(name="Gammel")
    response = patch(
        api,
        "contacts",
        [
            {"_clientId": "a", "name": "Ny 1", "countryId": "DK"},
            {"_clientId": "b", "id": existing["id"], "street": "Vej 2"},
            {"name": "Ny 2", "countryId": "DE"},
        ],
    )
    assert response.status_code == 200, response.text
    saved = response.json()["contacts"]
    # in request order, new ids beside the echoed _clientId, existing ones updated partially
    assert [c.get("_clientId") for c in saved] == ["a", "b", None]
    assert saved[1]["id"] == existing["id"] and saved[1]["name"] == "Gammel"
    assert saved[1]["street"] == "Vej 2"
    assert saved[0]["id"] != saved[2]["id"] and saved[2]["countryId"] == "DE"
    assert len(api.get("/contacts").json()["contacts"]) == 3


def test_one_invalid_record_refuses_the_whole_batch(api, sandbox):
    kept = api.contact(name="Uændret")
    response = patch(
        api,
        "contacts",
        [
            {"name": "God", "countryId": "DK"},
            {"_clientId": "bad", "name": "", "countryId": "DK"},
            {"id": kept["id"], "name": "Ændret"},
            {"id": "doesNotExist", "name": "X"},
            {"name": "Ingen land"},
        ],
    )
    assert response.status_code == 422
    body = response.json()
    errors = body["validationErrors"]
    assert {key: entry["index"] for key, entry in errors.items()} == {
        "bad": 1,
        "3": 3,
        "4": 4,
    }
    assert "name" in errors["bad"]["attributes"] and "countryId" in errors["4"]["attributes"]
    assert "nothing was saved" in body["errorMessage"] and "indexes 1, 3, 4" in body["errorMessage"]
    # nothing was saved, not even the valid records before the bad one
    assert [c["name"] for c in api.get("/contacts").json()["contacts"]] == ["Uændret"]
    sandbox.set_quirks(on=["validation-400"])
    assert patch(api, "contacts", [{"name": ""}]).status_code == 400


def test_bulk_invoices_carry_their_lines_and_follow_the_write_rules(api, quirky_lines):
    contact = api.contact()
    product = api.product()
    line = {"productId": product["id"], "unitPrice": 100}
    invoice = {"contactId": contact["id"], "entryDate": "2024-01-01", "currencyId": "DKK"}
    body = patch(
        api, "invoices", [{**invoice, "lines": [line]}, {**invoice, "lines": [line, line]}]
    ).json()
    assert [i["grossAmount"] for i in body["invoices"]] == [125, 250]
    assert len(body["invoiceLines"]) == 3
    approved = patch(api, "invoices", [{"id": body["invoices"][0]["id"], "state": "approved"}])
    assert approved.json()["invoices"][0]["invoiceNo"] == "1"
    refused = patch(api, "invoices", [{"id": body["invoices"][0]["id"], "lines": [line]}])
    assert refused.status_code == 422  # an approved invoice takes no change
    quirky_lines(api)
    draft_id = body["invoices"][1]["id"]
    refused = patch(api, "invoices", [{"id": draft_id, "lines": [line]}])
    assert refused.status_code == 422 and "lines" in refused.text


def test_an_invoice_without_lines_refuses_its_batch_by_its_client_id(api):
    contact = api.contact()
    line = {"productId": api.product()["id"], "unitPrice": 100}
    invoice = {"contactId": contact["id"], "entryDate": "2024-01-01", "currencyId": "DKK"}
    response = patch(
        api,
        "invoices",
        [
            {**invoice, "_clientId": "ok", "lines": [line]},
            {**invoice, "_clientId": "empty", "lines": []},
            {**invoice, "_clientId": "badLine", "lines": [{"unitPrice": "x"}]},
            {**invoice, "_clientId": "noCurrency", "currencyId": "XXX", "lines": [line]},
        ],
    )
    assert response.status_code == 422, response.text
    errors = response.json()["validationErrors"]
    assert {entry["index"] for entry in errors.values()} == {1, 2, 3}
    assert "ok" not in {key.split("/", 1)[0] for key in errors}
    assert api.get("/invoices").json()["invoices"] == []  # all or nothing
    assert api.get("/invoiceLines").json()["invoiceLines"] == []


@pytest.fixture
def quirky_lines(sandbox):
    def switch(_api):
        sandbox.set_quirks(on=["lines-frozen"])

    return switch


def test_what_a_bulk_save_refuses_before_saving(api):
    assert patch(api, "currencies", [{"id": "DKK"}]).status_code == 405
    assert api.request("PATCH", "/contacts/x", json={"contacts": []}).status_code == 405
    assert api.request("PATCH", "/contacts", json={"contact": {}}).status_code == 400
    assert api.request("PATCH", "/contacts", json={"contacts": [1]}).status_code == 400
    too_many = [{"name": f"C{i}", "countryId": "DK"} for i in range(1001)]
    response = patch(api, "contacts", too_many)
    assert response.status_code == 400 and "at most 1000" in response.json()["errorMessage"]
    assert api.request("PATCH", "/contacts", json={"contacts": []}, token="nope").status_code == 401


def test_client_bulk_save_returns_each_records_result_in_order(client, api):
    existing = api.contact(name="Gammel")
    result = client.bulk_save(
        "contacts",
        [
            {"name": "Ny", "countryId": "DK"},
            {"id": existing["id"], "phone": "12345678"},
            {"_clientId": "mine", "name": "Egen", "countryId": "DK"},
        ],
    )
    assert [r["name"] for r in result.records] == ["Ny", "Gammel", "Egen"]
    assert result.records[1]["phone"] == "12345678"
    assert result.records[2]["_clientId"] == "mine"
    assert result.changed["contacts"] == result.records


def test_client_bulk_save_names_the_invalid_records(client, api):
    with pytest.raises(BillyValidationError) as info:
        client.bulk_save(
            "contacts",
            [{"name": "God", "countryId": "DK"}, {"name": "Ingen land"}, {"name": ""}],
        )
    assert info.value.indexes == (1, 2)
    assert "countryId" in str(info.value)
    assert api.get("/contacts").json()["contacts"] == []


def test_client_bulk_save_checks_its_arguments(client):
    for records in ([], "x", [1], [{}] * (MAX_BULK_SIZE + 1)):
        with pytest.raises(ValueError):
            client.bulk_save("contacts", records)
    with pytest.raises(ValueError):
        client.bulk_save("con/tacts", [{}])


def test_client_retries_a_bulk_update_but_never_a_bulk_create(client, api, sandbox):
    existing = api.contact(name="Gammel")
    sandbox.set_faults([{"kind": "error", "status": 503, "method": "PATCH", "count": 1}])
    result = client.bulk_save("contacts", [{"id": existing["id"], "name": "Ny"}])
    assert result.records[0]["name"] == "Ny"
    sandbox.set_faults([{"kind": "error", "status": 503, "method": "PATCH", "count": 1}])
    with pytest.raises(BillyServerError):
        client.bulk_save("contacts", [{"name": "Helt ny", "countryId": "DK"}])
    assert sandbox.stats()["requests"]["PATCH /v2/contacts"] == 3


def test_client_bulk_save_refused_by_a_billy_without_bulk(client, sandbox):
    sandbox.set_quirks(on=["no-bulk"])
    with pytest.raises(BillyRequestError) as info:
        client.bulk_save("contacts", [{"name": "A", "countryId": "DK"}])
    assert info.value.status == 405


def test_client_bulk_answer_without_client_ids_is_read_in_order(rsps):
    from client_support import BASE

    client = BillyClient("t", base_url=BASE)
    rsps.patch(f"{BASE}/products", json={"products": [{"id": "p1"}, {"id": "p2"}]})
    assert [r["id"] for r in client.bulk_save("products", [{}, {}]).records] == ["p1", "p2"]
    rsps.patch(f"{BASE}/products", json={"products": [{"id": "p1"}]})
    with pytest.raises(BillyMalformedResponseError) as info:
        client.bulk_save("products", [{}, {}])
    assert info.value.maybe_applied is True
