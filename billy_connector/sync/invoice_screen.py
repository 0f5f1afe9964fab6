"""What the Billy tab of an invoice says of its payment: how Billy's figures relate to Odoo's.

Two decisions, plain Python (no Odoo): where the invoice stands in Billy (`situation`), and
how Odoo's registered payments stand to Billy's (`registration`). The sentences are the
model's (account_move_billy_payment.py), translated.
"""

from .fingerprint import money

# where the invoice stands in Billy
NOT_SYNCED = "not_synced"  # not in Billy: no figures
NOT_READ = "not_read"  # in Billy, its figures not read yet (a link older than them)
DRAFT = "draft"  # a Billy draft: nothing can be paid yet
VOIDED = "voided"
CREDITED = "credited"  # settled by credit notes, no money
PAID = "paid"
PARTIAL = "partial"
NOT_PAID = "not_paid"

# how Odoo's registered payments stand to Billy's
REGISTERED = "registered"  # Odoo has registered what Billy received
REGISTRATION_OFF = "off"  # Billy has more; the company does not register Billy's payments
REGISTRATION_PENDING = "pending"  # Billy has more; the next sync registers it
ODOO_AHEAD = "odoo_ahead"  # Odoo registered more than Billy received (not sent to Billy)
NOTHING = "nothing"  # nothing paid on either side


def situation(in_billy, known, state, is_paid, paid, credited, balance):
    """Where the invoice stands in Billy, from the figures a sync stored."""
    if not in_billy:
        return NOT_SYNCED
    if not known:
        return NOT_READ
    if state == "voided":
        return VOIDED
    if state == "draft":
        return DRAFT
    paid, credited = money(paid), money(credited)
    if is_paid or money(balance) <= 0:
        if paid > 0:
            return PAID
        return CREDITED if credited > 0 else NOT_PAID
    return PARTIAL if paid > 0 else NOT_PAID


def registration(paid_in_billy, paid_in_odoo, to_register, registers_payments):
    """How Odoo's registered payments stand to Billy's; `to_register`: what Odoo could still
    register of Billy's (invoice_money.missing_payment)."""
    paid_in_billy, paid_in_odoo = money(paid_in_billy), money(paid_in_odoo)
    if money(to_register) > 0:
        return REGISTRATION_PENDING if registers_payments else REGISTRATION_OFF
    if paid_in_odoo > paid_in_billy:
        return ODOO_AHEAD
    if paid_in_billy > 0:
        return REGISTERED
    return NOTHING
