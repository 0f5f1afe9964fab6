"""Control endpoint (reset, tokens, seed), seeds, the state file and the CLI."""

import json
import subprocess
import sys
import time

import requests

from billy_api.sandbox import SandboxServer


def test_reset_goes_back_to_the_seed_and_keeps_tokens(api, sandbox):
    org_id = sandbox.store.org_id("tok")
    api.contact()
    api.update("organizations", "organization", org_id, {"nextInvoiceNo": 40})
    assert api.control("POST", "/reset").status_code == 200
    assert api.get("/contacts").json()["contacts"] == []
    org = api.get("/organization").json()["organization"]
    assert org["id"] == org_id and org["nextInvoiceNo"] == 1
    api.contact()
    sandbox.reset()
    assert sandbox.store.count("contacts", "tok") == 0


def test_add_token_over_control_and_python(sandbox):
    response = requests.post(
        sandbox.control_url + "/tokens", json={"token": "new", "name": "Ny ApS"}, timeout=10
    )
    assert response.status_code == 200
    org_id = response.json()["organizationId"]
    org = requests.get(sandbox.url + "/organization", headers={"X-Access-Token": "new"}, timeout=10)
    assert org.json()["organization"]["id"] == org_id
    assert org.json()["organization"]["name"] == "Ny ApS"
    third = sandbox.add_token("third", "Tredje ApS")
    assert third == sandbox.store.org_id("third") and third != org_id
    assert sandbox.add_token("third", "again") == third  # idempotent
    tokens = requests.get(sandbox.control_url + "/tokens", timeout=10).json()["tokens"]
    assert set(tokens) >= {"tok", "tok2", "new", "third"}


def test_seed_endpoint_loads_related_records_with_given_ids(api):
    records = {
        "contacts": [{"id": "contact-seed-1", "name": "Seeded", "countryId": "DK"}],
        "products": [{"id": "product-seed-1", "name": "Thing"}],
        "invoices": [
            {
                "contactId": "contact-seed-1",
                "entryDate": "2024-01-01",
                "currencyId": "DKK",
                "state": "approved",
                "lines": [{"productId": "product-seed-1", "unitPrice": 80}],
            }
        ],
    }
    response = api.control("POST", "/seed", json={"token": "tok", "records": records})
    assert response.status_code == 200, response.text
    invoice = response.json()["invoices"][0]
    assert invoice["invoiceNo"] == "1" and invoice["grossAmount"] == 100
    assert api.fetch("contacts", "contact", "contact-seed-1")["name"] == "Seeded"
    bad = api.control("POST", "/seed", json={"token": "tok", "records": {"contacts": [{}]}})
    assert bad.status_code == 422
    assert api.control("POST", "/seed", json={"token": "x", "records": {}}).status_code == 400
    assert (
        api.control("POST", "/seed", json={"token": "tok", "records": {"bills": []}}).status_code
        == 400
    )


def test_demo_seed_has_something_to_show():
    with SandboxServer(tokens={"demo": "Demo ApS"}, seed="demo") as server:
        headers = {"X-Access-Token": "demo"}
        contacts = requests.get(server.url + "/contacts", headers=headers, timeout=10).json()
        invoices = requests.get(server.url + "/invoices", headers=headers, timeout=10).json()
        assert len(contacts["contacts"]) >= 3
        assert {c["type"] for c in contacts["contacts"]} == {"company", "person"}
        records = invoices["invoices"]
        assert {i["state"] for i in records} == {"approved", "draft"}
        assert any(i["isPaid"] for i in records)
        assert any(i["state"] == "approved" and not i["isPaid"] for i in records)
        credit_notes = [i for i in records if i["type"] == "creditNote"]
        assert credit_notes and all(c["creditedInvoiceId"] for c in credit_notes)


def test_state_file_round_trip(tmp_path):
    state = tmp_path / "state.json"
    with SandboxServer(tokens={"tok": "Vedvarende ApS"}, state_file=str(state)) as server:
        headers = {"X-Access-Token": "tok"}
        response = requests.post(
            server.url + "/contacts",
            json={"contact": {"name": "Bliver", "countryId": "DK"}},
            headers=headers,
            timeout=10,
        )
        contact_id = response.json()["contacts"][0]["id"]
        org_id = server.store.org_id("tok")
    data = json.loads(state.read_text())
    assert data["tokens"] == {"tok": org_id}
    with SandboxServer(tokens={"tok": "Vedvarende ApS", "b": "B"}, state_file=str(state)) as again:
        headers = {"X-Access-Token": "tok"}
        got = requests.get(f"{again.url}/contacts/{contact_id}", headers=headers, timeout=10)
        assert got.status_code == 200 and got.json()["contact"]["name"] == "Bliver"
        assert again.store.org_id("tok") == org_id
        assert again.store.org_id("b") != org_id  # a new token gets a new organization
    assert not list(tmp_path.glob(".sandbox-state-*"))  # no temporary file left behind


def test_a_state_file_of_an_older_sandbox_is_brought_up_to_date(tmp_path):
    state = tmp_path / "state.json"
    with SandboxServer(tokens={"tok": "Gammel ApS"}, state_file=str(state), seed="demo"):
        pass
    data = json.loads(state.read_text())
    # as an older sandbox wrote it: credit notes as "credit_note", no cities
    del data["reference"]["cities"]
    for tables in data["organizations"].values():
        for invoice in tables["invoices"]:
            if invoice["type"] == "creditNote":
                invoice["type"] = "credit_note"
    state.write_text(json.dumps(data))
    with SandboxServer(tokens={"tok": "Gammel ApS"}, state_file=str(state)) as server:
        types = {invoice["type"] for invoice in server.store.records("invoices", "tok")}
        assert types == {"invoice", "creditNote"}
        assert server.store.get("cities", "dk_aalborg")["name"] == "Aalborg"


def test_cli_prints_the_url_first_and_serves(tmp_path):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "billy_api.sandbox",
            "--port",
            "0",
            "--token",
            "cli-token=CLI ApS",
            "--seed",
            "demo",
            "--state-file",
            str(tmp_path / "cli.json"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v2")
        deadline = time.time() + 10
        while True:
            try:
                response = requests.get(
                    url + "/organization", headers={"X-Access-Token": "cli-token"}, timeout=5
                )
                break
            except requests.ConnectionError:
                assert time.time() < deadline
                time.sleep(0.1)
        assert response.json()["organization"]["name"] == "CLI ApS"
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert (tmp_path / "cli.json").exists()
