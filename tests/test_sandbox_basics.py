"""Sandbox basics over real HTTP: auth, envelopes, errors, organizations, reference data."""

import re

import requests

ID_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


def assert_error(response, status, code):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["meta"] == {"statusCode": status, "success": False}
    assert body["errorCode"] == code
    assert body["errorMessage"]
    assert body["helpUrl"].startswith("https://")
    assert TIME_RE.match(body["errorTime"])
    return body


def test_missing_token_is_authentication_required(api):
    assert_error(api.get("/contacts", token=None), 401, "AUTHENTICATION_REQUIRED")


def test_unknown_token_is_invalid_access_token(api):
    assert_error(api.get("/contacts", token="nope"), 401, "OAUTH_INVALID_ACCESS_TOKEN")


def test_non_object_body_is_invalid_request_body_before_auth(api):
    response = api.request("POST", "/contacts", data="[1, 2]", token=None)
    body = assert_error(response, 400, "INVALID_REQUEST_BODY")
    assert "object as root" in body["errorMessage"]
    assert_error(api.request("POST", "/contacts", data="{not json"), 400, "INVALID_REQUEST_BODY")
    assert_error(api.request("PUT", "/contacts/x", data=""), 400, "INVALID_REQUEST_BODY")


def test_unknown_resource_and_record(api):
    assert_error(api.get("/webhooks"), 404, "UNKNOWN_RESOURCE")
    assert_error(api.get("/contacts/a/b"), 404, "UNKNOWN_RESOURCE")
    body = assert_error(api.get("/contacts/hSAz8KBCTPudbq4mBrvvaw"), 404, "RECORD_NOT_FOUND")
    assert body["errorMessage"] == "No `contact` record with id `hSAz8KBCTPudbq4mBrvvaw` was found."
    assert_error(api.put("/contacts/missing", json={"contact": {}}), 404, "RECORD_NOT_FOUND")


def test_method_not_allowed_for_reference_data_and_payment_delete(api):
    assert_error(
        api.post("/currencies", json={"currency": {"id": "XXX"}}), 405, "METHOD_NOT_ALLOWED"
    )
    assert_error(api.put("/countries/DK", json={"country": {}}), 405, "METHOD_NOT_ALLOWED")
    assert_error(api.delete("/currencies/DKK"), 405, "METHOD_NOT_ALLOWED")
    assert_error(api.delete("/bankPayments/abc"), 405, "METHOD_NOT_ALLOWED")
    assert_error(api.put("/contacts", json={"contact": {}}), 405, "METHOD_NOT_ALLOWED")


def test_get_organization_singular_envelope(api, sandbox):
    response = api.get("/organization")
    assert response.status_code == 200
    body = response.json()
    assert body["meta"]["statusCode"] == 200 and body["meta"]["success"] is True
    org = body["organization"]
    assert org["id"] == sandbox.store.org_id("tok")
    assert org["name"] == "Nordisk Demo ApS"
    assert org["baseCurrencyId"] == "DKK" and org["countryId"] == "DK"
    assert org["localeId"] == "da_DK"
    assert org["nextInvoiceNo"] == 1
    assert (org["paymentTermsMode"], org["paymentTermsDays"]) == ("net", 8)
    assert org["defaultTaxMode"] == "excl"
    assert org["url"].startswith(sandbox.url.removesuffix("/v2") + "/")
    sales = api.fetch("accounts", "account", org["defaultSalesAccountId"])
    assert sales["name"] == "Salg" and sales["accountNo"] == 1000
    ruleset = api.fetch("salesTaxRulesets", "salesTaxRuleset", org["defaultSalesTaxRulesetId"])
    assert ruleset["name"] == "Salgsmoms"
    assert TIME_RE.match(org["createdTime"])


def test_organizations_get_list_update(api, other_api):
    org = api.get("/organization").json()["organization"]
    listed = api.get("/organizations").json()
    assert [o["id"] for o in listed["organizations"]] == [org["id"]]
    assert api.fetch("organizations", "organization", org["id"])["name"] == org["name"]
    other = other_api.get("/organization").json()["organization"]
    assert api.get(f"/organizations/{other['id']}").status_code == 404
    body = api.update("organizations", "organization", org["id"], {"paymentTermsDays": 14})
    assert body["organizations"][0]["paymentTermsDays"] == 14
    assert api.post("/organizations", json={"organization": {"name": "x"}}).status_code == 405


def test_reference_data_seed(api):
    currencies = {c["id"] for c in api.get("/currencies").json()["currencies"]}
    assert {"DKK", "EUR", "USD", "SEK", "NOK", "GBP"} <= currencies
    countries = {c["id"] for c in api.get("/countries").json()["countries"]}
    assert {"DK", "DE", "SE", "NO", "GB", "US", "FR", "PL", "FI"} <= countries
    assert api.fetch("countries", "country", "DK")["name"] == "Danmark"
    rates = {r["name"]: r for r in api.get("/taxRates").json()["taxRates"]}
    assert rates["Salgsmoms 25%"]["rate"] == 0.25 and rates["Salgsmoms 25%"]["appliesToSales"]
    assert rates["Momsfri 0%"]["rate"] == 0
    rulesets = {r["name"]: r for r in api.get("/salesTaxRulesets").json()["salesTaxRulesets"]}
    assert rulesets["Salgsmoms"]["fallbackTaxRateId"] == rates["Salgsmoms 25%"]["id"]
    assert rulesets["Momsfrit"]["fallbackTaxRateId"] == rates["Momsfri 0%"]["id"]
    bank = api.reference("accounts", "Bank")
    assert bank["isPaymentEnabled"] and bank["isBankAccount"] and bank["natureId"] == "asset"
    assert api.reference("accounts", "Salg")["natureId"] == "revenue"
    # the "danish" seed is the organization and its reference data only
    assert api.get("/contacts").json()["contacts"] == []
    assert api.get("/invoices").json()["invoices"] == []


def test_records_are_isolated_per_organization(api, other_api):
    contact = api.contact()
    assert ID_RE.match(contact["id"])
    assert other_api.get(f"/contacts/{contact['id']}").status_code == 404
    assert other_api.get("/contacts").json()["contacts"] == []
    assert (
        other_api.put(f"/contacts/{contact['id']}", json={"contact": {"name": "x"}}).status_code
        == 404
    )
    assert api.fetch("contacts", "contact", contact["id"])["name"] == "Ninjas ApS"
    assert api.get("/contacts", params={"organizationId": "someone-else"}).json()["contacts"] == []


def test_list_envelope_has_paging(api):
    api.contact()
    body = api.get("/contacts").json()
    assert body["meta"]["paging"] == {"page": 1, "pageCount": 1, "pageSize": 1000, "total": 1}
    assert len(body["contacts"]) == 1


def test_delete_is_idempotent_with_deleted_records(api):
    contact = api.contact()
    for _ in range(2):
        response = api.delete(f"/contacts/{contact['id']}")
        assert response.status_code == 200
        assert response.json()["meta"]["deletedRecords"] == {"contacts": [contact["id"]]}
    assert api.get(f"/contacts/{contact['id']}").status_code == 404


def test_bulk_delete_with_ids(api):
    a, b = api.contact(name="A"), api.contact(name="B")
    response = api.delete("/contacts", params={"ids[]": [a["id"], b["id"]]})
    assert response.json()["meta"]["deletedRecords"]["contacts"] == [a["id"], b["id"]]
    assert_error(api.delete("/contacts"), 400, "INVALID_DELETE_ID_ARRAY")


def test_unknown_paths_outside_v2(sandbox):
    response = requests.get(sandbox.url.replace("/v2", "/nothing"), timeout=10)
    assert response.status_code == 404
