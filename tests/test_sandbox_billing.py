"""The sandbox's totals against the cases of Billy's own calculator's tests
(billysbilling/invoice-total.js, test/calculate-test.js), with the API's percent discounts
(25 for 25 %, where the calculator takes 0.25)."""

from decimal import Decimal

import pytest

from billy_api.sandbox import billing


def line(quantity, unit_price, rate=0, mode=None, value=None):
    return billing.LineInput(quantity, unit_price, mode, value, rate)


def totals(tax_mode, *lines):
    result = billing.invoice_total(lines, tax_mode)
    return (
        billing.money(result.amount),
        billing.money(result.tax),
        billing.money(result.gross_amount),
    )


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([line(2, 5)], (10, 0, 10)),
        ([line(3.42, 12.345)], (42.22, 0, 42.22)),  # rounds to 2 decimals
        ([line(1.98, 98.76, mode="percent", value=23)], (150.57, 0, 150.57)),
        ([line(7.5, 19.99, mode="cash", value=7.15)], (142.78, 0, 142.78)),
        ([line(17.67, 8.99), line(17.67, 8.99)], (317.7, 0, 317.7)),  # rounds per line
        ([line(1.23, 19.99, mode="percent", value=1)] * 2, (48.68, 0, 48.68)),
        ([line(900.6712, 87.1198, rate=0.075)], (78466.29, 5884.97, 84351.26)),
        ([line(1, 0.02, rate=0.25)] * 2, (0.04, 0.01, 0.05)),  # the tax rounds at the end
        ([line(None, None, rate=None)], (0, 0, 0)),
        ([line(1, 100.2, rate=0.01), line(1, 100.2, rate=0.02)], (200.4, 3.01, 203.41)),
        ([line(1, 100.5, rate=0.01), line(1, 10.05, rate=0.1)], (110.55, 2.01, 112.56)),
        (
            [line(1, 123.45, rate=0.25), line(1, 100, rate=0.25), line(1, 123.47, rate=0.9)],
            (346.92, 166.99, 513.91),
        ),
    ],
)
def test_excl_cases_of_billys_calculator(lines, expected):
    assert totals("excl", *lines) == expected


BIG_COMBINATION = [
    line(3, 4),
    line(1, 10, rate=0.25),
    line(8.99, 18.178, rate=0.075),
    line(3.89, 799.1719, rate=0.05, mode="cash", value=10.92),
    line(917.0123, 12.9999, rate=0.0289, mode="percent", value=12.345),
]


def test_big_combination_excl_and_incl():
    assert totals("excl", *BIG_COMBINATION) == (13732.69, 471.64, 14204.33)
    assert totals("incl", *BIG_COMBINATION) == (13278.27, 454.42, 13732.69)


def test_incl_takes_the_tax_out_with_the_reverse_rate():
    assert totals("incl", line(1, 500, rate=0.25)) == (400, 100, 500)
    assert billing.reverse_rate(Decimal("0.075")) == Decimal("0.06976744186046511628")


def test_line_amount_and_discount_before_and_after():
    result = billing.line_total(line(3.57, 111.23), "incl")
    assert (result.line_amount, result.discount) == (Decimal("397.09"), 0)
    result = billing.line_total(line(1.01, 198.9876, mode="percent", value=23), "incl")
    assert (result.line_amount, result.discount) == (Decimal("200.98"), Decimal("46.23"))
    assert result.amount == Decimal("154.75")


def test_half_up_is_away_from_zero_for_negative_amounts():
    assert billing.round2(Decimal("-0.005")) == Decimal("-0.01")
    assert totals("excl", line(-1, 0.125)) == (-0.13, 0, -0.13)


@pytest.mark.parametrize(
    ("tax_mode", "expected"),
    [("excl", (269.86, 67.47, 337.33)), ("incl", (215.89, 53.97, 269.86))],
)
def test_sandbox_invoices_round_as_the_calculator(api, tax_mode, expected):
    # the calculator rounds the discount, not the discounted amount: 299.85 - 29.99 = 269.86
    product = api.product()
    line = {
        "productId": product["id"],
        "quantity": 3,
        "unitPrice": 99.95,
        "discountMode": "percent",
        "discountValue": 10,
    }
    invoice = api.invoice(api.contact()["id"], [line], taxMode=tax_mode)
    assert (invoice["amount"], invoice["tax"], invoice["grossAmount"]) == expected
