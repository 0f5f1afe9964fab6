"""billy_connector/sync/connection.py: which errors stop a run, and what the status says."""

import pytest

from billy_api import (
    BillyAuthenticationError,
    BillyConnectionError,
    BillyMalformedResponseError,
    BillyNotFoundError,
    BillyRateLimitError,
    BillyServerError,
    BillyTimeoutError,
    BillyValidationError,
)
from billy_connector.sync import connection


class Env:
    """env._ as Odoo's, without translations."""

    @staticmethod
    def _(text, *args, **kwargs):
        return text % (args or kwargs) if args or kwargs else text


@pytest.mark.parametrize(
    ("error", "stops"),
    [
        (BillyAuthenticationError(401, method="GET", path="/contacts"), True),
        (BillyAuthenticationError(403, method="GET", path="/contacts"), True),
        (BillyConnectionError(method="POST", path="/contacts", detail="refused"), True),
        (BillyTimeoutError(method="GET", path="/contacts", timeout=5, phase="connect"), True),
        (BillyTimeoutError(method="GET", path="/contacts", timeout=30), True),
        # the write went out: its record is in doubt, not the connection
        (BillyConnectionError(method="POST", path="/contacts", maybe_applied=True), False),
        (BillyTimeoutError(method="PUT", path="/contacts/1", maybe_applied=True), False),
        # unavailable after the client's retries (GET, PUT, DELETE are retried)
        (BillyServerError(503, method="GET", path="/contacts"), True),
        (BillyServerError(502, method="PUT", path="/contacts/1"), True),
        # a write the client does not send twice, or Billy's bug with one record
        (BillyServerError(503, method="POST", path="/contacts"), False),
        (BillyServerError(503, method="PATCH", path="/contacts"), False),
        (BillyServerError(500, method="GET", path="/contacts/1"), False),
        (BillyRateLimitError(429, method="POST", path="/contacts"), False),
        (BillyValidationError(422, method="POST", path="/contacts"), False),
        (BillyNotFoundError(404, method="GET", path="/contacts/1"), False),
        (BillyMalformedResponseError(200, method="POST", path="/contacts"), False),
        (ValueError("not Billy's"), False),
    ],
)
def test_which_errors_are_the_connection_s(error, stops):
    assert connection.is_connection_error(error) is stops


def text_of(error):
    return connection.connection_text(Env(), *connection.reason_of(error))


def test_a_bad_key_says_where_to_fix_it():
    text = text_of(BillyAuthenticationError(401, method="GET", path="/organization"))
    assert "API key" in text
    assert "Settings → Billy" in text
    assert "denied" in text_of(BillyAuthenticationError(403))


def test_unreachable_names_the_call_and_where_to_look():
    error = BillyConnectionError(method="GET", path="/contacts", detail="refused")
    assert connection.reason_of(error) == ("unreachable", {"call": "GET /contacts"})
    assert text_of(error).startswith("Billy did not answer (GET /contacts): check the network")


def test_unavailable_and_other_errors():
    unavailable = BillyServerError(503, method="GET", path="/contacts")
    assert "HTTP 503, GET /contacts" in text_of(unavailable)
    error = BillyNotFoundError(404, method="GET", path="/contacts")
    assert connection.reason_of(error)[0] == "billy_error"
    assert text_of(error) == error.user_message


def test_connected_with_and_without_a_name():
    env = Env()
    assert connection.connection_text(env, "connected", {"organization": "X ApS"}) == (
        "Connected to X ApS"
    )
    assert connection.connection_text(env, "connected", {}) == "Connected to Billy"
    assert connection.connection_text(env, "no_key", None).startswith("Billy is not connected")


class Client:
    def __init__(self, error=None):
        self.error = error
        self.base_url = "http://billy"

    def get(self, resource, record_id):
        if self.error:
            raise self.error
        return {"id": record_id}


def test_the_watched_client_knows_whether_billy_answered():
    watched = connection.WatchedClient(Client())
    assert not watched.answered
    assert watched.base_url == "http://billy"
    assert watched.get("contacts", "1") == {"id": "1"}
    assert watched.answered

    down = connection.WatchedClient(Client(BillyConnectionError(method="GET", path="/x")))
    with pytest.raises(BillyConnectionError):
        down.get("contacts", "1")
    assert not down.answered

    refusing = connection.WatchedClient(Client(BillyNotFoundError(404)))
    with pytest.raises(BillyNotFoundError):
        refusing.get("contacts", "1")
    assert refusing.answered  # Billy answered: the connection works
