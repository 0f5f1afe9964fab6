"""Listing: lazy paging, include (sideload and embed) and the BillyPage fields."""

import pytest
from client_support import BASE, load_registry, make_client  # noqa: F401 (see client_support)
from responses import matchers

from billy_api import BillyPage


def paged(resource, records, page, page_count, page_size, total, **extra):
    body = {
        "meta": {
            "statusCode": 200,
            "success": True,
            "paging": {
                "page": page,
                "pageCount": page_count,
                "pageSize": page_size,
                "total": total,
            },
        },
        resource: records,
    }
    body.update(extra)
    return body


def contacts(*ids):
    return [{"id": i, "name": f"Contact {i}"} for i in ids]


def add_page(rsps, page, body, page_size=3, **query):
    params = {"page": str(page), "pageSize": str(page_size), **query}
    rsps.get(
        f"{BASE}/contacts",
        json=body,
        match=[matchers.query_param_matcher(params)],
    )


def test_list_fetches_three_pages_lazily(rsps):
    client, _ = make_client()
    add_page(rsps, 1, paged("contacts", contacts("a", "b", "c"), 1, 3, 3, 7), isCustomer="true")
    add_page(rsps, 2, paged("contacts", contacts("d", "e", "f"), 2, 3, 3, 7), isCustomer="true")
    add_page(rsps, 3, paged("contacts", contacts("g"), 3, 3, 3, 7), isCustomer="true")

    records = client.list("contacts", params={"isCustomer": True}, page_size=3)
    assert len(rsps.calls) == 0  # nothing is requested before iteration starts

    first_page = [next(records) for _ in range(3)]
    assert [r["id"] for r in first_page] == ["a", "b", "c"]
    assert len(rsps.calls) == 1  # page 2 not requested while page 1 is being consumed

    assert next(records)["id"] == "d"
    assert len(rsps.calls) == 2
    assert [r["id"] for r in [next(records), next(records)]] == ["e", "f"]
    assert len(rsps.calls) == 2

    assert [r["id"] for r in records] == ["g"]
    assert len(rsps.calls) == 3  # stopped at pageCount: no page 4


def test_iter_pages_yields_billy_pages(rsps):
    client, _ = make_client()
    add_page(rsps, 1, paged("contacts", contacts("a", "b"), 1, 2, 2, 3), page_size=2)
    add_page(rsps, 2, paged("contacts", contacts("c"), 2, 2, 2, 3), page_size=2)
    pages = list(client.iter_pages("contacts", page_size=2))
    assert all(isinstance(page, BillyPage) for page in pages)
    assert [(p.page, p.page_count, p.page_size, p.total) for p in pages] == [
        (1, 2, 2, 3),
        (2, 2, 2, 3),
    ]
    assert [len(p.records) for p in pages] == [2, 1]
    assert pages[0].sideloaded == {}


def test_default_page_size_is_1000(rsps):
    client, _ = make_client()
    add_page(rsps, 1, paged("contacts", contacts("a"), 1, 1, 1000, 1), page_size=1000)
    assert [r["id"] for r in client.list("contacts")] == ["a"]


def test_missing_paging_meta_is_a_single_page(rsps):
    client, _ = make_client()
    # a full page of records but no meta.paging: there must not be a request for page 2
    add_page(rsps, 1, {"contacts": contacts("a", "b", "c")})
    pages = list(client.iter_pages("contacts", page_size=3))
    assert len(pages) == 1
    assert (pages[0].page, pages[0].page_count, pages[0].total) == (1, 1, 3)
    assert len(rsps.calls) == 1


def test_empty_list(rsps):
    client, _ = make_client()
    add_page(rsps, 1, paged("contacts", [], 1, 0, 3, 0))
    assert list(client.list("contacts", page_size=3)) == []
    assert len(rsps.calls) == 1


def test_empty_page_stops_even_if_page_count_says_more(rsps):
    client, _ = make_client()
    add_page(rsps, 1, paged("contacts", contacts("a", "b", "c"), 1, 9, 3, 27))
    add_page(rsps, 2, paged("contacts", [], 2, 9, 3, 27))
    assert [r["id"] for r in client.list("contacts", page_size=3)] == ["a", "b", "c"]
    assert len(rsps.calls) == 2


def test_paging_follows_the_client_counter_not_the_echoed_page(rsps):
    client, _ = make_client()
    # a server that always echoes page 1 must not make the client ask for page 2 forever
    add_page(rsps, 1, paged("contacts", contacts("a"), 1, 2, 1, 2), page_size=1)
    add_page(rsps, 2, paged("contacts", contacts("b"), 1, 2, 1, 2), page_size=1)
    assert [r["id"] for r in client.list("contacts", page_size=1)] == ["a", "b"]
    assert len(rsps.calls) == 2


def test_caller_page_params_are_replaced(rsps):
    client, _ = make_client()
    add_page(rsps, 1, paged("contacts", contacts("a"), 1, 1, 3, 1))
    records = list(client.list("contacts", params={"page": 5, "pageSize": 7}, page_size=3))
    assert [r["id"] for r in records] == ["a"]


@pytest.mark.parametrize("page_size", [0, 1001, -1, 2.5, "10", True])
def test_invalid_page_size_is_rejected_before_any_request(rsps, page_size):
    client, _ = make_client()
    with pytest.raises(ValueError):
        client.list("contacts", page_size=page_size)
    with pytest.raises(ValueError):
        client.iter_pages("contacts", page_size=page_size)
    assert len(rsps.calls) == 0


def test_include_sideload_and_embed(rsps):
    client, _ = make_client()
    body = paged(
        "invoices",
        [
            {
                "id": "i1",
                "contactId": "c1",
                "lines": [{"id": "l1", "invoiceId": "i1", "unitPrice": 100.0}],
            },
            {"id": "i2", "contactId": "c1", "lines": []},
        ],
        1,
        1,
        1000,
        2,
        contacts=[{"id": "c1", "name": "Acme ApS"}],
        countries=[{"id": "DK"}],
    )
    include = "invoice.lines:embed,invoice.contact:sideload,contact.country"
    rsps.get(
        f"{BASE}/invoices",
        json=body,
        match=[
            matchers.query_param_matcher(
                {"page": "1", "pageSize": "1000", "include": include, "state": "approved"}
            )
        ],
    )
    pages = list(
        client.iter_pages(
            "invoices",
            params={"state": "approved"},
            include=["invoice.lines:embed", "invoice.contact:sideload", "contact.country"],
        )
    )
    page = pages[0]
    assert [r["id"] for r in page.records] == ["i1", "i2"]
    assert page.records[0]["lines"][0]["unitPrice"] == 100.0  # embedded has-many
    assert page.sideloaded == {
        "contacts": [{"id": "c1", "name": "Acme ApS"}],
        "countries": [{"id": "DK"}],
    }
    assert "invoices" not in page.sideloaded


def test_get_with_include_returns_embedded_records(rsps):
    client, _ = make_client()
    rsps.get(
        f"{BASE}/invoices/i1",
        json={
            "meta": {"statusCode": 200, "success": True},
            "invoice": {"id": "i1", "lines": [{"id": "l1"}, {"id": "l2"}]},
            "contacts": [{"id": "c1"}],
        },
        match=[matchers.query_param_matcher({"include": "invoice.lines:embed"})],
    )
    invoice = client.get("invoices", "i1", include="invoice.lines:embed")
    assert [line["id"] for line in invoice["lines"]] == ["l1", "l2"]
    assert "contacts" not in invoice


def test_list_boolean_and_none_params(rsps):
    client, _ = make_client()
    rsps.get(
        f"{BASE}/invoices",
        json=paged("invoices", [], 1, 1, 1000, 0),
        match=[
            matchers.query_param_matcher(
                {"page": "1", "pageSize": "1000", "isPaid": "false", "organizationId": "o1"}
            )
        ],
    )
    assert list(client.list("invoices", {"isPaid": False, "organizationId": "o1", "q": None})) == []
