"""The Billy tab's payment: where an invoice stands in Billy, and how Odoo's payments stand to
Billy's (issue 15, item 6)."""

import pytest

from billy_connector.sync import invoice_screen as screen


@pytest.mark.parametrize(
    "in_billy, known, state, is_paid, paid, credited, balance, expected",
    [
        (False, False, False, False, 0, 0, 0, screen.NOT_SYNCED),
        # linked, figures never read: not "balance 0"
        (True, False, False, False, 0, 0, 0, screen.NOT_READ),
        (True, True, "draft", False, 0, 0, 750, screen.DRAFT),
        (True, True, "voided", False, 0, 0, 0, screen.VOIDED),
        (True, True, "approved", True, 750, 0, 0, screen.PAID),
        (True, True, "approved", True, 0, 750, 0, screen.CREDITED),
        (True, True, "approved", False, 375, 0, 375, screen.PARTIAL),
        (True, True, "approved", False, 0, 0, 750, screen.NOT_PAID),
        # late fees keep the balance open though the gross amount was paid
        (True, True, "approved", False, 750, 0, 50, screen.PARTIAL),
        # a partial credit note lowers the balance without any money
        (True, True, "approved", False, 0, 250, 500, screen.NOT_PAID),
    ],
)
def test_situation(in_billy, known, state, is_paid, paid, credited, balance, expected):
    assert screen.situation(in_billy, known, state, is_paid, paid, credited, balance) == expected


@pytest.mark.parametrize(
    "paid_in_billy, paid_in_odoo, to_register, registers, expected",
    [
        (750, 750, 0, False, screen.REGISTERED),
        (750, 0, 750, False, screen.REGISTRATION_OFF),
        (750, 0, 750, True, screen.REGISTRATION_PENDING),
        (375, 0, 375, False, screen.REGISTRATION_OFF),
        # Odoo's payment is not sent to Billy: the PARTIAL ribbon beside Billy's full balance
        (0, 375, 0, False, screen.ODOO_AHEAD),
        (0, 0, 0, True, screen.NOTHING),
        # Billy's payment is more than Odoo has due (a credit note in Odoo): nothing to add
        (750, 500, 0, False, screen.REGISTERED),
    ],
)
def test_registration(paid_in_billy, paid_in_odoo, to_register, registers, expected):
    assert screen.registration(paid_in_billy, paid_in_odoo, to_register, registers) == expected
