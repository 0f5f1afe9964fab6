from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import InvoiceCase


@tagged("post_install", "-at_install")
class TestInvoiceScreen(InvoiceCase):
    """The Billy tab of an invoice: Billy's figures once known, a sentence saying how they
    relate to Odoo's, and the button registering Billy's payments in Odoo (issue 15, 6)."""

    def setUp(self):
        super().setUp()
        self.company.billy_invoice_state = "approved"
        self.journal = self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "bank")], limit=1
        )
        self.bank = None

    def pay_in_billy(self, move, amount, date="2026-11-10"):
        if self.bank is None:
            accounts = self.billy.list("accounts")
            self.bank = next(a for a in accounts if a.get("isPaymentEnabled"))
        self.billy_create(
            "bankPayments",
            {
                "entryDate": date,
                "cashAmount": amount,
                "cashSide": "debit",
                "cashAccountId": self.bank["id"],
                "associations": [{"subjectReference": f"invoice:{move.billy_id}"}],
            },
        )

    def status(self, move):
        move.invalidate_recordset()
        return move.billy_payment_status

    def money(self, move, amount):
        return move._billy_money(amount)

    def register(self, move, user=None):
        move = move.with_user(user) if user else move
        move.action_billy_register_payments()
        move.invalidate_recordset()
        return move.sudo().matched_payment_ids

    # --- the sentence in each state -------------------------------------------------------

    def test_no_figures_before_any_sync_nor_before_they_were_read(self):
        move = self.invoice([self.line(1, 400.0)])
        self.assertFalse(move.billy_figures_known)
        self.assertEqual(
            move.billy_payment_status,
            "Not in Billy yet: Billy's figures show here after the first sync.",
        )
        self.assertFalse(move.billy_payment_to_register)
        self.sync()
        self.assertTrue(move.billy_figures_known)
        # a link made before the figures were kept: they are unknown, and read again
        self.link_of(move).billy_figures_known = False
        self.assertIn("have not been read yet", self.status(move))
        self.pay_in_billy(move, 500.0)
        self.sync()
        self.assertTrue(move.billy_figures_known)
        self.assertEqual(move.billy_paid, 500.0)

    def test_not_paid_says_both_balances(self):
        move = self.invoice([self.line(1, 400.0)])  # 500.00 with VAT
        self.sync()
        self.assertEqual(
            self.status(move),
            f"Not paid in Billy: Billy balance {self.money(move, 500)}. "
            f"Odoo has {self.money(move, 500)} due.",
        )
        self.assertFalse(move.billy_payment_to_register)

    def test_paid_with_registration_off_says_where_to_turn_it_on_and_registers_once(self):
        move = self.invoice([self.line(1, 400.0)])
        self.sync()
        self.pay_in_billy(move, 500.0)
        self.sync()
        self.assertEqual(move.payment_state, "not_paid")  # registration is off
        status = self.status(move)
        self.assertTrue(status.startswith("Paid in Billy on 11/10/2026"), status)
        self.assertIn("not registered in Odoo because payment registration is off", status)
        self.assertIn("Settings → Billy", status)
        self.assertIn(f"Odoo has {self.money(move, 500)} due", status)
        self.assertEqual(move.billy_payment_to_register, 500.0)
        billing = new_test_user(
            self.env,
            login="billing",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        payments = self.register(move, billing)
        self.assertEqual(payments.mapped("amount"), [500.0])
        self.assertEqual(move.amount_residual, 0.0)
        self.assertEqual(
            self.status(move),
            f"Paid in Billy on 11/10/2026 ({self.money(move, 500)}). Registered in Odoo as "
            "well: nothing is due in Odoo.",
        )
        self.assertFalse(move.billy_payment_to_register)
        self.assertEqual(self.register(move, billing), payments)  # pressed again: nothing

    def test_partial_payments_register_exactly_the_missing_amount(self):
        move = self.invoice([self.line(1, 400.0)])
        self.sync()
        self.pay_in_billy(move, 200.0)
        self.sync()
        status = self.status(move)
        self.assertIn(
            f"Partly paid in Billy: {self.money(move, 200)} paid, Billy balance "
            f"{self.money(move, 300)}.",
            status,
        )
        self.assertIn(f"Odoo has {self.money(move, 500)} due", status)
        self.assertEqual(self.register(move).mapped("amount"), [200.0])
        self.assertEqual(move.amount_residual, 300.0)
        self.assertIn(
            f"Registered in Odoo as well; Odoo has {self.money(move, 300)}", self.status(move)
        )
        self.pay_in_billy(move, 300.0, date="2026-11-12")
        self.sync()
        self.assertEqual(move.billy_payment_to_register, 300.0)
        self.assertEqual(sorted(self.register(move).mapped("amount")), [200.0, 300.0])
        self.assertEqual(move.amount_residual, 0.0)
        self.assertEqual(len(self.register(move)), 2)
        self.assertTrue(self.status(move).startswith("Paid in Billy on 11/12/2026"))

    def test_registration_on_registers_at_the_next_sync(self):
        move = self.invoice([self.line(1, 400.0)])
        self.sync()
        self.pay_in_billy(move, 500.0)
        self.sync()
        self.company.billy_register_payments = True
        self.assertIn("no journal for Billy payments is chosen", self.status(move))
        self.company.billy_payment_journal_id = self.journal
        self.assertIn("the next sync registers it", self.status(move))
        self.sync()
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        self.assertIn("Registered in Odoo as well", self.status(move))

    def test_a_payment_registered_in_odoo_only_is_said_so(self):
        move = self.invoice([self.line(1, 400.0)])
        self.sync()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"amount": 250.0, "journal_id": self.journal.id}).action_create_payments()
        self.assertEqual(move.payment_state, "partial")
        self.sync()
        status = self.status(move)
        self.assertIn(f"Not paid in Billy: Billy balance {self.money(move, 500)}.", status)
        self.assertIn(f"Odoo has registered {self.money(move, 250)}, more than Billy", status)
        self.assertIn(f"Odoo has {self.money(move, 250)} due", status)
        self.assertFalse(move.billy_payment_to_register)

    def test_voided_and_credited(self):
        voided = self.invoice([self.line(1, 400.0)])
        credited = self.invoice([self.line(1, 100.0)])
        self.sync()
        self.sandbox.void_invoice(voided.billy_id)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=credited.ids)
            .create({"journal_id": credited.journal_id.id, "date": "2026-11-03"})
        )
        self.env["account.move"].browse(reversal.refund_moves()["res_id"]).action_post()
        self.sync()  # the credit note goes to Billy after the invoices were read
        self.sync()
        self.assertEqual(
            self.status(voided),
            f"Voided in Billy, while Odoo still has {self.money(voided, 500)} due: cancel the "
            "invoice or issue a credit note in Odoo as well.",
        )
        self.assertFalse(voided.billy_payment_to_register)
        self.assertEqual(credited.billy_credited, 125.0)
        self.assertEqual(
            self.status(credited),
            f"Settled in Billy by a credit note ({self.money(credited, 125)}), without a "
            f"payment. Odoo has {self.money(credited, 0)} due.",
        )

    # --- who may register -----------------------------------------------------------------

    def test_register_button_refuses_a_user_who_may_not_register_payments(self):
        move = self.invoice([self.line(1, 400.0)])
        self.sync()
        self.pay_in_billy(move, 500.0)
        self.sync()
        auditor = new_test_user(
            self.env,
            login="auditor",
            groups="account.group_account_readonly",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        with self.assertRaises(AccessError):
            move.with_user(auditor).action_billy_register_payments()
        self.assertFalse(move.matched_payment_ids)
        self.assertEqual(move.billy_payment_to_register, 500.0)
