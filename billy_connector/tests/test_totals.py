"""Billy's totals to the cent with Odoo's default rounding (issue 16 fact 7): over a generated
table of quantities, prices and discounts, Billy's calculator (the sandbox follows
invoice-total.js) must give Odoo's untaxed, VAT and total; an invoice where it cannot is
flagged, never silently different."""

import logging
import random

from odoo.tests import tagged

from .common import InvoiceCase

_logger = logging.getLogger(__name__)

QUANTITIES = [1, 2, 3, 7, 0.5, 2.5, 12, 0.333]
PRICES = [99.95, 0.33, 12.35, 1.99, 1249.0, 7.77, 0.05, 333.33]
DISCOUNTS = [0, 0, 10, 12.5, 33, 7.5, 2.75, 50]


@tagged("post_install", "-at_install")
class TestTotals(InvoiceCase):
    def test_billy_totals_equal_odoo_s_on_default_rounding(self):
        self.company.tax_calculation_rounding_method = (
            self.env["res.company"].default_get(["tax_calculation_rounding_method"])
        )["tax_calculation_rounding_method"]
        draw = random.Random(16)
        moves = self.env["account.move"]
        for number in range(80):
            lines = [
                self.line(
                    draw.choice(QUANTITIES),
                    draw.choice(PRICES),
                    tax=self.tax_25_incl if number % 4 == 3 else self.tax_25,
                    discount=draw.choice(DISCOUNTS),
                )
                for _ in range(1 if number < 40 else draw.randint(2, 4))
            ]
            moves |= self.invoice(lines)
        self.assertEqual(len(moves.filtered(lambda m: m.amount_total <= 0)), 0)
        self.sync()
        matching, differing = [], []
        for move in moves:
            billy = self.billy_invoice(move)
            same = (billy["amount"], billy["tax"], billy["grossAmount"]) == (
                move.amount_untaxed,
                move.amount_tax,
                move.amount_total,
            )
            matching.append(same)
            if same:
                self.assertEqual(move.billy_sync_state, "synced", move.billy_sync_error)
            else:
                self.assertEqual(move.billy_sync_state, "failed", move.name)
                self.assertIn("Totals differ", move.billy_sync_error)
                lines = move.invoice_line_ids.mapped(lambda x: (x.quantity, x.price_unit))
                differing.append((lines, move.billy_sync_error))
        share = sum(matching) / len(matching)
        _logger.info(
            "Billy totals equal Odoo's: %s/%s (%.0f%%)", sum(matching), len(matching), share * 100
        )
        self.assertEqual(share, 1.0, differing)
