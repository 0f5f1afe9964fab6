"""What the connector sends so that Billy's calculator gives Odoo's totals to the cent (pure).

Billy (invoice-total.js, docs/billy_api_contract.md "Totals") rounds each line amount and its
discount to cents, leaves the line tax unrounded (in ``incl`` mode gross * rate / (1 + rate)) and
rounds the invoice tax once. Odoo's default (round per tax) rounds the summed raw amounts, so its
untaxed amount can differ by a cent from the sum of its rounded lines, and its VAT from Billy's
VAT on rounded lines. The connector keeps each line's quantity and unit price, gives every line
a cash discount to the cent, puts Odoo's rounding cents on one line and picks the tax mode whose
VAT is Odoo's; when no choice gives Odoo's totals, the preferred mode is sent and the totals
check flags the invoice.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
RATE_PLACES = Decimal(10) ** -20  # bignumber.js DECIMAL_PLACES


def cents(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class OdooLine:
    quantity: Decimal
    price_excl: Decimal  # unit price without VAT
    price_incl: Decimal  # unit price with VAT
    percent: Decimal  # Odoo's discount in percent
    net: Decimal  # Odoo's line subtotal
    gross: Decimal  # Odoo's line total
    rate: Decimal  # VAT rate as a fraction


def unit_price(value: Decimal, quantity: Decimal, target: Decimal) -> Decimal:
    """`value` to cents, raised to the next cent when the rounded price falls short of `target`
    (a cash discount is never negative)."""
    price = cents(value)
    if cents(quantity * price) < target:
        price = value.quantize(CENT, rounding=ROUND_CEILING)
    return price


def billy_line(line: OdooLine, mode: str, target: Decimal):
    """Quantity, unit price and discount giving `target` after Billy's roundings, or None."""
    price = line.price_incl if mode == "incl" else line.price_excl
    price = unit_price(price, line.quantity, target)
    amount = cents(line.quantity * price)
    discount = amount - target
    if discount < 0:
        return None
    values = {"quantity": float(line.quantity), "unitPrice": float(price)}
    if not discount:
        return values
    if line.percent and cents(amount * line.percent / 100) == discount:
        return dict(values, discountMode="percent", discountValue=float(line.percent))
    return dict(values, discountMode="cash", discountValue=float(discount))


def billy_tax(lines, targets, mode) -> Decimal:
    tax = Decimal(0)
    for line, target in zip(lines, targets, strict=True):
        rate = line.rate
        if mode == "incl" and rate:
            rate = (rate / (1 + rate)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
        tax += target * rate
    return cents(tax)


def plan(lines, untaxed, tax, preferred):
    """(tax mode, Billy lines, whether Billy's totals will be Odoo's) for Odoo `lines` and
    Odoo's `untaxed` and `tax`; `preferred` is the mode of Odoo's prices."""
    untaxed, tax = cents(untaxed), cents(tax)
    by_size = sorted(range(len(lines)), key=lambda index: -abs(lines[index].net))
    fallback = None
    for mode in (preferred, "excl" if preferred == "incl" else "incl"):
        amounts = [line.gross if mode == "incl" else line.net for line in lines]
        total = untaxed + tax if mode == "incl" else untaxed
        delta = total - sum(amounts, Decimal(0))
        for index in by_size:
            targets = list(amounts)
            targets[index] += delta
            billy = [billy_line(x, mode, t) for x, t in zip(lines, targets, strict=True)]
            if None in billy:
                continue
            if billy_tax(lines, targets, mode) == tax:
                return mode, billy, True
            fallback = fallback or (mode, billy)
    if fallback is None:  # no line takes the cents: Odoo's own lines, flagged by the check
        mode = preferred
        targets = [line.gross if mode == "incl" else line.net for line in lines]
        fallback = mode, [billy_line(x, mode, t) or {} for x, t in zip(lines, targets, strict=True)]
    return (*fallback, False)
