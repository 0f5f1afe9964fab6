"""Invoices as Billy keeps them: totals, terms, approval, credit notes."""

import threading

import pytest
import requests

from billy_api.sandbox import billing


@pytest.fixture
def setup(api):
    return api.contact(), api.product()


def test_excl_fixture_300_gives_75(api, setup):
    contact, product = setup
    body = api.post(
        "/invoices",
        json={
            "invoice": {
                "contactId": contact["id"],
                "entryDate": "2016-12-23",
                "currencyId": "DKK",
                "lines": [{"productId": product["id"], "quantity": 1, "unitPrice": 300}],
            }
        },
    ).json()
    invoice, line = body["invoices"][0], body["invoiceLines"][0]
    assert invoice["taxMode"] == "excl"  # the organization's defaultTaxMode
    assert (invoice["amount"], invoice["tax"], invoice["grossAmount"]) == (300, 75, 375)
    assert invoice["balance"] == 375 and invoice["isPaid"] is False
    assert (line["amount"], line["tax"]) == (300, 75)
    rate = api.reference("taxRates", "Salgsmoms 25%")
    assert line["taxRateId"] == rate["id"]
    assert invoice["state"] == "draft" and invoice["invoiceNo"] is None
    assert invoice["approvedTime"] is None
    assert invoice["exchangeRate"] == 1
    assert "lines" not in invoice
    assert (invoice["paymentTermsMode"], invoice["paymentTermsDays"]) == ("net", 8)
    assert invoice["dueDate"] == "2016-12-31"


def test_incl_fixture_123_345(api, setup):
    contact, product = setup
    invoice = api.invoice(
        contact["id"],
        [
            {"productId": product["id"], "description": "Alt udevendigt", "unitPrice": 123},
            {"productId": product["id"], "description": "Alt inde", "unitPrice": 345},
        ],
        taxMode="incl",
        paymentTermsMode="netEndOfMonth",
        paymentTermsDays=7,
        contactMessage="Husk at betale",
    )
    assert invoice["tax"] == 93.6
    assert invoice["amount"] == 374.4
    assert invoice["grossAmount"] == 468
    assert invoice["balance"] == 468
    assert invoice["dueDate"] == "2017-01-07"
    assert invoice["lineDescription"] == (
        "Vinduespudsning: Alt udevendigt, Vinduespudsning: Alt inde"
    )
    full = api.fetch("invoices", "invoice", invoice["id"], include="invoice.lines:embed")
    assert [(li["amount"], li["tax"], li["priority"]) for li in full["lines"]] == [
        (123, 24.6, 1),
        (345, 69, 2),
    ]
    assert full["downloadUrl"].endswith("/draft-invoice.pdf")


def test_percent_discount_rounds_the_discount_half_up(api, setup):
    contact, product = setup
    body = api.post(
        "/invoices",
        json={
            "invoice": {
                "contactId": contact["id"],
                "entryDate": "2024-05-01",
                "currencyId": "DKK",
                "taxMode": "incl",
                "lines": [
                    {
                        "productId": product["id"],
                        "quantity": 3,
                        "unitPrice": 99.95,
                        "discountMode": "percent",
                        "discountValue": 10,
                    }
                ],
            }
        },
    ).json()
    assert body["invoiceLines"][0]["amount"] == 269.86
    assert body["invoices"][0]["grossAmount"] == 269.86
    cash = api.invoice(
        contact["id"],
        [
            {
                "productId": product["id"],
                "unitPrice": 100,
                "discountMode": "cash",
                "discountValue": 15,
            }
        ],
    )
    assert (cash["amount"], cash["tax"]) == (85, 21.25)


def test_billing_module_half_up_and_due_dates():
    total = billing.invoice_total(
        [billing.LineInput(1, "0.125", rate=0), billing.LineInput(1, "0.005", rate=0)], "excl"
    )
    assert [billing.money(r.amount) for r in total.lines] == [0.13, 0.01]
    assert billing.due_date("2016-12-23", "net", 7) == "2016-12-30"
    assert billing.due_date("2023-07-05", "net", 8) == "2023-07-13"
    assert billing.due_date("2016-12-23", "netEndOfMonth", 7) == "2017-01-07"
    assert billing.due_date("2024-02-10", "netEndOfMonth", 0) == "2024-02-29"
    assert billing.due_date("2024-02-10", "date", None, "2024-03-01") == "2024-03-01"


def test_payment_terms_date_needs_due_date(api, setup):
    contact, product = setup
    lines = [{"productId": product["id"], "unitPrice": 1}]
    response = api.post(
        "/invoices",
        json={
            "invoice": {
                "contactId": contact["id"],
                "entryDate": "2024-01-01",
                "currencyId": "DKK",
                "paymentTermsMode": "date",
                "lines": lines,
            }
        },
    )
    assert "dueDate" in response.json()["validationErrors"]["invoice"]["attributes"]
    invoice = api.invoice(contact["id"], lines, paymentTermsMode="date", dueDate="2024-02-15")
    assert invoice["dueDate"] == "2024-02-15" and invoice["paymentTermsDays"] is None


def test_contact_payment_terms_apply_before_the_organization(api):
    contact = api.contact(paymentTermsMode="net", paymentTermsDays=30)
    product = api.product()
    invoice = api.invoice(
        contact["id"], [{"productId": product["id"], "unitPrice": 1}], entryDate="2024-01-01"
    )
    assert invoice["dueDate"] == "2024-01-31"


def test_invoice_validation(api, setup):
    contact, _product = setup
    response = api.post("/invoices", json={"invoice": {"contactId": contact["id"]}})
    assert response.status_code == 422
    errors = response.json()["validationErrors"]["invoice"]
    assert errors["message"] == "Invoices must have at least one invoice line."
    assert set(errors["attributes"]) == {"entryDate", "currencyId", "lines"}
    response = api.post(
        "/invoices",
        json={
            "invoice": {
                "contactId": "nope",
                "entryDate": "2024-01-01",
                "currencyId": "XXX",
                "lines": [{"productId": "nope"}],
            }
        },
    )
    body = response.json()["validationErrors"]
    assert set(body["invoice"]["attributes"]) == {"contactId", "currencyId"}
    assert set(body["invoiceLine"]["attributes"]) == {"productId", "unitPrice"}
    assert api.get("/invoices").json()["invoices"] == []


def test_approval_assigns_numbers_and_download_url(api, setup, sandbox):
    contact, product = setup
    lines = [{"productId": product["id"], "unitPrice": 300}]
    first = api.invoice(contact["id"], lines)
    second = api.invoice(contact["id"], lines)
    body = api.update("invoices", "invoice", second["id"], {"state": "approved"})
    approved = body["invoices"][0]
    assert approved["state"] == "approved" and approved["invoiceNo"] == "1"
    assert approved["approvedTime"] is not None
    assert approved["downloadUrl"].startswith(sandbox.url + "/downloads/invoices/")
    assert approved["downloadUrl"].endswith("/invoice-no-1.pdf")
    assert body["organizations"][0]["nextInvoiceNo"] == 2
    body = api.update("invoices", "invoice", first["id"], {"state": "approved"})
    assert body["invoices"][0]["invoiceNo"] == "2"
    created_approved = api.invoice(contact["id"], lines, state="approved")
    assert created_approved["invoiceNo"] == "3"
    assert api.get("/organization").json()["organization"]["nextInvoiceNo"] == 4
    pdf = requests.get(approved["downloadUrl"], timeout=10)
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and pdf.content.rstrip().endswith(b"%%EOF")
    assert requests.get(approved["downloadUrl"] + "x", timeout=10).status_code == 404


def test_approved_invoices_are_immutable(api, setup):
    contact, product = setup
    invoice = api.invoice(contact["id"], [{"productId": product["id"], "unitPrice": 10}])
    api.update("invoices", "invoice", invoice["id"], {"state": "approved"})
    for change in (
        {"entryDate": "2020-01-01"},
        {"lines": [{"productId": product["id"], "unitPrice": 1}]},
        {"invoiceNo": "99"},
        {"state": "draft"},
        {"contactMessage": "changed"},
    ):
        response = api.put(f"/invoices/{invoice['id']}", json={"invoice": change})
        assert response.status_code == 422, change
        assert "credit note" in response.json()["errorMessage"]
    # harmless no-op: same state, read-only fields
    response = api.put(
        f"/invoices/{invoice['id']}", json={"invoice": {"state": "approved", "amount": 1}}
    )
    assert response.status_code == 200
    assert api.delete(f"/invoices/{invoice['id']}").status_code == 422
    assert (
        api.post(
            "/invoiceLines",
            json={
                "invoiceLine": {
                    "invoiceId": invoice["id"],
                    "productId": product["id"],
                    "unitPrice": 1,
                }
            },
        ).status_code
        == 422
    )


def test_draft_update_replaces_lines_and_recomputes(api, setup):
    contact, product = setup
    body = api.post(
        "/invoices",
        json={
            "invoice": {
                "contactId": contact["id"],
                "entryDate": "2024-01-01",
                "currencyId": "DKK",
                "lines": [{"productId": product["id"], "unitPrice": 100}],
            }
        },
    ).json()
    invoice, old_line = body["invoices"][0], body["invoiceLines"][0]
    body = api.update(
        "invoices",
        "invoice",
        invoice["id"],
        {
            "entryDate": "2024-02-01",
            "lines": [
                {"productId": product["id"], "unitPrice": 200},
                {"productId": product["id"], "unitPrice": 50, "quantity": 2},
            ],
        },
    )
    assert body["meta"]["deletedRecords"] == {"invoiceLines": [old_line["id"]]}
    assert len(body["invoiceLines"]) == 2
    updated = body["invoices"][0]
    assert (updated["amount"], updated["tax"], updated["dueDate"]) == (300, 75, "2024-02-09")
    lines = api.get("/invoiceLines", params={"invoiceId": invoice["id"]}).json()["invoiceLines"]
    assert sorted(li["amount"] for li in lines) == [100, 200]
    # a contact can't change
    other = api.contact(name="Other")
    response = api.put(f"/invoices/{invoice['id']}", json={"invoice": {"contactId": other["id"]}})
    assert response.status_code == 422


def test_invoice_lines_crud_recomputes_the_invoice(api, setup):
    contact, product = setup
    invoice = api.invoice(contact["id"], [{"productId": product["id"], "unitPrice": 100}])
    body = api.post(
        "/invoiceLines",
        json={
            "invoiceLine": {"invoiceId": invoice["id"], "productId": product["id"], "unitPrice": 40}
        },
    ).json()
    line = body["invoiceLines"][0]
    assert line["priority"] == 2
    assert body["invoices"][0]["amount"] == 140
    body = api.update("invoiceLines", "invoiceLine", line["id"], {"quantity": 2})
    assert body["invoices"][0]["amount"] == 180
    body = api.delete(f"/invoiceLines/{line['id']}").json()
    assert body["invoices"][0]["amount"] == 100
    assert body["meta"]["deletedRecords"] == {"invoiceLines": [line["id"]]}


def test_delete_draft_invoice_deletes_lines(api, setup):
    contact, product = setup
    body = api.post(
        "/invoices",
        json={
            "invoice": {
                "contactId": contact["id"],
                "entryDate": "2024-01-01",
                "currencyId": "DKK",
                "lines": [{"productId": product["id"], "unitPrice": 1}],
            }
        },
    ).json()
    invoice_id, line_id = body["invoices"][0]["id"], body["invoiceLines"][0]["id"]
    deleted = api.delete(f"/invoices/{invoice_id}").json()["meta"]["deletedRecords"]
    assert deleted == {"invoices": [invoice_id], "invoiceLines": [line_id]}
    assert api.get(f"/invoiceLines/{line_id}").status_code == 404


def test_tax_follows_the_products_ruleset_and_rules(api):
    exempt = api.reference("salesTaxRulesets", "Momsfrit")
    rate_25 = api.reference("taxRates", "Salgsmoms 25%")
    rate_0 = api.reference("taxRates", "Momsfri 0%")
    eu = api.create(
        "salesTaxRulesets",
        "salesTaxRuleset",
        {
            "name": "EU reverse charge",
            "fallbackTaxRateId": rate_25["id"],
            "rules": [
                {"countryId": "DK", "taxRateId": rate_25["id"], "priority": 1},
                {"countryGroupId": "eu", "contactType": "company", "taxRateId": rate_0["id"]},
            ],
        },
    )
    german = api.contact(name="GmbH", countryId="DE")
    german_person = api.contact(name="Hans", countryId="DE", type="person")
    gift = api.product(name="Gavekort", salesTaxRulesetId=exempt["id"])
    service = api.product(name="Service", salesTaxRulesetId=eu["id"])
    invoice = api.invoice(german["id"], [{"productId": gift["id"], "unitPrice": 100}])
    assert invoice["tax"] == 0
    invoice = api.invoice(german["id"], [{"productId": service["id"], "unitPrice": 100}])
    assert invoice["tax"] == 0
    invoice = api.invoice(german_person["id"], [{"productId": service["id"], "unitPrice": 100}])
    assert invoice["tax"] == 25


def test_exchange_rate_external_id_and_foreign_currency(api, setup):
    contact, product = setup
    lines = [{"productId": product["id"], "unitPrice": 10}]
    dkk = api.invoice(contact["id"], lines, exchangeRate=7, externalId="odoo-1")
    assert dkk["exchangeRate"] == 1 and dkk["externalId"] == "odoo-1"
    eur = api.invoice(contact["id"], lines, currencyId="EUR", exchangeRate=7.4612)
    assert eur["exchangeRate"] == 7.4612 and eur["currencyId"] == "EUR"
    found = api.get("/invoices", params={"externalId": "odoo-1"}).json()["invoices"]
    assert [i["id"] for i in found] == [dkk["id"]]


def test_credit_notes(api, setup):
    contact, product = setup
    lines = [{"productId": product["id"], "unitPrice": 300}]
    invoice = api.invoice(contact["id"], lines, state="approved")
    credit = api.invoice(
        contact["id"], lines, type="credit_note", creditedInvoiceId=invoice["id"], state="approved"
    )
    # "credit_note" is accepted on write; Billy's form "creditNote" is answered
    assert credit["type"] == "creditNote" and credit["creditedInvoiceId"] == invoice["id"]
    assert (credit["amount"], credit["tax"], credit["invoiceNo"]) == (300, 75, "2")
    found = api.get("/invoices", params={"creditedInvoiceId": invoice["id"]}).json()["invoices"]
    assert [i["id"] for i in found] == [credit["id"]]
    other = api.contact(name="Other")
    response = api.post(
        "/invoices",
        json={
            "invoice": {
                "type": "credit_note",
                "creditedInvoiceId": invoice["id"],
                "contactId": other["id"],
                "entryDate": "2024-01-01",
                "currencyId": "DKK",
                "lines": lines,
            }
        },
    )
    assert "creditedInvoiceId" in response.json()["validationErrors"]["invoice"]["attributes"]
    response = api.post(
        "/invoices",
        json={
            "invoice": {
                "type": "credit_note",
                "creditedInvoiceId": "nope",
                "contactId": contact["id"],
                "entryDate": "2024-01-01",
                "currencyId": "DKK",
                "lines": lines,
            }
        },
    )
    assert response.status_code == 422


def test_void_via_control_endpoint(api, setup):
    contact, product = setup
    invoice = api.invoice(contact["id"], [{"productId": product["id"], "unitPrice": 1}])
    assert api.control("POST", f"/invoices/{invoice['id']}/void").status_code == 422  # a draft
    api.update("invoices", "invoice", invoice["id"], {"state": "approved"})
    response = api.control("POST", f"/invoices/{invoice['id']}/void")
    assert response.status_code == 200
    voided = api.fetch("invoices", "invoice", invoice["id"])
    # a voided invoice keeps its balance and has no due date (fact F6)
    assert voided["state"] == "voided" and voided["balance"] == 1.25
    assert voided["dueDate"] is None and voided["isPaid"] is False
    assert api.control("POST", "/invoices/nope/void").status_code == 404


def test_concurrent_approvals_get_unique_sequential_numbers(api, setup, sandbox):
    contact, product = setup
    drafts = [
        api.invoice(contact["id"], [{"productId": product["id"], "unitPrice": i + 1}])
        for i in range(12)
    ]
    numbers = []

    def approve(invoice_id):
        response = requests.put(
            f"{sandbox.url}/invoices/{invoice_id}",
            json={"invoice": {"state": "approved"}},
            headers={"X-Access-Token": "tok"},
            timeout=10,
        )
        numbers.append(response.json()["invoices"][0]["invoiceNo"])

    threads = [threading.Thread(target=approve, args=(d["id"],)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers, key=int) == [str(n) for n in range(1, 13)]
