"""Listing: paging across more than 1,000 records, filters, sorting, include."""

import pytest


@pytest.fixture
def many_contacts(api):
    contacts = [
        {
            "name": f"Kunde {i:05d}",
            "countryId": "DK" if i % 2 else "DE",
            "isArchived": i % 10 == 0,
            "isSupplier": i % 5 == 0,
            "registrationNo": f"{10000000 + i}",
            "contactNo": f"K{i}",
            "type": "person" if i % 3 == 0 else "company",
        }
        for i in range(2500)
    ]
    response = api.control(
        "POST", "/seed", json={"token": "tok", "records": {"contacts": contacts}}
    )
    assert response.status_code == 200, response.text
    assert len(response.json()["contacts"]) == 2500
    return contacts


def test_paging_over_2500_contacts(api, many_contacts):
    first = api.get("/contacts").json()
    assert first["meta"]["paging"]["total"] == 2500
    assert first["meta"]["paging"]["pageCount"] == 3
    assert first["meta"]["paging"]["pageSize"] == 1000
    assert "nextUrl" in first["meta"]["paging"]
    ids = []
    for page in (1, 2, 3):
        body = api.get("/contacts", params={"page": page, "pageSize": 1000}).json()
        assert body["meta"]["paging"]["page"] == page
        ids += [c["id"] for c in body["contacts"]]
    assert len(ids) == len(set(ids)) == 2500
    assert (
        api.get("/contacts", params={"pageSize": 5000}).json()["meta"]["paging"]["pageSize"] == 1000
    )
    small = api.get("/contacts", params={"page": 2, "pageSize": 20}).json()
    assert small["contacts"][0]["name"] == "Kunde 00020"
    assert small["meta"]["paging"]["pageCount"] == 125
    beyond = api.get("/contacts", params={"page": 9}).json()
    assert beyond["contacts"] == [] and beyond["meta"]["paging"]["total"] == 2500


def test_contact_filters(api, many_contacts):
    def total(**params):
        return api.get("/contacts", params={**params, "pageSize": 1}).json()["meta"]["paging"][
            "total"
        ]

    assert total(isArchived="false") == 2250
    assert total(isArchived="true") == 250
    assert total(isSupplier="true") == 500
    assert total(isCustomer="true") == 2500
    assert total(type="person") == 834
    assert total(registrationNo="10000042") == 1
    assert total(contactNo="K7") == 1
    assert total(q="kunde 0001") == 10
    assert total(unknownFilter="whatever") == 2500  # unknown filters are ignored


def test_contacts_q_searches_person_emails(api):
    body = api.post(
        "/contacts",
        json={
            "contact": {"name": "A", "countryId": "DK", "contactPersons": [{"email": "x@firma.dk"}]}
        },
    ).json()
    api.contact(name="B")
    found = api.get("/contacts", params={"q": "firma.dk"}).json()["contacts"]
    assert [c["id"] for c in found] == [body["contacts"][0]["id"]]
    contact_id = body["contacts"][0]["id"]
    params = {"contactId": contact_id, "email": "x@firma.dk"}
    persons = api.get("/contactPersons", params=params).json()["contactPersons"]
    assert len(persons) == 1


def test_sorting(api, many_contacts):
    body = api.get(
        "/contacts", params={"sortProperty": "name", "sortDirection": "DESC", "pageSize": 3}
    ).json()
    assert [c["name"] for c in body["contacts"]] == ["Kunde 02499", "Kunde 02498", "Kunde 02497"]
    body = api.get("/contacts", params={"sortProperty": "createdTime", "pageSize": 1}).json()
    assert body["contacts"][0]["name"] == "Kunde 00000"


def test_invoice_filters_sorting_and_include(api):
    alpha, beta = api.contact(name="Alpha"), api.contact(name="Beta")
    product = api.product(productNo="P-1")
    invoices = []
    for i, (contact, date, price) in enumerate(
        [(beta, "2024-01-05", 100), (alpha, "2024-02-05", 300), (alpha, "2024-03-05", 200)]
    ):
        invoices.append(
            api.invoice(
                contact["id"],
                [{"productId": product["id"], "unitPrice": price}],
                entryDate=date,
                state="approved" if i < 2 else "draft",
                currencyId="EUR" if i == 2 else "DKK",
            )
        )

    def ids(**params):
        return [i["id"] for i in api.get("/invoices", params=params).json()["invoices"]]

    assert ids(contactId=alpha["id"]) == [invoices[1]["id"], invoices[2]["id"]]
    assert ids(state="draft") == [invoices[2]["id"]]
    assert ids(isPaid="false", state="approved") == [invoices[0]["id"], invoices[1]["id"]]
    assert ids(invoiceNo="2") == [invoices[1]["id"]]
    assert ids(minEntryDate="2024-02-01", maxEntryDate="2024-02-29") == [invoices[1]["id"]]
    assert ids(currencyId="EUR") == [invoices[2]["id"]]
    assert ids(q="beta") == [invoices[0]["id"]]
    assert ids(sortProperty="amount", sortDirection="DESC") == [
        invoices[1]["id"],
        invoices[2]["id"],
        invoices[0]["id"],
    ]
    assert ids(sortProperty="contact.name")[-1] == invoices[0]["id"]
    assert ids(sortProperty="entryDate", sortDirection="DESC")[0] == invoices[2]["id"]
    assert ids(sortProperty="invoiceNo")[-2:] == [invoices[0]["id"], invoices[1]["id"]]

    body = api.get(
        "/invoices", params={"include": "invoice.lines:embed,invoice.contact:sideload"}
    ).json()
    assert all(len(i["lines"]) == 1 for i in body["invoices"])
    assert {c["name"] for c in body["contacts"]} == {"Alpha", "Beta"}
    body = api.get("/invoices", params={"include": "invoice.lines"}).json()
    assert all(len(i["lineIds"]) == 1 for i in body["invoices"])
    assert len(body["invoiceLines"]) == 3
    body = api.get(
        "/invoices", params={"include": "invoice.contact:embed,contact.country:embed"}
    ).json()
    assert body["invoices"][0]["contact"]["country"]["id"] == "DK"
    plain = api.get("/invoices").json()
    assert "lines" not in plain["invoices"][0] and "contacts" not in plain


def test_products_filters(api):
    api.product(name="Alpha", productNo="A1")
    api.product(name="Beta", productNo="B1", isArchived=True)
    names = [
        p["name"] for p in api.get("/products", params={"isArchived": "false"}).json()["products"]
    ]
    assert names == ["Alpha"]
    assert len(api.get("/products", params={"productNo": "B1"}).json()["products"]) == 1
    assert len(api.get("/products", params={"q": "alp"}).json()["products"]) == 1


def test_pages_of_1000_of_10000_records(api):
    product = api.product()
    contact = api.contact()
    invoices = [
        {
            "contactId": contact["id"],
            "entryDate": "2024-01-01",
            "currencyId": "DKK",
            "externalId": f"ext-{i}",
            "lines": [{"productId": product["id"], "unitPrice": i + 1}],
        }
        for i in range(10000)
    ]
    contacts = [{"name": f"C{i}", "countryId": "DK"} for i in range(10000)]
    response = api.control(
        "POST",
        "/seed",
        json={"token": "tok", "records": {"contacts": contacts, "invoices": invoices}},
    )
    assert response.status_code == 200
    # (the speed of such pages is measured by bench/, not asserted here)
    page = api.get("/contacts", params={"page": 5}).json()
    assert page["meta"]["paging"]["total"] == 10001
    assert [c["name"] for c in page["contacts"]][:2] == ["C3999", "C4000"]
    page = api.get("/contacts", params={"isArchived": "false", "page": 3}).json()
    assert len(page["contacts"]) == 1000
    page = api.get("/invoices", params={"page": 7}).json()
    assert page["invoices"][0]["externalId"] == "ext-6000"
    page = api.get("/invoices", params={"sortProperty": "amount", "sortDirection": "DESC"}).json()
    assert page["invoices"][0]["amount"] == 10000.0
    page = api.get("/invoices", params={"externalId": "ext-9999"}).json()
    assert [i["externalId"] for i in page["invoices"]] == ["ext-9999"]
