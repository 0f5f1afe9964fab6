"""Billy's invoice totals as ``billysbilling/invoice-total.js`` computes them (decimal, half-up).

Each line amount is rounded, a discount is rounded on its own and subtracted, line taxes are
summed unrounded and the invoice tax is rounded once (docs/billy_api_contract.md, "Totals").
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def _dec(value):
    return Decimal(str(value or 0))


def _round2(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Totals:
    amount: Decimal  # net, excl. tax
    tax: Decimal
    gross_amount: Decimal


def line_after_discount(quantity, unit_price, discount_mode=None, discount_value=None):
    """The line's amount after its discount; ``discount_value`` as the API takes it (10 = 10 %)."""
    line_amount = _round2(_dec(quantity) * _dec(unit_price))
    if discount_mode == "percent":
        discount = _round2(line_amount * _dec(discount_value) / 100)
    elif discount_mode == "cash":
        discount = _round2(_dec(discount_value))
    else:
        discount = Decimal(0)
    return line_amount - discount


def invoice_totals(lines, tax_mode):
    """``lines``: (quantity, unit_price, discount_mode, discount_value, tax_rate) with the rate a
    fraction (0.25); ``tax_mode`` ``incl`` or ``excl``."""
    amount = tax = Decimal(0)
    for quantity, unit_price, discount_mode, discount_value, rate in lines:
        after = line_after_discount(quantity, unit_price, discount_mode, discount_value)
        amount += after
        rate = _dec(rate)
        if rate:
            tax += after * rate / (1 + rate) if tax_mode == "incl" else after * rate
    tax = _round2(tax)
    if tax_mode == "incl":
        return Totals(amount=amount - tax, tax=tax, gross_amount=amount)
    return Totals(amount=amount, tax=tax, gross_amount=amount + tax)
