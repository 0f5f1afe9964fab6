from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date, formatLang

from ..sync import invoice_screen as screen
from ..sync.invoice_money import missing_payment
from ..sync.invoice_status import InvoiceStatus
from ..sync.run import SyncRun


class AccountMove(models.Model):
    """The Billy tab's payment: Billy's figures once a sync read them, a sentence saying how
    they relate to Odoo's, and the button that registers in Odoo what Billy received."""

    _inherit = "account.move"

    billy_figures_known = fields.Boolean(compute="_compute_billy_link", compute_sudo=True)
    billy_paid = fields.Monetary(
        string="Amount paid in Billy",
        currency_field="currency_id",
        compute="_compute_billy_link",
        compute_sudo=True,
        help="What Billy's payments of the invoice add up to (credit notes are no payment).",
    )
    billy_paid_date = fields.Date(
        string="Last paid in Billy", compute="_compute_billy_link", compute_sudo=True
    )
    billy_credited = fields.Monetary(
        string="Credited in Billy",
        currency_field="currency_id",
        compute="_compute_billy_link",
        compute_sudo=True,
    )
    billy_payment_status = fields.Char(
        string="Payment in Billy", compute="_compute_billy_payment_status", compute_sudo=True
    )
    billy_payment_to_register = fields.Monetary(
        string="Billy payment not in Odoo",
        currency_field="currency_id",
        compute="_compute_billy_payment_status",
        compute_sudo=True,
        help="What Billy received for the invoice and Odoo has not registered.",
    )

    def _billy_show_link(self, link):
        result = super()._billy_show_link(link)
        self.billy_figures_known = bool(link and link.billy_figures_known)
        self.billy_paid = link.billy_paid if link else 0.0
        self.billy_paid_date = link.billy_paid_date if link else False
        self.billy_credited = link.billy_credited if link else 0.0
        return result

    def _compute_billy_payment_status(self):
        for move in self:
            situation = screen.situation(
                bool(move.billy_id),
                move.billy_figures_known,
                move.billy_state,
                move.billy_is_paid,
                move.billy_paid,
                move.billy_credited,
                move.billy_balance,
            )
            paid_in_odoo = InvoiceStatus.paid_in_odoo(move) if move.state == "posted" else 0
            missing = 0
            if move.state == "posted" and situation in (screen.PAID, screen.PARTIAL):
                missing = missing_payment(move.billy_paid, paid_in_odoo, move.amount_residual)
            move.billy_payment_to_register = float(missing)
            company = move.company_id
            relation = screen.registration(
                move.billy_paid,
                paid_in_odoo,
                missing,
                company.billy_register_payments and company.billy_payment_journal_id,
            )
            move.billy_payment_status = move._billy_payment_sentence(
                situation, relation, paid_in_odoo, missing
            )

    def _billy_money(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    def _billy_payment_sentence(self, situation, relation, paid_in_odoo, missing):
        due = self._billy_money(self.amount_residual)
        if situation == screen.NOT_SYNCED:
            return self.env._("Not in Billy yet: Billy's figures show here after the first sync.")
        if situation == screen.NOT_READ:
            return self.env._(
                "Billy's figures have not been read yet: they show here after the next sync."
            )
        if situation == screen.DRAFT:
            return self.env._(
                "A draft in Billy: nothing can be paid in Billy before it is approved."
            )
        if situation == screen.VOIDED:
            if self.state == "posted" and not self.currency_id.is_zero(self.amount_residual):
                return self.env._(
                    "Voided in Billy, while Odoo still has %(due)s due: cancel the invoice or "
                    "issue a credit note in Odoo as well.",
                    due=due,
                )
            return self.env._("Voided in Billy.")
        billy = self._billy_billy_sentence(situation)
        return f"{billy} {self._billy_odoo_sentence(relation, paid_in_odoo, missing)}"

    def _billy_billy_sentence(self, situation):
        """What Billy says of the invoice's payment."""
        balance = self._billy_money(self.billy_balance)
        if situation == screen.CREDITED:
            sentence = self.env._(
                "Settled in Billy by a credit note (%(credited)s), without a payment.",
                credited=self._billy_money(self.billy_credited),
            )
        elif situation == screen.PAID and self.billy_paid_date:
            sentence = self.env._(
                "Paid in Billy on %(date)s (%(paid)s).",
                date=format_date(self.env, self.billy_paid_date),
                paid=self._billy_money(self.billy_paid),
            )
        elif situation == screen.PAID:
            sentence = self.env._("Paid in Billy: %s.", self._billy_money(self.billy_paid))
        elif situation == screen.PARTIAL:
            sentence = self.env._(
                "Partly paid in Billy: %(paid)s paid, Billy balance %(balance)s.",
                paid=self._billy_money(self.billy_paid),
                balance=balance,
            )
        else:
            sentence = self.env._("Not paid in Billy: Billy balance %s.", balance)
        if self.billy_late_fees and situation in (screen.PARTIAL, screen.NOT_PAID):
            sentence += " " + self.env._(
                "Billy's balance includes %s of late fees, which Odoo does not have.",
                self._billy_money(self.billy_late_fees),
            )
        return sentence

    def _billy_odoo_sentence(self, relation, paid_in_odoo, missing):
        """How Odoo's payments stand to Billy's, and Odoo's amount due."""
        due = self._billy_money(self.amount_residual)
        missing = self._billy_money(float(missing))
        if relation == screen.REGISTERED:
            if self.currency_id.is_zero(self.amount_residual):
                return self.env._("Registered in Odoo as well: nothing is due in Odoo.")
            return self.env._("Registered in Odoo as well; Odoo has %s due.", due)
        if relation == screen.REGISTRATION_PENDING:
            return self.env._(
                "%(missing)s of it is not registered in Odoo yet: the next sync registers it. "
                "Odoo has %(due)s due.",
                missing=missing,
                due=due,
            )
        if relation == screen.REGISTRATION_OFF and self.company_id.billy_register_payments:
            return self.env._(
                "%(missing)s of it is not registered in Odoo: no journal for Billy payments "
                "is chosen in Settings → Billy. Register it with the button below. Odoo has "
                "%(due)s due.",
                missing=missing,
                due=due,
            )
        if relation == screen.REGISTRATION_OFF:
            return self.env._(
                "%(missing)s of it is not registered in Odoo because payment registration is "
                "off — turn it on in Settings → Billy, or register it with the button below. "
                "Odoo has %(due)s due.",
                missing=missing,
                due=due,
            )
        if relation == screen.ODOO_AHEAD:
            return self.env._(
                "Odoo has registered %(odoo)s, more than Billy received: payments registered "
                "in Odoo are not sent to Billy. Odoo has %(due)s due.",
                odoo=self._billy_money(float(paid_in_odoo)),
                due=due,
            )
        return self.env._("Odoo has %s due.", due)

    def action_billy_register_payments(self):
        """Register in Odoo the payments Billy has of these invoices and Odoo lacks (the Billy
        tab's button), whatever the setting: for who may register payments in Odoo."""
        self.check_access("write")
        self.env["account.payment"].check_access("create")
        self.env["account.payment.register"].check_access("create")
        others = self.filtered(lambda move: not move._billy_is_customer_document())
        if others or self.filtered(lambda move: not move.billy_id):
            raise UserError(
                self.env._(
                    "Only customer invoices and credit notes that are in Billy have Billy "
                    "payments to register."
                )
            )
        if len(self.company_id) != 1:
            raise UserError(self.env._("Register the payments of one company at a time."))
        run = SyncRun(self.company_id, trigger="record")
        log = run.run_payment_registration(self)
        return self.env["billy.sync.result"]._open_for(run.outcomes, log, run.reviews)
