"""Shared helpers of the tests/test_client_*.py files (no network: `responses` mocks HTTP)."""

import http.client

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from billy_api import BillyClient


@pytest.fixture(scope="session")
def load_registry():
    """Neutralise pytest-odoo's autouse fixture of the same name for the client tests.

    The machine has the pytest-odoo plugin installed; its session fixture ``load_registry``
    needs an Odoo database.  The client is pure Python, so each test_client_* module imports
    this no-op under the same name, which takes precedence over the plugin's.
    """
    yield


BASE = "https://billy.test/v2"
TOKEN = "tok-3f9a1c7e-SECRET-b2d4"


class FakeSleep:
    """Records the delays the client asks for instead of waiting."""

    def __init__(self):
        self.calls = []

    def __call__(self, seconds):
        self.calls.append(seconds)


def make_client(**kwargs):
    sleep = FakeSleep()
    kwargs.setdefault("base_url", BASE)
    client = BillyClient(TOKEN, sleep=sleep, **kwargs)
    return client, sleep


def error_body(status, code=None, message=None, validation_errors=None):
    body = {"meta": {"statusCode": status, "success": False}}
    if code is not None:
        body["errorCode"] = code
    if message is not None:
        body["errorMessage"] = message
    if validation_errors is not None:
        body["validationErrors"] = validation_errors
    return body


def dropped_connection():
    """What requests raises when the server closes the socket after the request was sent."""
    cause = ProtocolError(
        "Connection aborted.", http.client.RemoteDisconnected("Remote end closed connection")
    )
    return requests.exceptions.ConnectionError(cause)


def refused_connection():
    """What requests raises when nothing listens on the port (the request never left)."""
    reason = NewConnectionError(None, "Failed to establish a new connection: Connection refused")
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/v2/contacts", reason))
