"""Bank payments: partial and full payments, voiding, validation."""

import pytest


@pytest.fixture
def approved_invoice(api):
    contact, product = api.contact(), api.product()
    return api.invoice(
        contact["id"], [{"productId": product["id"], "unitPrice": 1000}], state="approved"
    )


def pay(api, invoice_id, amount, **values):
    payment = {
        "entryDate": "2024-01-10",
        "cashAmount": amount,
        "cashSide": "debit",
        "cashAccountId": api.bank_account_id(),
        "associations": [{"subjectReference": f"invoice:{invoice_id}"}],
    }
    payment.update(values)
    return api.post("/bankPayments", json={"bankPayment": payment})


def test_partial_then_full_payment(api, approved_invoice):
    assert approved_invoice["grossAmount"] == 1250 and approved_invoice["balance"] == 1250
    response = pay(api, approved_invoice["id"], 250)
    assert response.status_code == 200, response.text
    body = response.json()
    payment = body["bankPayments"][0]
    assert payment["contactId"] == approved_invoice["contactId"]
    assert payment["cashExchangeRate"] == 1 and payment["subjectCurrencyId"] == "DKK"
    assert payment["isVoided"] is False
    assert body["invoices"][0]["balance"] == 1000 and body["invoices"][0]["isPaid"] is False
    modifier = body["balanceModifiers"][0]
    assert modifier["subjectReference"] == f"invoice:{approved_invoice['id']}"
    assert modifier["modifierReference"] == f"bankPayment:{payment['id']}"
    assert modifier["amount"] == 250
    body = pay(api, approved_invoice["id"], 1000).json()
    assert body["invoices"][0]["balance"] == 0 and body["invoices"][0]["isPaid"] is True
    paid = api.get("/invoices", params={"isPaid": "true"}).json()["invoices"]
    assert [i["id"] for i in paid] == [approved_invoice["id"]]
    payments = api.get("/bankPayments").json()
    assert len(payments["bankPayments"]) == 2
    assert "associations" not in payments["bankPayments"][0]
    embedded = api.fetch(
        "bankPayments", "bankPayment", payment["id"], include="bankPayment.associations:embed"
    )
    assert embedded["associations"][0]["amount"] == 250


def test_void_payment_restores_the_balance(api, approved_invoice):
    payment = pay(api, approved_invoice["id"], 1250).json()["bankPayments"][0]
    assert api.fetch("invoices", "invoice", approved_invoice["id"])["isPaid"] is True
    body = api.update("bankPayments", "bankPayment", payment["id"], {"isVoided": True})
    assert body["bankPayments"][0]["isVoided"] is True
    assert body["invoices"][0]["balance"] == 1250 and body["invoices"][0]["isPaid"] is False
    assert body["balanceModifiers"][0]["isVoided"] is True
    response = api.put(f"/bankPayments/{payment['id']}", json={"bankPayment": {"isVoided": False}})
    assert response.status_code == 422
    assert api.delete(f"/bankPayments/{payment['id']}").status_code == 405


def test_payment_validation(api, approved_invoice):
    response = api.post("/bankPayments", json={"bankPayment": {}})
    attributes = response.json()["validationErrors"]["bankPayment"]["attributes"]
    assert {"entryDate", "cashAmount", "cashSide", "cashAccountId"} <= set(attributes)
    sales = api.reference("accounts", "Salg")
    response = pay(api, approved_invoice["id"], 1, cashAccountId=sales["id"])
    assert "cashAccountId" in response.json()["validationErrors"]["bankPayment"]["attributes"]
    response = pay(api, "nope", 1)
    assert "associations" in response.json()["validationErrors"]["bankPayment"]["attributes"]
    contact, product = api.contact(name="Draft Co"), api.product(name="P")
    draft = api.invoice(contact["id"], [{"productId": product["id"], "unitPrice": 1}])
    assert pay(api, draft["id"], 1).status_code == 422


def test_overpayment_leaves_balance_at_zero(api, approved_invoice):
    body = pay(api, approved_invoice["id"], 2000).json()
    assert body["invoices"][0]["balance"] == 0 and body["invoices"][0]["isPaid"] is True
