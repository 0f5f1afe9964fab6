"""What Billy received for an invoice: payments, not grossAmount - balance (contract F1, F2)."""

from decimal import Decimal

import pytest

from billy_connector.sync.invoice_money import (
    last_payment_date,
    late_fees,
    missing_payment,
    paid_amount,
    settlements,
)


def invoice(**values):
    base = {"grossAmount": 375.0, "balance": 375.0}
    base.update(values)
    return base


def modifier(reference, amount, voided=False):
    return {"modifierReference": reference, "amount": amount, "isVoided": voided}


@pytest.mark.parametrize(
    "answer, paid, credited",
    [
        (invoice(balanceModifiers=[]), "0.00", "0.00"),
        (invoice(balance=175, balanceModifiers=[modifier("bankPayment:p1", 200)]), "200", "0"),
        # a credit note settles the invoice without money (F1)
        (invoice(balance=0, balanceModifiers=[modifier("invoice:cn1", 375)]), "0", "375"),
        (
            invoice(
                balance=0,
                balanceModifiers=[modifier("invoice:cn1", 75), modifier("bankPayment:p", -300)],
            ),
            "300",
            "75",
        ),
        # a voided payment paid nothing
        (invoice(balanceModifiers=[modifier("bankPayment:p1", 375, voided=True)]), "0", "0"),
    ],
)
def test_settlements_split_payments_from_credit_notes(answer, paid, credited):
    assert settlements(answer) == (Decimal(paid), Decimal(credited))


def test_late_fees_raise_the_balance_but_are_no_payment():
    # the captured real invoice of fact F2a: gross 55.35, balance 230.35, fees 25 + 50 + 100
    answer = {
        "grossAmount": 55.35,
        "balance": 230.35,
        "lateFees": [{"amount": 25}, {"amount": 50}, {"amount": 100}, {"amount": 9, "isVoided": 1}],
        "balanceModifiers": [],
    }
    assert late_fees(answer) == Decimal("175.00")
    assert paid_amount(answer) == Decimal("0.00")


def test_an_answer_without_modifiers_says_nothing_of_payments():
    assert settlements(invoice(balance=0, isPaid=True)) is None
    assert paid_amount(invoice(balance=0, isPaid=True)) is None
    assert late_fees(invoice()) is None
    assert missing_payment(None, 0, 375) == 0


@pytest.mark.parametrize(
    "billy, odoo, due, missing",
    [(200, 0, 375, "200"), (375, 200, 175, "175"), (375, 375, 0, "0"), (400, 0, 375, "375")],
)
def test_missing_payment_never_exceeds_what_odoo_has_due(billy, odoo, due, missing):
    assert missing_payment(Decimal(billy), Decimal(odoo), Decimal(due)) == Decimal(missing)


def test_last_payment_date_is_the_latest_payment_not_voided_nor_a_credit_note():
    modifiers = [
        dict(modifier("bankPayment:p1", 200), entryDate="2026-11-10"),
        dict(modifier("bankPayment:p2", 100, voided=True), entryDate="2026-11-20"),
        dict(modifier("invoice:cn1", 75), entryDate="2026-11-25"),
        dict(modifier("bankPayment:p3", 75), entryDate="2026-11-12"),
    ]
    assert last_payment_date(invoice(balanceModifiers=modifiers)) == "2026-11-12"
    assert last_payment_date(invoice(balanceModifiers=[])) is None
    assert last_payment_date(invoice()) is None
