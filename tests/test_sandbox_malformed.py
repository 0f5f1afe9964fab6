"""The "malformed" fault: the request is applied, the answer arrives cut off."""

import pytest

from billy_api import BillyClient, BillyMalformedResponseError


def test_malformed_answer_applies_the_write_and_truncates_the_json(api, sandbox):
    sandbox.set_faults([{"kind": "malformed", "count": 1, "method": "POST", "path": "contacts"}])
    org_id = api.get("/organization").json()["organization"]["id"]
    response = api.post(
        "/contacts", json={"contact": {"organizationId": org_id, "name": "Cut", "countryId": "DK"}}
    )
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    assert [c["name"] for c in api.get("/contacts").json()["contacts"]] == ["Cut"]
    assert sandbox.stats()["faults"]["malformed"] == 1


def test_client_reports_a_cut_answer_as_maybe_applied(sandbox):
    client = BillyClient("tok-long-enough-to-redact", base_url=sandbox.url, max_retries=0)
    sandbox.add_token("tok-long-enough-to-redact", "Cut ApS")
    org_id = client.get_organization()["id"]
    sandbox.set_faults([{"kind": "malformed", "count": 1, "method": "POST"}])
    with pytest.raises(BillyMalformedResponseError) as raised:
        client.create("products", {"organizationId": org_id, "name": "Halv"})
    assert raised.value.maybe_applied
    assert [p["name"] for p in client.list("products")] == ["Halv"]
