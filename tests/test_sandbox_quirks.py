"""Quirks: each one switched on per run or at runtime, and what it changes (real HTTP)."""

import pytest
import requests
from conftest import SANDBOX_TOKEN, SandboxApi

from billy_api import BillyClient, BillyRequestError, BillyValidationError
from billy_api.sandbox import SandboxServer
from billy_api.sandbox.quirks import DEFAULT_QUIRKS, QUIRKS


@pytest.fixture
def quirky():
    """``quirky(*names)``: an API client of a fresh sandbox with those quirks on."""
    servers = []

    def start(*names, without=()):
        server = SandboxServer(
            tokens={SANDBOX_TOKEN: "Quirky ApS"}, port=0, quirks=names, without_quirks=without
        )
        servers.append(server.start())
        return SandboxApi(server)

    yield start
    for server in servers:
        server.stop()


def setup_invoice(api, **values):
    contact = api.contact()
    product = api.product()
    lines = [{"productId": product["id"], "unitPrice": 100}]
    return contact, product, api.invoice(contact["id"], lines, **values)


def test_quirks_are_listed_and_switched_over_the_control_endpoint(api, sandbox):
    listed = api.control("GET", "/quirks").json()
    assert set(listed["quirks"]) == set(QUIRKS) and listed["on"] == ["rotating-download-url"]
    assert listed["quirks"]["no-bulk"] == {
        "on": False,
        "default": False,
        "about": QUIRKS["no-bulk"],
    }
    switched = api.control(
        "POST", "/quirks", json={"on": ["q-ignored", "no-bulk"], "off": ["rotating-download-url"]}
    ).json()
    assert switched["on"] == ["no-bulk", "q-ignored"]
    assert sandbox.quirks == {"no-bulk", "q-ignored"}
    bad = api.control("POST", "/quirks", json={"on": ["meteor"]})
    assert bad.status_code == 400 and "unknown quirk meteor" in bad.json()["errorMessage"]
    assert sandbox.set_quirks(off=["no-bulk"]) == {"q-ignored"}


def test_quirks_per_run_add_to_the_defaults_and_can_remove_one(quirky):
    assert quirky("singular-root").server.quirks == DEFAULT_QUIRKS | {"singular-root"}
    assert quirky(without=["rotating-download-url"]).server.quirks == set()
    with pytest.raises(ValueError, match="unknown quirk"):
        SandboxServer(quirks=["meteor"])


def test_singular_root_answers_the_written_record_alone(quirky):
    api = quirky("singular-root")
    contact = api.post("/contacts", json={"contact": {"name": "A", "countryId": "DK"}}).json()
    assert set(contact) == {"meta", "contact"} and contact["contact"]["name"] == "A"
    product = api.post("/products", json={"product": {"name": "P"}}).json()["product"]
    invoice = {
        "contactId": contact["contact"]["id"],
        "entryDate": "2024-01-01",
        "currencyId": "DKK",
        "lines": [{"productId": product["id"], "unitPrice": 100}],
    }
    body = api.post("/invoices", json={"invoice": invoice}).json()
    assert set(body) == {"meta", "invoice"} and "lines" not in body["invoice"]
    assert body["invoice"]["grossAmount"] == 125
    body = api.put(f"/invoices/{body['invoice']['id']}", json={"invoice": {"state": "approved"}})
    assert set(body.json()) == {"meta", "invoice"}  # no organizations root for the number
    # the client reads both shapes
    client = BillyClient(SANDBOX_TOKEN, base_url=api.server.url)
    result = client.create("contacts", {"name": "B", "countryId": "DK"})
    assert result.record["name"] == "B" and list(result.changed) == ["contacts"]


def test_external_id_dropped_is_accepted_but_not_stored(quirky, api):
    for sandbox_api, kept in ((api, True), (quirky("external-id-dropped"), False)):
        _contact, _product, invoice = setup_invoice(sandbox_api, externalId="odoo-7")
        assert (invoice["externalId"] == "odoo-7") is kept
        found = sandbox_api.get("/invoices", params={"externalId": "odoo-7"}).json()["invoices"]
        assert len(found) == (1 if kept else 0)
        updated = sandbox_api.update("invoices", "invoice", invoice["id"], {"externalId": "x"})
        assert (updated["invoices"][0]["externalId"] == "x") is kept


def test_q_ignored_on_contacts_and_products_only(quirky):
    api = quirky("q-ignored")
    api.contact(name="Alfa")
    api.contact(name="Beta")
    api.product(name="Vare")
    api.product(name="Andet")
    assert len(api.get("/contacts", params={"q": "alfa"}).json()["contacts"]) == 2
    assert len(api.get("/products", params={"q": "vare"}).json()["products"]) == 2
    # other filters still work
    assert len(api.get("/contacts", params={"name": "Alfa"}).json()["contacts"]) == 1


def test_lines_frozen_refuses_lines_on_an_existing_draft(quirky, api):
    for sandbox_api, frozen in ((api, False), (quirky("lines-frozen"), True)):
        _contact, product, invoice = setup_invoice(sandbox_api)
        lines = [{"productId": product["id"], "unitPrice": 200}]
        response = sandbox_api.put(f"/invoices/{invoice['id']}", json={"invoice": {"lines": lines}})
        if frozen:
            assert response.status_code == 422
            errors = response.json()["validationErrors"]["invoice"]["attributes"]
            assert "must not be set" in errors["lines"]
            # the lines change through /invoiceLines, the header without lines
            line = sandbox_api.get("/invoiceLines", params={"invoiceId": invoice["id"]}).json()
            line_id = line["invoiceLines"][0]["id"]
            sandbox_api.update("invoiceLines", "invoiceLine", line_id, {"unitPrice": 200})
            sandbox_api.update("invoices", "invoice", invoice["id"], {"contactMessage": "Tak"})
        else:
            assert response.status_code == 200
        assert sandbox_api.fetch("invoices", "invoice", invoice["id"])["grossAmount"] == 250


def test_rotating_download_url_is_on_by_default_and_every_url_serves(quirky, api):
    _contact, _product, invoice = setup_invoice(api, state="approved")
    urls = {api.fetch("invoices", "invoice", invoice["id"])["downloadUrl"] for _ in range(3)}
    urls.add(api.get("/invoices").json()["invoices"][0]["downloadUrl"])
    urls.add(invoice["downloadUrl"])
    assert len(urls) == 5
    for url in urls:
        pdf = requests.get(url, timeout=10)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    forged = url.rsplit("/", 2)
    assert requests.get(f"{forged[0]}/{'0' * 50}/{forged[2]}", timeout=10).status_code == 404

    stable = quirky(without=["rotating-download-url"])
    _contact, _product, invoice = setup_invoice(stable, state="approved")
    urls = {stable.fetch("invoices", "invoice", invoice["id"])["downloadUrl"] for _ in range(3)}
    assert urls == {invoice["downloadUrl"]}
    assert requests.get(invoice["downloadUrl"], timeout=10).status_code == 200


def test_no_bulk_refuses_every_bulk_save(quirky):
    api = quirky("no-bulk")
    response = api.request("PATCH", "/contacts", json={"contacts": [{"name": "A"}]})
    assert response.status_code == 405 and response.json()["errorCode"] == "METHOD_NOT_ALLOWED"
    client = BillyClient(SANDBOX_TOKEN, base_url=api.server.url)
    with pytest.raises(BillyRequestError) as info:
        client.bulk_save("contacts", [{"name": "A", "countryId": "DK"}])
    assert info.value.status == 405
    assert api.get("/contacts").json()["contacts"] == []


def test_validation_400_answers_invalid_record(quirky, api):
    for sandbox_api, status, code in (
        (api, 422, "VALIDATION_FAILED"),
        (quirky("validation-400"), 400, "INVALID_RECORD"),
    ):
        response = sandbox_api.post("/contacts", json={"contact": {"name": ""}})
        assert response.status_code == status and response.json()["errorCode"] == code
        assert "name" in response.json()["validationErrors"]["contact"]["attributes"]
        client = BillyClient(SANDBOX_TOKEN, base_url=sandbox_api.server.url)
        with pytest.raises(BillyValidationError) as info:
            client.create("contacts", {"name": ""})
        assert info.value.status == status and "name" in str(info.value)


def test_the_command_line_switches_quirks():
    from billy_api.sandbox.__main__ import build_parser

    args = build_parser().parse_args(
        ["--quirk", "no-bulk", "--quirk", "q-ignored", "--without-quirk", "rotating-download-url"]
    )
    assert args.quirk == ["no-bulk", "q-ignored"]
    assert args.without_quirk == ["rotating-download-url"]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--quirk", "meteor"])
