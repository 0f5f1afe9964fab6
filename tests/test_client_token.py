"""The access token only ever travels in the X-Access-Token header."""

import logging
import pickle
import traceback

import pytest
import requests
from client_support import (  # load_registry: see client_support
    BASE,
    TOKEN,
    dropped_connection,
    error_body,
    load_registry,  # noqa: F401
    make_client,
    refused_connection,
)

from billy_api import (
    BillyAuthenticationError,
    BillyConnectionError,
    BillyError,
    BillyMalformedResponseError,
    BillyNotFoundError,
    BillyRateLimitError,
    BillyRequestError,
    BillyServerError,
    BillyTimeoutError,
    BillyValidationError,
)


def assert_clean(error):
    texts = [
        str(error),
        repr(error),
        error.user_message,
        repr(error.args),
        repr(vars(error)),
        "".join(traceback.format_exception(error)),
        str(pickle.loads(pickle.dumps(error))),
    ]
    for text in texts:
        assert TOKEN not in text


def test_repr_and_str_of_the_client_hide_the_token():
    client, _ = make_client()
    assert TOKEN not in repr(client)
    assert TOKEN not in str(client)
    assert repr(client) == f"BillyClient(base_url='{BASE}')"


def test_token_is_only_in_the_header(rsps):
    client, _ = make_client()
    rsps.get(f"{BASE}/contacts", json={"contacts": [{"id": "c1"}]})
    rsps.post(f"{BASE}/contacts", json={"contacts": [{"id": "c2"}]})
    list(client.list("contacts", params={"organizationId": "o1"}))
    client.create("contacts", {"name": "Acme"})
    for call in rsps.calls:
        assert TOKEN not in call.request.url
        assert TOKEN not in (call.request.body or b"").decode()
        assert call.request.headers["X-Access-Token"] == TOKEN


# Billy echoing the token back is unlikely, but an error text must stay clean even then.
ECHO = f"Invalid OAuth 2 access token {TOKEN}."


@pytest.mark.parametrize(
    ("kwargs", "error_class"),
    [
        (
            {"status": 401, "json": error_body(401, "OAUTH_INVALID_ACCESS_TOKEN", ECHO)},
            BillyAuthenticationError,
        ),
        ({"status": 403, "json": error_body(403, None, ECHO)}, BillyAuthenticationError),
        ({"status": 404, "json": error_body(404, "RECORD_NOT_FOUND", ECHO)}, BillyNotFoundError),
        (
            {
                "status": 422,
                "json": error_body(422, None, ECHO, {"contact": {"attributes": {"name": ECHO}}}),
            },
            BillyValidationError,
        ),
        ({"status": 400, "json": error_body(400, "INVALID_RECORD", ECHO)}, BillyValidationError),
        ({"status": 405, "json": error_body(405, TOKEN, ECHO)}, BillyRequestError),
        ({"status": 429, "json": error_body(429, None, ECHO)}, BillyRateLimitError),
        ({"status": 500, "json": error_body(500, None, ECHO)}, BillyServerError),
        ({"status": 200, "body": f"not json {TOKEN}"}, BillyMalformedResponseError),
        ({"body": refused_connection()}, BillyConnectionError),
        ({"body": dropped_connection()}, BillyConnectionError),
        ({"body": requests.exceptions.ReadTimeout(f"timeout {TOKEN}")}, BillyTimeoutError),
        ({"body": requests.exceptions.ConnectTimeout("connect")}, BillyTimeoutError),
    ],
)
def test_no_error_reveals_the_token(rsps, kwargs, error_class):
    client, _ = make_client(max_retries=0)
    rsps.put(f"{BASE}/contacts/c1", **kwargs)
    with pytest.raises(BillyError) as info:
        client.update("contacts", "c1", {"name": "x"})
    assert type(info.value) is error_class
    assert_clean(info.value)


def test_logs_carry_method_path_status_attempt_but_never_the_token(rsps, caplog):
    caplog.set_level(logging.DEBUG)
    client, _ = make_client(max_retries=2)
    rsps.get(f"{BASE}/contacts/c1", status=503, json=error_body(503, None, ECHO))
    rsps.get(f"{BASE}/contacts/c1", body=dropped_connection())
    rsps.get(f"{BASE}/contacts/c1", json={"contact": {"id": "c1"}})
    rsps.post(f"{BASE}/contacts", status=422, json=error_body(422, None, ECHO))
    rsps.get(f"{BASE}/organization", status=401, json=error_body(401, None, ECHO))

    client.get("contacts", "c1")
    with pytest.raises(BillyValidationError):
        client.create("contacts", {"name": TOKEN[:3]})
    with pytest.raises(BillyAuthenticationError):
        client.get_organization()

    assert TOKEN not in caplog.text
    records = [r for r in caplog.records if r.name == "billy_api.client"]
    messages = [r.getMessage() for r in records]
    assert any("GET /contacts/c1 -> 503" in m and "attempt 1/3" in m for m in messages)
    assert any("GET /contacts/c1 -> 200" in m and "attempt 3/3" in m for m in messages)
    assert any("POST /contacts -> 422" in m and "attempt 1/1" in m for m in messages)
    assert any("GET /organization -> 401" in m for m in messages)
    assert any(" ms " in m for m in messages)  # duration
    assert any("ConnectionError" in m and "attempt 2/3" in m for m in messages)


def test_token_is_not_an_attribute_shown_by_vars_of_errors_or_pages(rsps):
    client, _ = make_client()
    rsps.get(f"{BASE}/contacts", json={"contacts": [{"id": "c1"}]})
    page = next(client.iter_pages("contacts"))
    assert TOKEN not in repr(page)
