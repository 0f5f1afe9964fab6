"""Billy's error answers become typed errors with readable messages."""

import pickle

import pytest
import requests
from client_support import (  # load_registry: see client_support
    BASE,
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


def test_error_hierarchy():
    for cls in (
        BillyAuthenticationError,
        BillyNotFoundError,
        BillyValidationError,
        BillyRateLimitError,
        BillyServerError,
        BillyConnectionError,
        BillyMalformedResponseError,
        BillyRequestError,
    ):
        assert issubclass(cls, BillyError)
    assert issubclass(BillyTimeoutError, BillyConnectionError)


def test_401_is_authentication_error_and_not_retried(rsps):
    client, sleep = make_client()
    rsps.get(
        f"{BASE}/contacts",
        status=401,
        json=error_body(401, "OAUTH_INVALID_ACCESS_TOKEN", "Invalid OAuth 2 access token."),
    )
    with pytest.raises(BillyAuthenticationError) as info:
        list(client.list("contacts"))
    error = info.value
    assert error.status == 401
    assert error.error_code == "OAUTH_INVALID_ACCESS_TOKEN"
    assert error.error_message == "Invalid OAuth 2 access token."
    assert (error.method, error.path) == ("GET", "/contacts")
    assert str(error) == error.user_message
    assert str(error).startswith("Billy did not accept the access token (GET /contacts, HTTP 401")
    assert "Invalid OAuth 2 access token." in str(error)
    assert len(rsps.calls) == 1
    assert sleep.calls == []


def test_403_is_authentication_error(rsps):
    client, _ = make_client()
    rsps.get(f"{BASE}/organization", status=403, json=error_body(403, "FORBIDDEN", "No access."))
    with pytest.raises(BillyAuthenticationError) as info:
        client.get_organization()
    assert info.value.status == 403
    assert str(info.value).startswith("Billy denied access")


def test_404_is_not_found(rsps):
    client, sleep = make_client()
    message = "No `contact` record with id `abc` was found."
    rsps.get(f"{BASE}/contacts/abc", status=404, json=error_body(404, "RECORD_NOT_FOUND", message))
    with pytest.raises(BillyNotFoundError) as info:
        client.get("contacts", "abc")
    assert info.value.error_code == "RECORD_NOT_FOUND"
    assert info.value.path == "/contacts/abc"
    assert message in str(info.value)
    assert len(rsps.calls) == 1
    assert sleep.calls == []


def test_422_is_validation_error_with_readable_message(rsps):
    client, _ = make_client()
    validation = {
        "contact": {"attributes": {"countryId": "This field must not be blank."}},
    }
    rsps.post(
        f"{BASE}/contacts",
        status=422,
        json=error_body(422, None, "Validation failed", validation),
    )
    with pytest.raises(BillyValidationError) as info:
        client.create("contacts", {"name": "Acme"})
    error = info.value
    assert error.status == 422
    assert error.validation_errors == validation
    assert str(error) == "Billy rejected the contact: countryId: This field must not be blank."
    assert error.user_message == str(error)


def test_validation_message_lists_record_message_and_every_field(rsps):
    client, _ = make_client()
    validation = {
        # keyed by a client id, not the root name: the record name comes from the path
        "c1": {
            "message": "The contact is incomplete.",
            "attributes": {"name": "This field must not be blank.", "countryId": "Unknown."},
        }
    }
    rsps.put(f"{BASE}/contacts/x1", status=422, json=error_body(422, None, "Bad", validation))
    with pytest.raises(BillyValidationError) as info:
        client.update("contacts", "x1", {"name": ""})
    assert str(info.value) == (
        "Billy rejected the contact: The contact is incomplete; "
        "name: This field must not be blank; countryId: Unknown."
    )


def test_400_invalid_record_is_validation_error(rsps):
    client, _ = make_client()
    validation = {"invoice": {"message": "Invoices must have at least one invoice line."}}
    rsps.post(
        f"{BASE}/invoices",
        status=400,
        json=error_body(400, "INVALID_RECORD", "Invalid record", validation),
    )
    with pytest.raises(BillyValidationError) as info:
        client.create("invoices", {"contactId": "c1"})
    assert info.value.status == 400
    assert info.value.error_code == "INVALID_RECORD"
    assert (
        str(info.value)
        == "Billy rejected the invoice: Invoices must have at least one invoice line."
    )


def test_validation_without_details_uses_error_message(rsps):
    client, _ = make_client()
    rsps.post(f"{BASE}/products", status=422, json=error_body(422, None, "Name is taken"))
    with pytest.raises(BillyValidationError) as info:
        client.create("products", {"name": "X"})
    assert str(info.value) == "Billy rejected the product: Name is taken."


def test_other_400_is_request_error_not_validation(rsps):
    client, _ = make_client()
    message = "Request body should consist of a JSON document with an object as root."
    rsps.post(f"{BASE}/contacts", status=400, json=error_body(400, "INVALID_REQUEST_BODY", message))
    with pytest.raises(BillyRequestError) as info:
        client.create("contacts", {})
    assert not isinstance(info.value, BillyValidationError)
    assert info.value.error_code == "INVALID_REQUEST_BODY"
    assert message in str(info.value)


def test_405_is_request_error_and_delete_not_retried_on_4xx(rsps):
    client, sleep = make_client()
    rsps.delete(
        f"{BASE}/bankPayments/p1",
        status=405,
        json=error_body(405, "METHOD_NOT_ALLOWED", "Method not allowed."),
    )
    with pytest.raises(BillyRequestError) as info:
        client.delete("bankPayments", "p1")
    assert str(info.value) == (
        "Billy refused the request (DELETE /bankPayments/p1, HTTP 405, METHOD_NOT_ALLOWED): "
        "Method not allowed."
    )
    assert len(rsps.calls) == 1
    assert sleep.calls == []


def test_429_is_rate_limit_error_with_retry_after(rsps):
    client, _ = make_client(max_retries=0)
    rsps.get(f"{BASE}/contacts", status=429, json=error_body(429), headers={"Retry-After": "7"})
    with pytest.raises(BillyRateLimitError) as info:
        list(client.list("contacts"))
    assert info.value.retry_after == 7.0
    assert "wait 7 s" in str(info.value)


def test_429_retry_after_as_http_date(rsps):
    client, _ = make_client(max_retries=0)
    rsps.get(
        f"{BASE}/contacts",
        status=429,
        body="slow down",
        headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"},
    )
    with pytest.raises(BillyRateLimitError) as info:
        list(client.list("contacts"))
    assert info.value.retry_after == 0.0  # a date in the past: no wait left


def test_429_without_retry_after(rsps):
    client, _ = make_client(max_retries=0)
    rsps.get(f"{BASE}/contacts", status=429)
    with pytest.raises(BillyRateLimitError) as info:
        list(client.list("contacts"))
    assert info.value.retry_after is None


def test_500_is_server_error(rsps):
    client, _ = make_client(max_retries=0)
    rsps.get(
        f"{BASE}/contacts",
        status=500,
        json=error_body(500, "INTERNAL_ERROR", "Something happended on the server"),
    )
    with pytest.raises(BillyServerError) as info:
        list(client.list("contacts"))
    assert info.value.status == 500
    assert info.value.error_code == "INTERNAL_ERROR"
    assert "Billy had an error on its side (GET /contacts, HTTP 500" in str(info.value)


def test_502_with_html_body_is_still_a_server_error(rsps):
    client, _ = make_client(max_retries=0)
    rsps.get(f"{BASE}/contacts", status=502, body="<html>Bad Gateway</html>")
    with pytest.raises(BillyServerError) as info:
        list(client.list("contacts"))
    assert info.value.status == 502
    assert info.value.error_message is None
    assert "<html>" not in str(info.value)


def test_redirect_is_not_followed(rsps):
    client, _ = make_client()
    rsps.get(f"{BASE}/contacts", status=302, headers={"Location": "https://elsewhere.test/steal"})
    with pytest.raises(BillyRequestError) as info:
        list(client.list("contacts"))
    assert info.value.status == 302
    assert len(rsps.calls) == 1  # the token was not carried to elsewhere.test


def test_connection_refused_is_connection_error(rsps):
    client, _ = make_client(max_retries=0)
    rsps.get(f"{BASE}/contacts", body=refused_connection())
    with pytest.raises(BillyConnectionError) as info:
        list(client.list("contacts"))
    error = info.value
    assert not isinstance(error, BillyTimeoutError)
    assert error.maybe_applied is False
    assert error.status is None
    assert str(error) == (
        "Could not connect to Billy (GET /contacts): the connection was refused. "
        "Check the network and try again."
    )
    assert error.__cause__ is None  # the requests exception is not chained (token hygiene)


def test_read_timeout_message(rsps):
    client, _ = make_client(max_retries=0)
    rsps.get(f"{BASE}/contacts", body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(BillyTimeoutError) as info:
        list(client.list("contacts"))
    assert info.value.timeout == 30.0
    assert info.value.maybe_applied is False  # a GET changes nothing
    assert str(info.value) == "Billy did not answer within 30 s (GET /contacts)."


def test_connect_timeout_message_uses_connect_timeout(rsps):
    client, _ = make_client(max_retries=0, connect_timeout=2.5)
    rsps.get(f"{BASE}/contacts", body=requests.exceptions.ConnectTimeout("connect timed out"))
    with pytest.raises(BillyTimeoutError) as info:
        list(client.list("contacts"))
    assert info.value.timeout == 2.5
    assert str(info.value) == "Could not connect to Billy within 2.5 s (GET /contacts)."


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("<html>maintenance</html>", "the body is not JSON"),
        ("[1, 2]", "the JSON root is not an object"),
        ('{"meta": {"statusCode": 200}}', "the answer has no `contacts` list"),
        ('{"contacts": {"id": "c1"}}', "`contacts` is not a list"),
        ('{"contacts": ["c1"]}', "`contacts` holds something else than records"),
        ('{"contacts": [], "meta": {"paging": {"pageCount": "many"}}}', "pageCount"),
        ('{"contacts": [], "meta": []}', "`meta` is not an object"),
    ],
)
def test_malformed_list_answers(rsps, body, detail):
    client, sleep = make_client()
    rsps.get(f"{BASE}/contacts", body=body, content_type="application/json")
    with pytest.raises(BillyMalformedResponseError) as info:
        list(client.list("contacts"))
    assert detail in str(info.value)
    assert str(info.value).startswith("Billy sent an answer the connector could not understand")
    assert sleep.calls == []  # a malformed answer is not retried


@pytest.mark.parametrize(
    "body",
    ['{"meta": {}}', '{"contact": ["c1"]}', '{"contact": "c1"}', '{"contacts": "c1"}'],
)
def test_malformed_single_record_answers(rsps, body):
    client, _ = make_client()
    rsps.get(f"{BASE}/contacts/c1", body=body, content_type="application/json")
    with pytest.raises(BillyMalformedResponseError):
        client.get("contacts", "c1")


def test_malformed_answer_to_post_may_have_been_applied(rsps):
    client, _ = make_client()
    rsps.post(f"{BASE}/contacts", body="OK", status=200)
    with pytest.raises(BillyMalformedResponseError) as info:
        client.create("contacts", {"name": "Acme"})
    assert info.value.maybe_applied is True
    assert "may have been saved in Billy" in str(info.value)


def test_post_answer_without_the_created_record_is_malformed(rsps):
    client, _ = make_client()
    rsps.post(f"{BASE}/contacts", json={"meta": {"success": True}, "contactPersons": []})
    with pytest.raises(BillyMalformedResponseError) as info:
        client.create("contacts", {"name": "Acme"})
    assert info.value.maybe_applied is True


def test_request_returns_non_object_root_as_malformed(rsps):
    client, _ = make_client()
    rsps.get(f"{BASE}/organization", json="hello")
    with pytest.raises(BillyMalformedResponseError):
        client.request("GET", "/organization")


def test_errors_survive_pickling():
    error = BillyValidationError(
        422,
        None,
        "Invalid",
        {"contact": {"attributes": {"countryId": "This field must not be blank."}}},
        "POST",
        "/contacts",
    )
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is BillyValidationError
    assert copy.validation_errors == error.validation_errors
    assert str(copy) == str(error)
    timeout = pickle.loads(pickle.dumps(BillyTimeoutError(method="GET", path="/x", timeout=3)))
    assert str(timeout) == "Billy did not answer within 3 s (GET /x)."


def test_error_constructor_is_positional_as_in_the_contract():
    error = BillyNotFoundError(404, "RECORD_NOT_FOUND", "Gone", None, "GET", "/contacts/x")
    assert (error.status, error.error_code, error.error_message) == (
        404,
        "RECORD_NOT_FOUND",
        "Gone",
    )
    assert error.validation_errors == {}
    assert (error.method, error.path) == ("GET", "/contacts/x")
    assert "BillyNotFoundError(status=404" in repr(error)


def test_validation_message_does_not_repeat_what_the_record_message_says(rsps):
    client, _ = make_client()
    validation = {
        "invoice": {
            "message": "The invoice has invalid values: entryDate: This field must not be blank.",
            "attributes": {
                "entryDate": "This field must not be blank.",
                "lines": "The invoice has invalid values: entryDate: This field must not be blank.",
                "contactId": "No `contact` record with id `x` exists.",
            },
        }
    }
    rsps.post(f"{BASE}/invoices", status=422, json=error_body(422, None, "Bad", validation))
    with pytest.raises(BillyValidationError) as info:
        client.create("invoices", {"contactId": "x"})
    assert str(info.value) == (
        "Billy rejected the invoice: The invoice has invalid values: entryDate: This field must "
        "not be blank; contactId: No `contact` record with id `x` exists."
    )
