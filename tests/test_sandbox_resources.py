"""Sandbox CRUD per resource: contacts, contact persons, products, prices, tax data, accounts."""


def test_contact_create_with_persons_answers_all_changed_records(api):
    response = api.post(
        "/contacts",
        json={
            "contact": {
                "organizationId": "ignored",
                "name": "Ninjas ApS",
                "countryId": "DK",
                "registrationNo": "12345678",
                "createdTime": "1999-01-01T00:00:00",  # read-only: ignored
                "somethingUnknown": 42,  # unknown: ignored
                "contactPersons": [{"name": "Hannah Krog", "email": "hannah@example.dk"}],
            }
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"]["success"] is True
    contact = body["contacts"][0]
    assert contact["name"] == "Ninjas ApS" and contact["type"] == "company"
    assert contact["createdTime"] != "1999-01-01T00:00:00"
    assert "somethingUnknown" not in contact
    assert "contactPersons" not in contact  # has-many omitted unless included
    assert contact["isCustomer"] is True and contact["isSupplier"] is False
    assert contact["isArchived"] is False
    person = body["contactPersons"][0]
    assert person["contactId"] == contact["id"] and person["email"] == "hannah@example.dk"


def test_contact_validation_errors(api):
    response = api.post("/contacts", json={"contact": {"name": ""}})
    assert response.status_code == 422
    body = response.json()
    assert body["meta"] == {"statusCode": 422, "success": False}
    assert body["errorCode"] == "VALIDATION_FAILED"
    attributes = body["validationErrors"]["contact"]["attributes"]
    assert attributes == {
        "name": "This field must not be blank.",
        "countryId": "This field must not be blank.",
    }
    response = api.post("/contacts", json={"contact": {"name": "X", "countryId": "ZZ"}})
    assert "countryId" in response.json()["validationErrors"]["contact"]["attributes"]
    # keyed by the client id when one is sent
    response = api.post("/contacts", json={"contact": {"_clientId": "c1", "name": "X"}})
    assert list(response.json()["validationErrors"]) == ["c1"]
    assert api.get("/contacts").json()["contacts"] == []


def test_contact_update_is_partial_and_replaces_persons(api):
    body = api.post(
        "/contacts",
        json={"contact": {"name": "A", "countryId": "DK", "contactPersons": [{"name": "P1"}]}},
    ).json()
    contact, old_person = body["contacts"][0], body["contactPersons"][0]
    body = api.update(
        "contacts",
        "contact",
        contact["id"],
        {"street": "Vej 1", "contactPersons": [{"email": "new@example.dk"}]},
    )
    updated = body["contacts"][0]
    assert updated["name"] == "A" and updated["street"] == "Vej 1"
    assert body["meta"]["deletedRecords"] == {"contactPersons": [old_person["id"]]}
    assert [p["email"] for p in body["contactPersons"]] == ["new@example.dk"]
    persons = api.get("/contactPersons", params={"contactId": contact["id"]}).json()
    assert [p["email"] for p in persons["contactPersons"]] == ["new@example.dk"]
    bad = api.put(f"/contacts/{contact['id']}", json={"contact": {"countryId": ""}})
    assert bad.status_code == 422


def test_contact_persons_crud(api):
    contact = api.contact()
    person = api.create(
        "contactPersons", "contactPerson", {"contactId": contact["id"], "name": "Bo"}
    )
    assert person["isPrimary"] is False
    response = api.post("/contactPersons", json={"contactPerson": {"contactId": contact["id"]}})
    assert response.status_code == 422
    assert "Either name or email" in response.json()["errorMessage"]
    response = api.post(
        "/contactPersons", json={"contactPerson": {"contactId": "nope", "name": "x"}}
    )
    assert "contactId" in response.json()["validationErrors"]["contactPerson"]["attributes"]
    api.update("contactPersons", "contactPerson", person["id"], {"email": "bo@example.dk"})
    assert api.fetch("contactPersons", "contactPerson", person["id"])["email"] == "bo@example.dk"
    assert api.delete(f"/contactPersons/{person['id']}").status_code == 200
    assert api.get(f"/contactPersons/{person['id']}").status_code == 404


def test_contact_delete_cascades_persons_and_include_embeds(api):
    body = api.post(
        "/contacts",
        json={"contact": {"name": "A", "countryId": "DK", "contactPersons": [{"name": "P"}]}},
    ).json()
    contact = body["contacts"][0]
    embedded = api.fetch(
        "contacts", "contact", contact["id"], include="contact.contactPersons:embed"
    )
    assert [p["name"] for p in embedded["contactPersons"]] == ["P"]
    response = api.get(f"/contacts/{contact['id']}", params={"include": "contact.contactPersons"})
    assert response.json()["contact"]["contactPersonIds"] == [body["contactPersons"][0]["id"]]
    assert response.json()["contactPersons"][0]["name"] == "P"
    deleted = api.delete(f"/contacts/{contact['id']}").json()["meta"]["deletedRecords"]
    assert deleted == {
        "contacts": [contact["id"]],
        "contactPersons": [body["contactPersons"][0]["id"]],
    }


def test_product_defaults_and_embedded_prices(api, sandbox):
    org = api.get("/organization").json()["organization"]
    body = api.post(
        "/products",
        json={
            "product": {
                "name": "Bat capes",
                "prices": [
                    {"unitPrice": 14000, "currencyId": "USD"},
                    {"unitPrice": 10000, "currencyId": "EUR"},
                ],
            }
        },
    ).json()
    product = body["products"][0]
    assert product["accountId"] == org["defaultSalesAccountId"]
    assert product["salesTaxRulesetId"] == org["defaultSalesTaxRulesetId"]
    assert {p["currencyId"]: p["unitPrice"] for p in body["productPrices"]} == {
        "USD": 14000,
        "EUR": 10000,
    }
    old_ids = sorted(p["id"] for p in body["productPrices"])
    body = api.update(
        "products", "product", product["id"], {"prices": [{"unitPrice": 99, "currencyId": "DKK"}]}
    )
    assert sorted(body["meta"]["deletedRecords"]["productPrices"]) == old_ids
    prices = api.get("/productPrices", params={"productId": product["id"]}).json()["productPrices"]
    assert [(p["currencyId"], p["unitPrice"]) for p in prices] == [("DKK", 99)]
    embedded = api.fetch("products", "product", product["id"], include="product.prices:embed")
    assert embedded["prices"][0]["unitPrice"] == 99
    assert sandbox.store.count("productPrices", "tok") == 1


def test_product_validation(api):
    response = api.post("/products", json={"product": {"description": "no name"}})
    assert response.json()["validationErrors"]["product"]["attributes"] == {
        "name": "This field must not be blank."
    }
    response = api.post("/products", json={"product": {"name": "x", "accountId": "nope"}})
    assert "accountId" in response.json()["validationErrors"]["product"]["attributes"]
    response = api.post(
        "/products",
        json={"product": {"name": "x", "prices": [{"unitPrice": 1, "currencyId": "XXX"}]}},
    )
    assert response.status_code == 422


def test_product_prices_crud(api):
    product = api.product()
    price = api.create(
        "productPrices",
        "productPrice",
        {"productId": product["id"], "unitPrice": 5, "currencyId": "DKK"},
    )
    api.update("productPrices", "productPrice", price["id"], {"unitPrice": 7.5})
    assert api.fetch("productPrices", "productPrice", price["id"])["unitPrice"] == 7.5
    assert api.delete(f"/productPrices/{price['id']}").status_code == 200
    deleted = api.delete(f"/products/{product['id']}").json()["meta"]["deletedRecords"]
    assert deleted == {"products": [product["id"]]}


def test_tax_rates_rulesets_and_accounts_crud(api):
    rate = api.create(
        "taxRates", "taxRate", {"name": "Moms 12%", "rate": 0.12, "appliesToSales": True}
    )
    assert rate["isPredefined"] is False
    body = api.post(
        "/salesTaxRulesets",
        json={
            "salesTaxRuleset": {
                "name": "Special",
                "fallbackTaxRateId": rate["id"],
                "rules": [{"countryId": "DE", "taxRateId": rate["id"], "priority": 1}],
            }
        },
    ).json()
    ruleset = body["salesTaxRulesets"][0]
    assert body["salesTaxRules"][0]["rulesetId"] == ruleset["id"]
    embedded = api.fetch(
        "salesTaxRulesets", "salesTaxRuleset", ruleset["id"], include="salesTaxRuleset.rules:embed"
    )
    assert embedded["rules"][0]["countryId"] == "DE"
    account = api.create("accounts", "account", {"name": "Salg EU", "accountNo": 1010})
    api.update("accounts", "account", account["id"], {"isArchived": True})
    assert api.fetch("accounts", "account", account["id"])["isArchived"] is True
    assert api.post("/taxRates", json={"taxRate": {"name": "x"}}).status_code == 422
    assert api.delete(f"/accounts/{account['id']}").status_code == 200


def test_contact_with_invoices_cannot_be_deleted(api):
    contact, product = api.contact(), api.product()
    api.invoice(contact["id"], [{"productId": product["id"], "unitPrice": 10}])
    assert api.delete(f"/contacts/{contact['id']}").status_code == 422
    assert api.delete(f"/products/{product['id']}").status_code == 422


def test_client_id_is_echoed(api):
    body = api.post(
        "/contacts", json={"contact": {"_clientId": "c-1", "name": "A", "countryId": "DK"}}
    ).json()
    assert body["contacts"][0]["_clientId"] == "c-1"
    assert "_clientId" not in api.fetch("contacts", "contact", body["contacts"][0]["id"])
