"""Requests and answers: headers, timeouts, Billy envelopes, write results, resources."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from client_support import BASE, TOKEN, load_registry, make_client  # noqa: F401
from responses import matchers

import billy_api
from billy_api import (
    DEFAULT_BASE_URL,
    INVOICE_TYPE_CREDIT_NOTE,
    INVOICE_TYPE_INVOICE,
    BillyClient,
    BillyWriteResult,
)
from billy_api.resources import SINGULAR, plural, singular


# -- request basics -------------------------------------------------------------------------------
def test_default_base_url():
    assert DEFAULT_BASE_URL == "https://api.billysbilling.com/v2"
    assert BillyClient("t").base_url == DEFAULT_BASE_URL


def test_headers_and_timeouts_on_every_request(rsps):
    client, _ = make_client(connect_timeout=4.0, read_timeout=25.0, accept_language="da_DK")
    rsps.get(f"{BASE}/organization", json={"organization": {"id": "o1"}})
    rsps.post(f"{BASE}/contacts", json={"contacts": [{"id": "c1"}]})
    client.get_organization()
    client.create("contacts", {"name": "Acme"})
    for call in rsps.calls:
        headers = call.request.headers
        assert headers["X-Access-Token"] == TOKEN
        assert headers["Accept"] == "application/json"
        assert headers["Accept-Language"] == "da_DK"
        assert "Authorization" not in headers
        assert call.request.req_kwargs["timeout"] == (4.0, 25.0)
    post = rsps.calls[1].request
    assert post.headers["Content-Type"] == "application/json"
    assert json.loads(post.body) == {"contact": {"name": "Acme"}}


def test_no_accept_language_by_default(rsps):
    client, _ = make_client()
    rsps.get(f"{BASE}/organization", json={"organization": {"id": "o1"}})
    client.get_organization()
    assert "Accept-Language" not in rsps.calls[0].request.headers


def test_request_is_relative_to_base_url(rsps):
    client, _ = make_client(base_url=BASE + "/")
    rsps.get(f"{BASE}/user/organizations", json={"organizations": []})
    assert client.request("get", "user/organizations") == {"organizations": []}
    assert rsps.calls[0].request.method == "GET"


@pytest.mark.parametrize("path", ["https://evil.test/v2/contacts", "//evil.test/x", "", None])
def test_request_refuses_absolute_or_empty_paths(path):
    client, _ = make_client()
    with pytest.raises(ValueError):
        client.request("GET", path)


def test_request_sends_params_and_body(rsps):
    client, _ = make_client()
    rsps.put(
        f"{BASE}/invoices/i1",
        json={"invoices": [{"id": "i1", "state": "approved"}]},
        match=[
            matchers.query_param_matcher({"dryRun": "true"}),
            matchers.json_params_matcher({"invoice": {"state": "approved"}}),
        ],
    )
    data = client.request(
        "PUT", "/invoices/i1", {"dryRun": True}, {"invoice": {"state": "approved"}}
    )
    assert data["invoices"][0]["state"] == "approved"


def test_record_ids_are_quoted(rsps):
    client, _ = make_client()
    rsps.get(f"{BASE}/contacts/a%2Fb%3Fc", json={"contact": {"id": "a/b?c"}})
    assert client.get("contacts", "a/b?c") == {"id": "a/b?c"}


@pytest.mark.parametrize("record_id", [None, "", True])
def test_invalid_record_ids(record_id):
    client, _ = make_client()
    with pytest.raises(ValueError):
        client.get("contacts", record_id)


@pytest.mark.parametrize("resource", ["", "contacts/x", "../x", None])
def test_invalid_resources(resource):
    client, _ = make_client()
    with pytest.raises(ValueError):
        client.get(resource, "x")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"connect_timeout": 0},
        {"read_timeout": -1},
        {"max_retries": -1},
        {"pool_size": 0},
        {"base_url": "api.billysbilling.com/v2"},
    ],
)
def test_invalid_settings(kwargs):
    with pytest.raises(ValueError):
        BillyClient("t", **kwargs)


@pytest.mark.parametrize("token", ["", "   ", None])
def test_token_is_required(token):
    with pytest.raises(ValueError):
        BillyClient(token)


# -- single records -------------------------------------------------------------------------------
def test_get_organization(rsps):
    client, _ = make_client()
    organization = {"id": "o1", "name": "Nordisk Demo ApS", "baseCurrencyId": "DKK"}
    rsps.get(f"{BASE}/organization", json={"meta": {"success": True}, "organization": organization})
    assert client.get_organization() == organization


def test_get_accepts_a_plural_answer(rsps):
    client, _ = make_client()
    rsps.get(
        f"{BASE}/contacts/c2",
        json={"contacts": [{"id": "c9"}, {"id": "c2", "name": "Right one"}]},
    )
    assert client.get("contacts", "c2")["name"] == "Right one"


# -- writes ---------------------------------------------------------------------------------------
def test_create_returns_the_new_record_and_every_changed_record(rsps):
    client, _ = make_client()
    answer = {
        "meta": {"statusCode": 200, "success": True},
        "invoiceLines": [{"id": "l1", "invoiceId": "i1", "amount": 100.0}],
        "invoices": [{"id": "i1", "amount": 100.0}],
    }
    rsps.post(
        f"{BASE}/invoiceLines",
        json=answer,
        match=[matchers.json_params_matcher({"invoiceLine": {"invoiceId": "i1"}})],
    )
    result = client.create("invoiceLines", {"invoiceId": "i1"})
    assert isinstance(result, BillyWriteResult)
    assert result.record == {"id": "l1", "invoiceId": "i1", "amount": 100.0}
    assert result.changed == {
        "invoiceLines": answer["invoiceLines"],
        "invoices": answer["invoices"],
    }
    assert result.deleted == {}


def test_update_with_plural_answer_picks_the_updated_record(rsps):
    client, _ = make_client()
    rsps.put(
        f"{BASE}/contacts/c2",
        json={"contacts": [{"id": "c1"}, {"id": "c2", "name": "New"}]},
        match=[matchers.json_params_matcher({"contact": {"name": "New"}})],
    )
    result = client.update("contacts", "c2", {"name": "New"})
    assert result.record == {"id": "c2", "name": "New"}


def test_update_with_singular_answer(rsps):
    client, _ = make_client()
    rsps.put(
        f"{BASE}/invoices/i1",
        json={"meta": {"success": True}, "invoice": {"id": "i1", "state": "approved"}},
    )
    result = client.update("invoices", "i1", {"state": "approved"})
    assert result.record == {"id": "i1", "state": "approved"}
    assert result.changed == {"invoices": [{"id": "i1", "state": "approved"}]}


def test_update_that_replaces_lines_reports_deleted_records(rsps):
    client, _ = make_client()
    rsps.put(
        f"{BASE}/invoices/i1",
        json={
            "meta": {"success": True, "deletedRecords": {"invoiceLines": ["l1", "l2"]}},
            "invoices": [{"id": "i1"}],
            "invoiceLines": [{"id": "l3"}],
        },
    )
    result = client.update("invoices", "i1", {"lines": [{"description": "x"}]})
    assert result.record == {"id": "i1"}
    assert result.changed["invoiceLines"] == [{"id": "l3"}]
    assert result.deleted == {"invoiceLines": ["l1", "l2"]}


def test_update_without_the_record_in_the_answer(rsps):
    client, _ = make_client()
    rsps.put(f"{BASE}/contacts/c1", json={"meta": {"success": True}})
    result = client.update("contacts", "c1", {"name": "x"})
    assert result.record is None
    assert result.changed == {}


def test_delete_reports_deleted_ids(rsps):
    client, _ = make_client()
    rsps.delete(
        f"{BASE}/contacts/c1",
        json={
            "meta": {
                "statusCode": 200,
                "success": True,
                "deletedRecords": {
                    "contacts": ["c1"],
                    "contactPersons": ["p1", 7],
                    "_clientIds": {},
                },
            }
        },
    )
    result = client.delete("contacts", "c1")
    assert result.record is None
    assert result.changed == {}
    assert result.deleted == {"contacts": ["c1"], "contactPersons": ["p1", "7"]}
    assert rsps.calls[0].request.body is None


def test_delete_with_empty_body(rsps):
    client, _ = make_client()
    rsps.delete(f"{BASE}/contacts/c1", body="")
    result = client.delete("contacts", "c1")
    assert (result.record, result.changed, result.deleted) == (None, {}, {})


# -- resources and constants ----------------------------------------------------------------------
def test_singular_map_covers_the_contract_resources():
    assert SINGULAR == {
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
    for name, envelope in SINGULAR.items():
        assert singular(name) == envelope
        assert plural(envelope) == name


def test_singular_of_unlisted_resources():
    assert singular("bills") == "bill"
    assert singular("daybookTransactions") == "daybookTransaction"
    assert singular("cities") == "city"
    assert singular("taxes") == "tax"
    assert plural("city") == "cities"
    assert plural("bill") == "bills"


def test_unlisted_resource_uses_its_singular_envelope(rsps):
    client, _ = make_client()
    rsps.post(
        f"{BASE}/bills",
        json={"bills": [{"id": "b1"}]},
        match=[matchers.json_params_matcher({"bill": {"contactId": "c1"}})],
    )
    assert client.create("bills", {"contactId": "c1"}).record == {"id": "b1"}


def test_package_exports():
    assert INVOICE_TYPE_INVOICE == "invoice"
    assert INVOICE_TYPE_CREDIT_NOTE == "creditNote"
    assert billy_api.CREDIT_NOTE_TYPES == ("creditNote", "credit_note")
    for name in billy_api.__all__:
        assert hasattr(billy_api, name)
    assert "BillyClient" in billy_api.__all__


def test_no_odoo_import_in_the_client_package():
    import pathlib

    package = pathlib.Path(billy_api.__file__).parent
    sources = sorted(package.rglob("*.py"))
    assert len(sources) > 30
    for path in sources:
        source = path.read_text()
        assert "import odoo" not in source, path
        assert "from odoo" not in source, path


# -- session and threads --------------------------------------------------------------------------
def test_own_session_has_a_pool_of_pool_size():
    client, _ = make_client(pool_size=13)
    adapter = client._session.get_adapter("https://api.billysbilling.com/v2")
    assert adapter._pool_maxsize == 13
    assert adapter.max_retries.total == 0  # no hidden transport retries (POST!)


def test_injected_session_is_used_and_not_closed(rsps):
    session = requests.Session()
    closed = []
    session.close = lambda: closed.append(True)
    rsps.get(f"{BASE}/organization", json={"organization": {"id": "o1"}})
    with BillyClient("t", base_url=BASE, session=session) as client:
        assert client._session is session
        client.get_organization()
    assert closed == []


def test_own_session_is_closed_by_the_context_manager():
    client, _ = make_client()
    closed = []
    client._session.close = lambda: closed.append(True)
    with client:
        pass
    assert closed == [True]


def test_concurrent_use_from_many_threads(rsps):
    client, _ = make_client(pool_size=4)
    for i in range(40):
        rsps.get(f"{BASE}/contacts/c{i}", json={"contact": {"id": f"c{i}"}})
    seen_threads = set()

    def fetch(i):
        seen_threads.add(threading.get_ident())
        return client.get("contacts", f"c{i}")["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(fetch, range(40)))
    assert ids == [f"c{i}" for i in range(40)]
    assert len(rsps.calls) == 40
    assert len(seen_threads) > 1


# -- sideloaded children of a write answer --------------------------------------------------------
def test_children_of_a_bulk_answer_grouped_by_parent_in_answer_order():
    changed = billy_api.Sideloads(
        {
            "contactPersons": [
                {"id": "p1", "contactId": "c1"},
                {"id": "p2", "contactId": "c2"},
                {"id": "p3"},
                {"id": "p4", "contactId": "c1"},
            ]
        }
    )
    assert [p["id"] for p in changed.children("contactPersons", "contactId", "c1")] == [
        "p1",
        "p4",
    ]
    with_orphans = changed.children("contactPersons", "contactId", "c1", orphans=True)
    assert [p["id"] for p in with_orphans] == ["p1", "p3", "p4"]
    assert changed.children("contactPersons", "contactId", "c9") == []
    assert changed.children("invoiceLines", "invoiceId", "c1") == []


def test_children_of_a_plain_mapping_and_of_a_write_result(rsps):
    plain = {"productPrices": [{"id": "x", "productId": "a"}, {"id": "y", "productId": "b"}]}
    assert billy_api.children(plain, "productPrices", "productId", "b") == [
        plain["productPrices"][1]
    ]
    client, _ = make_client()
    rsps.post(
        f"{BASE}/invoices",
        json={
            "invoices": [{"id": "i1"}],
            "invoiceLines": [{"id": "l1", "invoiceId": "i1"}, {"id": "l2", "invoiceId": "i2"}],
        },
    )
    changed = client.create("invoices", {"contactId": "c"}).changed
    assert isinstance(changed, billy_api.Sideloads)
    assert [line["id"] for line in changed.children("invoiceLines", "invoiceId", "i1")] == ["l1"]
