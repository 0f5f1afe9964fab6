"""invoice_amounts.plan against Billy's calculator (the sandbox's billing.py follows
invoice-total.js): when plan says Billy's totals will be Odoo's, they are; else they are not."""

import itertools
from decimal import Decimal

import pytest

from billy_api.sandbox.billing import LineInput, invoice_total
from billy_connector.sync.invoice_amounts import OdooLine, cents, plan

RATE = Decimal("0.25")


def odoo_invoice(rows):
    """Odoo's lines and totals on its default rounding (round per tax), prices without VAT."""
    raws = [Decimal(str(q)) * Decimal(str(p)) * (1 - Decimal(str(d)) / 100) for q, p, d in rows]
    lines = [
        OdooLine(
            quantity=Decimal(str(q)),
            price_excl=Decimal(str(p)),
            price_incl=Decimal(str(p)) * (1 + RATE),
            percent=Decimal(str(d)),
            net=cents(raw),
            gross=cents(raw * (1 + RATE)),
            rate=RATE,
        )
        for (q, p, d), raw in zip(rows, raws, strict=True)
    ]
    return lines, cents(sum(raws)), cents(sum(raws) * RATE)


def billy_totals(mode, billy):
    inputs = [
        LineInput(
            line["quantity"],
            line["unitPrice"],
            line.get("discountMode"),
            line.get("discountValue"),
            RATE,
        )
        for line in billy
    ]
    total = invoice_total(inputs, mode)
    return total.amount, total.tax


def test_three_at_99_95_with_10_percent_off():
    lines, untaxed, tax = odoo_invoice([(3, "99.95", 10)])
    mode, billy, matches = plan(lines, untaxed, tax, "excl")
    assert (untaxed, tax) == (Decimal("269.87"), Decimal("67.47"))
    assert matches and billy_totals(mode, billy) == (untaxed, tax)
    assert billy[0]["quantity"] == 3 and billy[0]["unitPrice"] == 99.95


def test_vat_on_a_half_cent_needs_the_other_tax_mode():
    lines, untaxed, tax = odoo_invoice([("0.5", "1.99", 10)])  # raw 0.8955, VAT 0.223875
    mode, billy, matches = plan(lines, untaxed, tax, "excl")
    assert matches and mode == "incl"
    assert billy_totals(mode, billy) == (Decimal("0.90"), Decimal("0.22"))


QUANTITIES = ["1", "3", "0.5", "2.5", "12", "0.33"]
PRICES = ["99.95", "0.33", "12.35", "1.99", "1249", "7.77"]
DISCOUNTS = ["0", "10", "12.5", "33", "2.75"]
TABLE = list(itertools.product(QUANTITIES, PRICES, DISCOUNTS))


@pytest.mark.parametrize("size", [1, 2, 3])
def test_plan_is_honest_over_a_table(size, capsys):
    cases = [TABLE[i : i + size] for i in range(0, len(TABLE), size)]
    cases += [TABLE[i::37][:size] for i in range(37)]
    matched = 0
    for rows in cases:
        lines, untaxed, tax = odoo_invoice(rows)
        mode, billy, matches = plan(lines, untaxed, tax, "excl")
        assert all(line.get("discountValue", 0) >= 0 for line in billy)
        assert (billy_totals(mode, billy) == (untaxed, tax)) == matches, rows
        matched += matches
    with capsys.disabled():
        print(f"\n{size}-line invoices with Billy's totals equal to Odoo's: {matched}/{len(cases)}")
    assert matched / len(cases) > 0.9
