"""Retries: GET/PUT/DELETE on 429, 5xx and lost connections; POST never."""

import pytest
import requests
from client_support import (  # load_registry: see client_support
    BASE,
    dropped_connection,
    error_body,
    load_registry,  # noqa: F401
    make_client,
    refused_connection,
)

from billy_api import (
    BillyConnectionError,
    BillyNotFoundError,
    BillyRateLimitError,
    BillyServerError,
    BillyTimeoutError,
    BillyValidationError,
)
from billy_api.sandbox.retries import counting_retries

CONTACT = {"id": "c1", "name": "Acme ApS"}


def test_get_is_retried_after_503_then_succeeds(rsps):
    client, sleep = make_client(backoff_base=0.5)
    rsps.get(f"{BASE}/contacts/c1", status=503, json=error_body(503))
    rsps.get(f"{BASE}/contacts/c1", status=502, body="bad gateway")
    rsps.get(f"{BASE}/contacts/c1", json={"contact": CONTACT})
    assert client.get("contacts", "c1") == CONTACT
    assert len(rsps.calls) == 3
    # exponential back-off with jitter: step 0.5 then 1.0, each between half and all of it
    assert len(sleep.calls) == 2
    assert 0.25 <= sleep.calls[0] <= 0.5
    assert 0.5 <= sleep.calls[1] <= 1.0


def test_backoff_is_exponential_capped_and_jittered(rsps):
    client, sleep = make_client(max_retries=5, backoff_base=1.0, backoff_max=5.0)
    client._transport.random = lambda: 1.0  # top of the jitter range
    for _ in range(6):
        rsps.get(f"{BASE}/contacts/c1", status=500)
    with pytest.raises(BillyServerError):
        client.get("contacts", "c1")
    assert sleep.calls == [1.0, 2.0, 4.0, 5.0, 5.0]

    rsps.reset()
    client, sleep = make_client(max_retries=3, backoff_base=1.0, backoff_max=5.0)
    client._transport.random = lambda: 0.0  # bottom of the jitter range
    for _ in range(4):
        rsps.get(f"{BASE}/contacts/c1", status=500)
    with pytest.raises(BillyServerError):
        client.get("contacts", "c1")
    assert sleep.calls == [0.5, 1.0, 2.0]


def test_jitter_varies_the_delays(rsps):
    client, sleep = make_client(max_retries=30, backoff_base=1.0, backoff_max=1.0)
    for _ in range(31):
        rsps.get(f"{BASE}/contacts/c1", status=503)
    with pytest.raises(BillyServerError):
        client.get("contacts", "c1")
    assert len(set(sleep.calls)) > 1
    assert all(0.5 <= delay <= 1.0 for delay in sleep.calls)


def test_retries_exhausted_raise_the_last_error(rsps):
    client, sleep = make_client(max_retries=2)
    for _ in range(3):
        rsps.get(f"{BASE}/contacts/c1", status=503, json=error_body(503, "DOWN", "Maintenance"))
    with pytest.raises(BillyServerError) as info:
        client.get("contacts", "c1")
    assert info.value.status == 503
    assert info.value.error_code == "DOWN"
    assert len(rsps.calls) == 3  # 1 attempt + max_retries
    assert len(sleep.calls) == 2


def test_max_retries_zero_means_a_single_attempt(rsps):
    client, sleep = make_client(max_retries=0)
    rsps.get(f"{BASE}/contacts/c1", status=503)
    with pytest.raises(BillyServerError):
        client.get("contacts", "c1")
    assert len(rsps.calls) == 1
    assert sleep.calls == []


def test_retry_after_is_honoured(rsps):
    client, sleep = make_client()
    rsps.get(f"{BASE}/contacts/c1", status=429, headers={"Retry-After": "3"})
    rsps.get(f"{BASE}/contacts/c1", status=503, headers={"Retry-After": "1.5"})
    rsps.get(f"{BASE}/contacts/c1", json={"contact": CONTACT})
    assert client.get("contacts", "c1") == CONTACT
    assert sleep.calls == [3.0, 1.5]


def test_retry_after_is_capped_at_backoff_max(rsps):
    client, sleep = make_client(backoff_max=10.0)
    rsps.get(f"{BASE}/contacts/c1", status=429, headers={"Retry-After": "3600"})
    rsps.get(f"{BASE}/contacts/c1", json={"contact": CONTACT})
    client.get("contacts", "c1")
    assert sleep.calls == [10.0]


def test_rate_limit_exhausted_raises_rate_limit_error(rsps):
    client, sleep = make_client(max_retries=1)
    for _ in range(2):
        rsps.get(f"{BASE}/contacts", status=429, headers={"Retry-After": "2"})
    with pytest.raises(BillyRateLimitError) as info:
        list(client.list("contacts"))
    assert info.value.retry_after == 2.0
    assert sleep.calls == [2.0]
    assert len(rsps.calls) == 2


def test_get_is_retried_after_a_lost_connection(rsps):
    client, sleep = make_client()
    rsps.get(f"{BASE}/contacts/c1", body=dropped_connection())
    rsps.get(f"{BASE}/contacts/c1", body=requests.exceptions.ReadTimeout("slow"))
    rsps.get(f"{BASE}/contacts/c1", json={"contact": CONTACT})
    assert client.get("contacts", "c1") == CONTACT
    assert len(rsps.calls) == 3
    assert len(sleep.calls) == 2


def test_get_connection_errors_exhausted(rsps):
    client, sleep = make_client(max_retries=1)
    rsps.get(f"{BASE}/contacts/c1", body=refused_connection())
    rsps.get(f"{BASE}/contacts/c1", body=refused_connection())
    with pytest.raises(BillyConnectionError) as info:
        client.get("contacts", "c1")
    assert info.value.maybe_applied is False
    assert len(rsps.calls) == 2
    assert len(sleep.calls) == 1


def test_post_is_not_retried_on_503(rsps):
    client, sleep = make_client()
    rsps.post(f"{BASE}/contacts", status=503, json=error_body(503))
    rsps.post(f"{BASE}/contacts", json={"contacts": [CONTACT]})  # must never be reached
    rsps.assert_all_requests_are_fired = False
    with pytest.raises(BillyServerError):
        client.create("contacts", {"name": "Acme ApS"})
    assert len(rsps.calls) == 1
    assert sleep.calls == []


def test_post_is_not_retried_on_429(rsps):
    client, sleep = make_client()
    rsps.post(f"{BASE}/contacts", status=429, headers={"Retry-After": "1"})
    with pytest.raises(BillyRateLimitError):
        client.create("contacts", {"name": "Acme ApS"})
    assert len(rsps.calls) == 1
    assert sleep.calls == []


def test_post_dropped_after_sending_may_have_been_applied(rsps):
    client, sleep = make_client()
    rsps.post(f"{BASE}/contacts", body=dropped_connection())
    rsps.post(f"{BASE}/contacts", json={"contacts": [CONTACT]})  # must never be reached
    rsps.assert_all_requests_are_fired = False
    with pytest.raises(BillyConnectionError) as info:
        client.create("contacts", {"name": "Acme ApS"})
    assert info.value.maybe_applied is True
    assert "may have been saved in Billy" in str(info.value)
    assert "(POST /contacts)" in str(info.value)
    assert len(rsps.calls) == 1
    assert sleep.calls == []


def test_post_read_timeout_may_have_been_applied(rsps):
    client, sleep = make_client()
    rsps.post(f"{BASE}/contacts", body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(BillyTimeoutError) as info:
        client.create("contacts", {"name": "Acme ApS"})
    assert info.value.maybe_applied is True
    assert str(info.value).startswith("Billy did not answer within 30 s (POST /contacts).")
    assert len(rsps.calls) == 1
    assert sleep.calls == []


def test_post_refused_connection_was_not_applied(rsps):
    client, sleep = make_client()
    rsps.post(f"{BASE}/contacts", body=refused_connection())
    with pytest.raises(BillyConnectionError) as info:
        client.create("contacts", {"name": "Acme ApS"})
    assert info.value.maybe_applied is False
    assert len(rsps.calls) == 1
    assert sleep.calls == []


def test_request_post_is_not_retried_either(rsps):
    client, sleep = make_client()
    rsps.post(f"{BASE}/invoices/i1/emails", status=500)
    with pytest.raises(BillyServerError):
        client.request("post", "/invoices/i1/emails", body={"email": {}})
    assert len(rsps.calls) == 1
    assert sleep.calls == []


def test_put_is_retried_after_a_dropped_connection(rsps):
    client, sleep = make_client()
    rsps.put(f"{BASE}/contacts/c1", body=dropped_connection())
    rsps.put(f"{BASE}/contacts/c1", json={"contacts": [CONTACT]})
    result = client.update("contacts", "c1", {"name": "Acme ApS"})
    assert result.record == CONTACT
    assert len(rsps.calls) == 2
    assert len(sleep.calls) == 1
    # the same body went out both times
    assert rsps.calls[0].request.body == rsps.calls[1].request.body


def test_put_exhausted_on_dropped_connections_may_have_been_applied(rsps):
    client, _ = make_client(max_retries=1)
    rsps.put(f"{BASE}/contacts/c1", body=dropped_connection())
    rsps.put(f"{BASE}/contacts/c1", body=refused_connection())
    with pytest.raises(BillyConnectionError) as info:
        client.update("contacts", "c1", {"name": "Acme ApS"})
    # the last attempt never left, but the first one may have reached Billy
    assert info.value.maybe_applied is True


def test_delete_is_retried_on_500(rsps):
    client, sleep = make_client()
    rsps.delete(f"{BASE}/contacts/c1", status=500)
    rsps.delete(f"{BASE}/contacts/c1", json={"meta": {"deletedRecords": {"contacts": ["c1"]}}})
    result = client.delete("contacts", "c1")
    assert result.deleted == {"contacts": ["c1"]}
    assert len(rsps.calls) == 2
    assert len(sleep.calls) == 1


@pytest.mark.parametrize(
    ("status", "code", "error_class"),
    [
        (404, "RECORD_NOT_FOUND", BillyNotFoundError),
        (422, None, BillyValidationError),
        (400, "INVALID_RECORD", BillyValidationError),
    ],
)
def test_client_errors_are_not_retried(rsps, status, code, error_class):
    client, sleep = make_client()
    rsps.put(f"{BASE}/contacts/c1", status=status, json=error_body(status, code, "No"))
    with pytest.raises(error_class):
        client.update("contacts", "c1", {"name": ""})
    assert len(rsps.calls) == 1
    assert sleep.calls == []


def test_a_request_that_cannot_be_built_is_neither_sent_nor_retried():
    client, sleep = make_client(base_url="ftp://billy.test/v2")
    with pytest.raises(BillyConnectionError) as info:
        client.create("contacts", {"name": "Acme ApS"})
    assert info.value.maybe_applied is False
    assert "the request is invalid" in str(info.value)
    with pytest.raises(BillyConnectionError):
        client.get("contacts", "c1")
    assert sleep.calls == []


def test_counting_retries_counts_each_wait_of_every_client(rsps):
    first, _sleep = make_client()
    second, _sleep = make_client()
    rsps.get(f"{BASE}/contacts/c1", status=503, json=error_body(503))
    rsps.get(f"{BASE}/contacts/c1", status=429, headers={"Retry-After": "0"})
    rsps.get(f"{BASE}/contacts/c1", json={"contact": CONTACT})
    with counting_retries() as counter:
        first.get("contacts", "c1")
        second.get("contacts", "c1")  # answered at once (the last answer repeats): no retry
    assert counter.retries == 2
