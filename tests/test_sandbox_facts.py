"""Facts of Billy the sandbox follows (docs/billy_api_contract.md, "Sourced facts")."""

import pytest

from billy_api import BillyClient, BillyValidationError
from billy_api.sandbox import SandboxServer


@pytest.fixture
def setup(api):
    contact = api.contact()
    product = api.product()
    return contact, product


def lines(product, unit_price=100):
    return [{"productId": product["id"], "unitPrice": unit_price}]


def test_an_approved_credit_note_settles_the_invoice_it_credits(api, setup):
    contact, product = setup
    invoice = api.invoice(contact["id"], lines(product, 400), state="approved")
    assert invoice["balance"] == 500
    partial = api.invoice(
        contact["id"], lines(product, 100), type="creditNote", creditedInvoiceId=invoice["id"]
    )
    assert api.fetch("invoices", "invoice", invoice["id"])["balance"] == 500  # a draft: not yet
    body = api.update("invoices", "invoice", partial["id"], {"state": "approved"})
    credited = next(i for i in body["invoices"] if i["id"] == invoice["id"])
    assert credited["balance"] == 375 and credited["isPaid"] is False
    assert credited["grossAmount"] == 500  # no bank payment: only the balance moved
    assert next(i for i in body["invoices"] if i["id"] == partial["id"])["balance"] == 0
    modifier = body["balanceModifiers"][0]
    assert modifier["modifierReference"] == f"invoice:{partial['id']}"
    assert modifier["subjectReference"] == f"invoice:{invoice['id']}"
    assert modifier["amount"] == 125
    # the rest, as "credit_note" (accepted on write): the invoice is paid, no payment made
    rest = api.invoice(
        contact["id"],
        lines(product, 300),
        type="credit_note",
        creditedInvoiceId=invoice["id"],
        state="approved",
    )
    assert rest["type"] == "creditNote"
    settled = api.fetch("invoices", "invoice", invoice["id"])
    assert settled["balance"] == 0 and settled["isPaid"] is True
    assert api.get("/bankPayments").json()["bankPayments"] == []
    # voiding the credit note makes the invoice owed again
    api.control("POST", f"/invoices/{rest['id']}/void")
    assert api.fetch("invoices", "invoice", invoice["id"])["balance"] == 375


def test_a_credit_note_settles_no_more_than_is_owed(api, setup):
    contact, product = setup
    invoice = api.invoice(contact["id"], lines(product, 100), state="approved")
    bank = api.bank_account_id()
    api.create(
        "bankPayments",
        "bankPayment",
        {
            "entryDate": "2024-01-02",
            "cashAmount": 100,
            "cashSide": "debit",
            "cashAccountId": bank,
            "associations": [{"subjectReference": f"invoice:{invoice['id']}"}],
        },
    )
    credit = api.invoice(
        contact["id"],
        lines(product, 100),
        type="creditNote",
        creditedInvoiceId=invoice["id"],
        state="approved",
    )
    assert api.fetch("invoices", "invoice", invoice["id"])["balance"] == 0
    assert api.fetch("invoices", "invoice", credit["id"])["balance"] == 100  # 125 - 25 owed


def test_late_fees_raise_the_balance_not_the_gross_amount(api, setup, sandbox):
    contact, product = setup
    invoice = api.invoice(contact["id"], lines(product, 100), state="approved")
    body = sandbox.add_late_fee(invoice["id"], 25)
    assert body["invoices"][0]["balance"] == 150 and body["invoices"][0]["grossAmount"] == 125
    assert body["invoiceLateFees"][0]["amount"] == 25
    response = api.control("POST", f"/invoices/{invoice['id']}/late-fee", json={"amount": 50.5})
    assert response.json()["invoices"][0]["balance"] == 200.5
    fetched = api.fetch("invoices", "invoice", invoice["id"], include="invoice.lateFees:embed")
    assert [fee["amount"] for fee in fetched["lateFees"]] == [25, 50.5]
    assert fetched["balance"] == 200.5 and fetched["isPaid"] is False
    for bad in ({"amount": 0}, {"amount": "10"}, {}):
        assert (
            api.control("POST", f"/invoices/{invoice['id']}/late-fee", json=bad).status_code == 400
        )
    draft = api.invoice(contact["id"], lines(product))
    assert (
        api.control("POST", f"/invoices/{draft['id']}/late-fee", json={"amount": 1}).status_code
        == 422
    )
    assert api.control("POST", "/invoices/nope/late-fee", json={"amount": 1}).status_code == 404


def test_late_fees_through_the_api_are_voided_not_deleted(api, setup):
    contact, product = setup
    invoice = api.invoice(contact["id"], lines(product, 800), state="approved")
    fee = api.post(
        "/invoiceLateFees",
        json={"invoiceLateFee": {"invoiceId": invoice["id"], "flatFee": 1, "percentageFee": 2}},
    ).json()
    assert fee["invoiceLateFees"][0]["amount"] == 21  # 1 + 2 % of 1000
    assert fee["invoices"][0]["balance"] == 1021 and fee["invoices"][0]["grossAmount"] == 1000
    fee_id = fee["invoiceLateFees"][0]["id"]
    voided = api.update("invoiceLateFees", "invoiceLateFee", fee_id, {"isVoided": True})
    assert voided["invoices"][0]["balance"] == 1000
    assert (
        api.put(
            f"/invoiceLateFees/{fee_id}", json={"invoiceLateFee": {"isVoided": False}}
        ).status_code
        == 422
    )
    assert api.delete(f"/invoiceLateFees/{fee_id}").status_code == 405
    draft = api.invoice(contact["id"], lines(product))
    refused = api.post(
        "/invoiceLateFees", json={"invoiceLateFee": {"invoiceId": draft["id"], "flatFee": 5}}
    )
    assert "invoiceId" in refused.json()["validationErrors"]["invoiceLateFee"]["attributes"]
    nothing = api.post("/invoiceLateFees", json={"invoiceLateFee": {"invoiceId": invoice["id"]}})
    assert nothing.status_code == 422


def test_voided_invoices_keep_their_balance_and_have_no_due_date(api, setup, sandbox):
    contact, product = setup
    invoice = api.invoice(contact["id"], lines(product, 1000), state="approved")
    assert invoice["dueDate"] is not None
    body = sandbox.void_invoice(invoice["id"])
    voided = body["invoices"][0]
    assert voided["state"] == "voided" and voided["balance"] == 1250
    assert voided["dueDate"] is None and voided["isPaid"] is False
    assert (
        api.get("/invoices", params={"state": "voided"}).json()["invoices"][0]["id"] == voided["id"]
    )


def test_both_credit_note_literals_are_read_and_filtered(api, setup):
    contact, product = setup
    for literal in ("creditNote", "credit_note"):
        credit = api.invoice(contact["id"], lines(product), type=literal)
        assert credit["type"] == "creditNote"
        # the type is fixed once created, in either spelling
        other = "credit_note" if literal == "creditNote" else "creditNote"
        assert api.put(f"/invoices/{credit['id']}", json={"invoice": {"type": other}}).ok
    for literal in ("creditNote", "credit_note"):
        found = api.get("/invoices", params={"type": literal}).json()["invoices"]
        assert len(found) == 2
    bad = api.post(
        "/invoices",
        json={
            "invoice": {
                "contactId": contact["id"],
                "entryDate": "2024-01-01",
                "currencyId": "DKK",
                "type": "credit-note",
                "lines": lines(product),
            }
        },
    )
    assert "type" in bad.json()["validationErrors"]["invoice"]["attributes"]


def test_danish_contacts_carry_a_city_id_with_an_empty_city_text(api):
    contact = api.contact(cityId="dk_aalborg", cityText="", zipcodeText="9000")
    assert (contact["cityId"], contact["cityText"]) == ("dk_aalborg", "")
    body = api.get(f"/contacts/{contact['id']}", params={"include": "contact.city"}).json()
    assert body["cities"] == [
        {
            "id": "dk_aalborg",
            "name": "Aalborg",
            "countryId": "DK",
            "stateId": None,
            "zipcode": "9000",
        }
    ]


def test_the_demo_seed_has_a_contact_with_only_a_city_id():
    with SandboxServer(tokens={"t": "Demo"}, port=0, seed="demo") as server:
        contacts = server.store.records("contacts", "t")
        assert any(c["cityId"] == "dk_aalborg" and c["cityText"] == "" for c in contacts)


def test_a_put_whose_body_id_differs_from_the_url_is_refused(api, setup):
    contact, _product = setup
    other = api.contact(name="Other")
    response = api.put(
        f"/contacts/{contact['id']}", json={"contact": {"id": other["id"], "name": "X"}}
    )
    assert response.status_code == 422
    assert "id" in response.json()["validationErrors"]["contact"]["attributes"]
    assert api.fetch("contacts", "contact", other["id"])["name"] == "Other"
    assert api.fetch("contacts", "contact", contact["id"])["name"] == "Ninjas ApS"
    same = api.put(
        f"/contacts/{contact['id']}", json={"contact": {"id": contact["id"], "name": "Y"}}
    )
    assert same.status_code == 200


def test_contact_persons_are_listed_for_one_contact_only(api):
    contact = api.contact(contactPersons=[{"name": "Bo"}])
    refused = api.get("/contactPersons")
    assert refused.status_code == 400 and "contactId" in refused.json()["errorMessage"]
    listed = api.get("/contactPersons", params={"contactId": contact["id"]}).json()
    assert [p["name"] for p in listed["contactPersons"]] == ["Bo"]


def test_deleting_a_missing_id_answers_200(api, sandbox):
    response = api.delete("/contacts/doesNotExist")
    assert response.status_code == 200
    assert response.json()["meta"]["deletedRecords"] == {"contacts": ["doesNotExist"]}
    client = BillyClient("tok", base_url=sandbox.url)
    assert client.delete("contacts", "stillMissing").deleted == {"contacts": ["stillMissing"]}


def test_validation_errors_are_typed_for_the_client_in_both_forms(sandbox):
    client = BillyClient("tok", base_url=sandbox.url)
    for quirks in ((), ("validation-400",)):
        sandbox.set_quirks(on=quirks, off=() if quirks else ("validation-400",))
        with pytest.raises(BillyValidationError) as info:
            client.create("contacts", {"name": "X"})
        assert "countryId" in str(info.value)
        assert info.value.status == (400 if quirks else 422)
