"""Fault injection (latency, error, rate_limit, lost_response) and request statistics."""

import threading
import time

import pytest
import requests

CONTACT = {"contact": {"name": "Ninjas ApS", "countryId": "DK"}}


def test_latency_delays_and_concurrent_requests_overlap(api, sandbox):
    sandbox.set_faults([{"kind": "latency", "ms": 300, "path": "^/v2/contacts"}])
    started = time.perf_counter()
    assert api.get("/contacts").status_code == 200
    assert time.perf_counter() - started >= 0.3
    started = time.perf_counter()
    assert api.get("/organization").status_code == 200  # path does not match
    assert time.perf_counter() - started < 0.25

    results = []

    def worker():
        response = requests.get(
            sandbox.url + "/contacts", headers={"X-Access-Token": "tok"}, timeout=10
        )
        results.append(response.status_code)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 6
    assert time.perf_counter() - started < 1.2  # 6 x 300 ms would be 1.8 s in series
    assert sandbox.stats()["faults"]["latency"] == 7


def test_error_fault_answers_billy_error_without_applying(api, sandbox):
    sandbox.set_faults([{"kind": "error", "status": 503, "count": 1, "method": "POST"}])
    assert api.get("/contacts").status_code == 200  # method does not match
    response = api.post("/contacts", json=CONTACT)
    assert response.status_code == 503
    body = response.json()
    assert body["meta"] == {"statusCode": 503, "success": False}
    assert body["errorCode"] and body["errorMessage"]
    assert sandbox.store.count("contacts", "tok") == 0
    assert api.post("/contacts", json=CONTACT).status_code == 200  # count exhausted
    assert sandbox.stats()["faults"]["error"] == 1


def test_rate_limit_fault_sends_retry_after_without_applying(api, sandbox):
    sandbox.set_faults([{"kind": "rate_limit", "count": 2, "retry_after": 2}])
    for _ in range(2):
        response = api.post("/contacts", json=CONTACT)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "2"
        assert response.json()["meta"]["statusCode"] == 429
    assert sandbox.store.count("contacts", "tok") == 0
    assert api.post("/contacts", json=CONTACT).status_code == 200
    assert sandbox.stats()["faults"]["rate_limit"] == 2


def test_lost_response_applies_the_write_and_drops_the_connection(api, sandbox):
    sandbox.set_faults(
        [{"kind": "lost_response", "count": 1, "method": "POST", "path": "contacts"}]
    )
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(
            sandbox.url + "/contacts", json=CONTACT, headers={"X-Access-Token": "tok"}, timeout=10
        )
    contacts = api.get("/contacts").json()["contacts"]
    assert [c["name"] for c in contacts] == ["Ninjas ApS"]  # the write happened
    assert sandbox.stats()["faults"]["lost_response"] == 1


def test_rate_rules_are_seeded_and_reproducible(api, sandbox):
    def run():
        sandbox.set_faults([{"kind": "error", "rate": 0.3, "status": 500}], seed=7)
        return [api.get("/organization").status_code for _ in range(40)]

    first, second = run(), run()
    assert first == second
    assert 0 < first.count(500) < 40


def test_faults_over_the_control_endpoint(api, sandbox):
    response = api.control(
        "PUT", "/faults", json={"rules": [{"kind": "error", "status": 502, "rate": 1}], "seed": 1}
    )
    assert response.status_code == 200
    assert api.get("/contacts").status_code == 502
    assert api.control("GET", "/faults").json()["rules"][0]["kind"] == "error"
    assert api.control("DELETE", "/faults").status_code == 200
    assert api.get("/contacts").status_code == 200
    bad = api.control("PUT", "/faults", json={"rules": [{"kind": "meteor"}]})
    assert bad.status_code == 400
    assert api.control("GET", "/_nothing").status_code == 404


def test_control_endpoint_is_not_affected_by_faults(api, sandbox):
    sandbox.set_faults([{"kind": "error", "status": 503}])
    assert api.control("GET", "/stats").status_code == 200
    sandbox.clear_faults()
    assert api.get("/contacts").status_code == 200


def test_stats_count_requests_per_path_template(api, sandbox):
    contact = api.contact()
    api.get(f"/contacts/{contact['id']}")
    api.put(f"/contacts/{contact['id']}", json={"contact": {"name": "B"}})
    api.get("/contacts", params={"page": 1})
    sandbox.set_faults([{"kind": "rate_limit", "count": 1}])
    api.get("/organization")
    stats = api.control("GET", "/stats").json()
    assert stats["requests"] == {
        "POST /v2/contacts": 1,
        "GET /v2/contacts/:id": 1,
        "PUT /v2/contacts/:id": 1,
        "GET /v2/contacts": 1,
        "GET /v2/organization": 1,
    }
    assert stats["total"] == 5
    assert stats["faults"] == {
        "latency": 0,
        "error": 0,
        "rate_limit": 1,
        "lost_response": 0,
        "malformed": 0,
    }
    assert api.control("DELETE", "/stats").json()["total"] == 0
    assert sandbox.stats()["requests"] == {}
    api.get("/contacts")
    sandbox.reset_stats()
    assert sandbox.stats()["total"] == 0
