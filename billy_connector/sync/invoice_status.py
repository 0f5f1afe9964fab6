"""What Billy says of a linked invoice: number, state, paid, balance, late fees; the totals
check, a void in Billy, and the payments Billy registered (brought into Odoo when wanted)."""

from odoo import fields

from . import invoice_money
from .fingerprint import fingerprint, money
from .messages import Message
from .vocabulary import FAILED, INVOICE, SYNCED, TO_ODOO

# downloadUrl is not among them: Billy hands out another one on every read (fact F3 of
# docs/billy_api_contract.md), so it never counts as a change; the PDF is kept as an attachment
STATUS_KEYS = ("invoiceNo", "state", "isPaid", "balance")


def status_of(invoice):
    """The part of a Billy invoice that flows back to Odoo on every run."""
    status = {key: invoice.get(key) for key in STATUS_KEYS}
    # a write answer carries no modifiers or fees: read as none, as the next page read shows them
    status["lateFees"] = invoice_money.late_fees(invoice) or invoice_money.ZERO
    status["paid"] = invoice_money.paid_amount(invoice) or invoice_money.ZERO
    return status


class InvoiceStatus:
    def __init__(self, run):
        self.run = run
        self.env = run.env
        self.company = run.company

    def store(self, move, link, invoice, payload):
        """Link, status and the totals check: Billy must agree with Odoo to the cent."""
        mismatch = self._totals_mismatch(move, invoice)
        linked = {
            "billy_id": invoice["id"],
            "odoo_fingerprint": fingerprint(payload),
            "billy_fingerprint": fingerprint(status_of(invoice)),
            "state": FAILED if mismatch else SYNCED,
            "error": mismatch or False,
            "last_sync": fields.Datetime.now(),
        }
        self._write_status(move, link, invoice, linked)

    def refresh(self, move, link, invoice, asked=False):
        """Billy's status on the Odoo invoice; payments made in Billy registered if wanted
        (`asked`: a user asked for it, whatever the setting). Returns the amount registered."""
        status_fp = fingerprint(status_of(invoice))
        if status_fp != link.billy_fingerprint or link.state != SYNCED:
            previous, problem = link.error, self._voided(move, invoice)
            if not problem and "grossAmount" in invoice:
                problem = self._totals_mismatch(move, invoice)
            link.write(
                {
                    "billy_fingerprint": status_fp,
                    "state": FAILED if problem else SYNCED,
                    "error": problem or False,
                    "last_sync": fields.Datetime.now(),
                }
            )
            if problem and problem != previous:
                self.run.journal.line(INVOICE, move, invoice["id"], TO_ODOO, "failed", problem)
        self._write_status(move, link, invoice)
        return self._register_payment(move, invoice, asked)

    def missing_payment(self, move, invoice, asked=False):
        """What Billy says was paid and Odoo has not registered yet (when it should: the
        company registers Billy's payments, or a user `asked` for it on the invoice)."""
        if invoice.get("state") == "voided":
            return 0  # a voided invoice's balance is 0 without any payment
        wanted = self.company.billy_register_payments and self.company.billy_payment_journal_id
        if not (wanted or asked) or move.state != "posted":
            return 0
        if move.payment_state in ("paid", "in_payment", "reversed"):
            return 0
        # what Billy received, never grossAmount - balance: a credit note lowers the balance
        # without money, late fees raise it (invoice_money)
        return invoice_money.missing_payment(
            invoice_money.paid_amount(invoice), self.paid_in_odoo(move), move.amount_residual
        )

    @staticmethod
    def paid_in_odoo(move):
        """Payments reconciled with the invoice; a credit note's reconciliation is no payment."""
        partials, _exchange = move._get_reconciled_invoices_partials()
        return sum(
            (
                money(amount)
                for _partial, amount, counterpart in partials
                if not counterpart.move_id.is_invoice(include_receipts=True)
            ),
            money(0),
        )

    def _totals_mismatch(self, move, invoice):
        odoo = (move.amount_untaxed, move.amount_tax, move.amount_total)
        billy = (invoice.get("amount"), invoice.get("tax"), invoice.get("grossAmount"))
        if all(money(o) == money(b) for o, b in zip(odoo, billy, strict=True)):
            return None
        return Message(
            self.env,
            "totals_differ",
            o1=money(odoo[0]),
            o2=money(odoo[1]),
            o3=money(odoo[2]),
            b1=money(billy[0]),
            b2=money(billy[1]),
            b3=money(billy[2]),
        )

    def _write_status(self, move, link, invoice, linked=None):
        """Billy's status of the invoice on its link, with the `linked` values (one write)."""
        values = {
            "billy_invoice_no": invoice.get("invoiceNo") or False,
            "billy_state": invoice.get("state") or False,
            "billy_is_paid": bool(invoice.get("isPaid")),
            "billy_balance": invoice.get("balance") or 0.0,
            "billy_late_fees": float(invoice_money.late_fees(invoice) or 0),
            "billy_figures_known": True,
        }
        # a write answer carries no balance modifiers: what was paid stays as last read (a
        # draft just sent has none)
        settled = invoice_money.settlements(invoice)
        if settled is not None:
            values["billy_paid"] = float(settled[0])
            values["billy_credited"] = float(settled[1])
            values["billy_paid_date"] = invoice_money.last_payment_date(invoice) or False
        changed = {key: value for key, value in values.items() if link[key] != value}
        if changed or linked:
            link.write({**changed, **(linked or {})})
            # and what the Billy tab says of them (account_move_billy_payment.py)
            move.invalidate_recordset(
                [*values, "billy_payment_status", "billy_payment_to_register"]
            )

    def _voided(self, move, invoice):
        """Voided in Billy while still open in Odoo: the accountant must settle it in Odoo."""
        if invoice.get("state") != "voided" or move.state == "cancel":
            return None
        if move.payment_state == "reversed":
            return None
        return Message(self.env, "voided", move.name)

    def _register_payment(self, move, invoice, asked=False):
        missing = self.missing_payment(move, invoice, asked)
        if not missing:
            return missing
        values = {
            "amount": float(missing),
            "payment_date": fields.Date.context_today(move),
            "communication": self.env._("Paid in Billy (%s)", move.billy_invoice_no or move.name),
        }
        # asked for without a journal for Billy payments: the payment's default journal
        if self.company.billy_payment_journal_id:
            values["journal_id"] = self.company.billy_payment_journal_id.id
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(values)
        )
        wizard.action_create_payments()
        message = Message(self.env, "payment_registered", missing)
        self.run.journal.line(INVOICE, move, invoice["id"], TO_ODOO, "updated", message)
        self.run.journal.note(move, message)
        return missing
