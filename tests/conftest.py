"""Shared fixtures: a Billy sandbox on 127.0.0.1 (free port) and a tiny HTTP helper for it."""

import pytest
import requests
import responses

from billy_api.sandbox import SandboxServer

SANDBOX_TOKEN = "tok"
SANDBOX_OTHER_TOKEN = "tok2"


class SandboxApi:
    """``requests`` against one sandbox with one token; every call returns the Response."""

    def __init__(self, server, token=SANDBOX_TOKEN):
        self.server = server
        self.token = token
        self.session = requests.Session()

    def _headers(self, token):
        token = self.token if token is ... else token
        return {"X-Access-Token": token} if token else {}

    def request(self, method, path, params=None, json=None, data=None, token=...):
        return self.session.request(
            method,
            self.server.url + path,
            params=params,
            json=json,
            data=data,
            headers=self._headers(token),
            timeout=30,
        )

    def get(self, path, params=None, **kw):
        return self.request("GET", path, params=params, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self.request("PUT", path, json=json, **kw)

    def delete(self, path, params=None, **kw):
        return self.request("DELETE", path, params=params, **kw)

    def control(self, method, path, json=None):
        return self.session.request(method, self.server.control_url + path, json=json, timeout=60)

    # -- shortcuts that assert success ----------------------------------------------------------
    def create(self, plural, singular, record):
        response = self.post(f"/{plural}", json={singular: record})
        assert response.status_code == 200, response.text
        return response.json()[plural][0]

    def update(self, plural, singular, record_id, values):
        response = self.put(f"/{plural}/{record_id}", json={singular: values})
        assert response.status_code == 200, response.text
        return response.json()

    def fetch(self, plural, singular, record_id, include=None):
        params = {"include": include} if include else None
        response = self.get(f"/{plural}/{record_id}", params=params)
        assert response.status_code == 200, response.text
        return response.json()[singular]

    def reference(self, plural, name):
        records = self.get(f"/{plural}").json()[plural]
        return next(r for r in records if r["name"] == name)

    def contact(self, **values):
        return self.create(
            "contacts", "contact", {"name": "Ninjas ApS", "countryId": "DK", **values}
        )

    def product(self, **values):
        return self.create("products", "product", {"name": "Vinduespudsning", **values})

    def invoice(self, contact_id, lines, **values):
        record = {"contactId": contact_id, "entryDate": "2016-12-23", "currencyId": "DKK"}
        record.update(values)
        record["lines"] = lines
        return self.create("invoices", "invoice", record)

    def bank_account_id(self):
        return self.reference("accounts", "Bank")["id"]


# pytest-odoo (installed for the addon) adds autouse fixtures that need an Odoo database; the
# tests here are pure Python, so the same names are overridden with no-ops.
@pytest.fixture(scope="session")
def load_registry():
    yield


@pytest.fixture(scope="session")
def load_http():
    yield


@pytest.fixture(scope="module")
def enable_odoo_test_flag():
    yield


@pytest.fixture
def sandbox():
    with SandboxServer(
        tokens={SANDBOX_TOKEN: "Nordisk Demo ApS", SANDBOX_OTHER_TOKEN: "Anden Virksomhed ApS"},
        host="127.0.0.1",
        port=0,
    ) as server:
        yield server


@pytest.fixture
def api(sandbox):
    client = SandboxApi(sandbox)
    yield client
    client.session.close()


@pytest.fixture
def other_api(sandbox):
    client = SandboxApi(sandbox, SANDBOX_OTHER_TOKEN)
    yield client
    client.session.close()


@pytest.fixture
def rsps():
    """The client tests' mock of every HTTP call (responses)."""
    with responses.RequestsMock() as mock:
        yield mock
