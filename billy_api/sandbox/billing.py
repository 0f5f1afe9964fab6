"""Billy's invoice arithmetic: totals and due dates.

Totals follow Billy's own calculator, ``index.js`` of billysbilling/invoice-total.js (read in
docs/billy_api_contract.md, "Totals"): decimal arithmetic; per line, the line amount (quantity
times unit price) rounded to cents, the discount rounded to cents, the line tax left unrounded (in
``incl`` mode with the reverse rate rate / (1 + rate), a division kept to 20 decimals as
bignumber.js does); the invoice tax rounded once, at the end. Every rounding is half-up (away
from zero), bignumber.js's default.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

CENT = Decimal("0.01")
ZERO = Decimal(0)
DIVISION_PLACES = Decimal(10) ** -20  # bignumber.js DECIMAL_PLACES
# Products and sums of amounts and rates stay exact, as in bignumber.js.
EXACT = Context(prec=60, rounding=ROUND_HALF_UP)


def dec(value) -> Decimal:
    """A Decimal from a JSON number (via ``str`` so 0.1 stays 0.1), None → 0."""
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> float:
    """The wire form of an amount: a JSON number with at most two decimals."""
    return float(round2(value))


@dataclass
class LineInput:
    quantity: object
    unit_price: object
    discount_mode: str | None = None
    discount_value: object = None
    rate: object = 0  # the tax rate as a fraction, 0.25 for 25 %


@dataclass
class LineTotal:
    amount: Decimal  # after discount: gross in "incl" mode, net in "excl" mode
    tax: Decimal  # unrounded
    line_amount: Decimal = ZERO  # quantity times unit price, rounded, before the discount
    discount: Decimal = ZERO


@dataclass
class InvoiceTotal:
    lines: list[LineTotal]
    amount: Decimal  # net
    tax: Decimal
    gross_amount: Decimal


def reverse_rate(rate: Decimal) -> Decimal:
    """rate / (1 + rate): the share of a gross amount that is tax, to 20 decimals."""
    with localcontext(EXACT):
        return (rate / (1 + rate)).quantize(DIVISION_PLACES, rounding=ROUND_HALF_UP)


def line_total(line: LineInput, tax_mode: str) -> LineTotal:
    with localcontext(EXACT):
        line_amount = round2(dec(line.quantity) * dec(line.unit_price))
        if line.discount_mode == "percent" and line.discount_value is not None:
            # The API's discountValue 10 means 10 %; the calculator works with the fraction.
            discount = round2(line_amount * (dec(line.discount_value) / Decimal(100)))
        elif line.discount_mode == "cash" and line.discount_value is not None:
            discount = round2(dec(line.discount_value))
        else:
            discount = ZERO
        after = line_amount - discount
        rate = dec(line.rate)
        if not rate:
            tax = ZERO
        elif tax_mode == "incl":
            tax = after * reverse_rate(rate)
        else:
            tax = after * rate
    return LineTotal(amount=after, tax=tax, line_amount=line_amount, discount=discount)


def invoice_total(lines: Iterable[LineInput], tax_mode: str) -> InvoiceTotal:
    results = [line_total(line, tax_mode) for line in lines]
    with localcontext(EXACT):
        total = sum((r.amount for r in results), ZERO)
        tax = round2(sum((r.tax for r in results), ZERO))
    if tax_mode == "incl":
        return InvoiceTotal(results, amount=total - tax, tax=tax, gross_amount=total)
    return InvoiceTotal(results, amount=total, tax=tax, gross_amount=total + tax)


def parse_date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def due_date(entry_date: str, mode: str | None, days, explicit: str | None = None) -> str | None:
    """``net``: entryDate + N; ``netEndOfMonth``: last day of entryDate's month + N;
    ``date``: the explicit dueDate (None when not given)."""
    if mode == "date":
        return explicit
    start = parse_date(entry_date)
    n = int(days or 0)
    if mode == "netEndOfMonth":
        last = calendar.monthrange(start.year, start.month)[1]
        start = start.replace(day=last)
    return (start + datetime.timedelta(days=n)).isoformat()
