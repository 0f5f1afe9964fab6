"""Billy as its public sources show it (docs/billy_api_contract.md, "Sourced facts"): money is
what Billy received, not grossAmount - balance; a rotating downloadUrl is no change; both
credit-note literals; a Danish contact's cityId."""

import base64
from unittest.mock import PropertyMock, patch

from odoo.tests import tagged

from .common import InvoiceCase


@tagged("post_install", "-at_install")
class TestRealBilly(InvoiceCase):
    def setUp(self):
        super().setUp()
        journal = self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "bank")], limit=1
        )
        self.company.write(
            {
                "billy_register_payments": True,
                "billy_payment_journal_id": journal.id,
                "billy_invoice_state": "approved",
            }
        )

    def pay_in_billy(self, move, amount):
        bank = next(a for a in self.billy.list("accounts") if a.get("isPaymentEnabled"))
        self.billy_create(
            "bankPayments",
            {
                "entryDate": "2026-11-10",
                "cashAmount": amount,
                "cashSide": "debit",
                "cashAccountId": bank["id"],
                "associations": [{"subjectReference": f"invoice:{move.billy_id}"}],
            },
        )

    def credit(self, move, amount=None):
        """A credit note of `move` posted in Odoo (all of it, or one line of `amount`)."""
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"journal_id": move.journal_id.id, "reason": "Kreditering"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        if amount is not None:
            credit_note.invoice_line_ids[0].price_unit = amount
        credit_note.action_post()
        return credit_note

    def test_a_credit_note_settles_without_any_payment(self):
        # fact F1: Billy lowers the credited invoice's balance; no money was received
        move = self.invoice([self.line(1, 400.0)])  # 500.00 with VAT
        self.sync()
        credit_note = self.credit(move, amount=100.0)  # 125.00 with VAT
        self.sync()
        self.assertEqual(self.billy_invoice(credit_note)["type"], "creditNote")
        self.assertEqual(self.billy_invoice(move)["balance"], 375.0)
        self.sync()
        self.assertFalse(move.matched_payment_ids, "a credit note is no payment")
        self.assertEqual(move.amount_residual, 375.0)
        self.assertEqual(move.billy_balance, 375.0)

    def test_a_full_credit_note_leaves_no_payment_behind(self):
        move = self.invoice([self.line(1, 400.0)])
        self.sync()
        self.credit(move)
        self.sync()
        self.sync()
        self.assertFalse(move.matched_payment_ids)
        self.assertEqual(move.payment_state, "reversed")

    def test_late_fees_show_as_fees_and_are_never_booked_as_payments(self):
        # fact F2a: Billy's balance includes late fees, its grossAmount does not
        move = self.invoice([self.line(1, 400.0)])
        self.sync()
        self.pay_in_billy(move, 200.0)
        self.sandbox.add_late_fee(move.billy_id, 100.0)
        self.sync()
        billy = self.billy_invoice(move)
        self.assertEqual((billy["grossAmount"], billy["balance"]), (500.0, 400.0))
        self.assertEqual(move.billy_late_fees, 100.0)
        self.assertEqual(move.billy_balance, 400.0)
        self.assertEqual(move.amount_residual, 300.0, "the 200 received, no more")
        self.assertEqual(len(move.matched_payment_ids), 1)
        self.sync()
        self.assertEqual(len(move.matched_payment_ids), 1, "nothing booked twice")

    def test_rotating_download_urls_are_no_change(self):
        # fact F3: every read hands out another downloadUrl
        self.assertIn("rotating-download-url", self.sandbox.quirks)
        moves = self.invoice([self.line(2, 300.0)]) | self.invoice([self.line(1, 80.0)])
        self.sync()
        urls = {self.billy_invoice(moves[0])["downloadUrl"] for _ in range(2)}
        self.assertEqual(len(urls), 2, "the sandbox rotates the URL")
        links = moves.mapped(lambda m: self.link_of(m))
        before = [(link.write_date, link.billy_fingerprint) for link in links]
        self.sandbox.reset_stats()
        log = self.sync()
        self.assertEqual(self.writes(), {})
        self.assertEqual(log.updated_billy + log.updated_odoo, 0)
        links.invalidate_recordset()
        self.assertEqual([(link.write_date, link.billy_fingerprint) for link in links], before)

    def test_the_pdf_is_kept_on_the_invoice_and_fetched_again_once_billy_changed_it(self):
        move = self.invoice([self.line(1, 400.0)])
        self.sync()
        action = move.action_billy_open_pdf()
        attachment = self.link_of(move).billy_pdf_id
        self.assertIn(f"/web/content/{attachment.id}", action["url"])
        self.assertTrue(base64.b64decode(attachment.datas).startswith(b"%PDF"))
        self.assertEqual((attachment.res_model, attachment.res_id), ("account.move", move.id))
        self.sandbox.reset_stats()
        move.action_billy_open_pdf()
        self.assertEqual(self.link_of(move).billy_pdf_id, attachment)
        self.assertFalse(self.sandbox.stats()["requests"], "kept: no second download")
        self.pay_in_billy(move, 500.0)
        self.sync()
        move.action_billy_open_pdf()
        fresh = self.link_of(move).billy_pdf_id
        self.assertNotEqual(fresh, attachment)
        self.assertFalse(attachment.exists(), "the stale PDF is gone")

    def test_sending_the_invoice_from_odoo_attaches_billy_s_pdf(self):
        move = self.invoice([self.line(1, 400.0)])
        send = self.env["account.move.send"]
        self.assertFalse(send._get_invoice_extra_attachments(move), "not in Billy yet")
        self.sync()
        attachments = send._get_invoice_extra_attachments(move)
        self.assertEqual(attachments, self.link_of(move).billy_pdf_id)
        self.assertTrue(base64.b64decode(attachments.datas).startswith(b"%PDF"))
        self.sandbox.reset_stats()
        self.assertEqual(send._get_invoice_extra_attachments(move), attachments)
        self.assertFalse(self.sandbox.stats()["requests"], "the kept PDF, no second download")

    def test_the_chatter_reads_the_kept_pdf_and_fetches_nothing(self):
        """The chatter lists an invoice's attachments in a read-only request: Billy's PDF is
        not fetched there (nor written); the kept one is listed."""
        move = self.invoice([self.line(1, 400.0)])
        self.sync()
        self.sandbox.reset_stats()
        with patch.object(type(self.env.cr), "readonly", new_callable=PropertyMock) as readonly:
            readonly.return_value = True
            self.assertFalse(move._get_mail_thread_data_attachments(), "none kept yet")
            self.assertFalse(self.sandbox.stats()["requests"], "nothing fetched")
            self.assertFalse(self.link_of(move).billy_pdf_id)
        kept = self.env["account.move.send"]._get_invoice_extra_attachments(move)
        self.assertTrue(kept)
        with patch.object(type(self.env.cr), "readonly", new_callable=PropertyMock) as readonly:
            readonly.return_value = True
            self.assertIn(kept, move._get_mail_thread_data_attachments())

    def test_a_billy_credit_note_in_either_literal_becomes_a_credit_note(self):
        # fact F4: "creditNote" (three public clients) or "credit_note" (one)
        self.company.billy_sync_direction = "both"
        self.sync()
        contact_id = self.customer.billy_id
        product_id = self.product.billy_id
        for literal in ("creditNote", "credit_note"):
            self.billy_create(
                "invoices",
                {
                    "type": literal,
                    "contactId": contact_id,
                    "entryDate": "2026-11-03",
                    "currencyId": "DKK",
                    "state": "approved",
                    "lines": [{"productId": product_id, "quantity": 1, "unitPrice": 80.0}],
                },
            )
        self.sync()
        pulled = self.env["account.move"].search(
            [("company_id", "=", self.company.id), ("invoice_date", "=", "2026-11-03")]
        )
        self.assertEqual(pulled.mapped("move_type"), ["out_refund", "out_refund"])

    def test_a_danish_city_given_by_cityid_does_not_blank_the_odoo_city(self):
        # fact F5: cityId "dk_aalborg" with an empty cityText
        partner = self.make_company()
        self.sync()
        self.billy.update("contacts", partner.billy_id, {"cityId": "dk_aalborg", "cityText": ""})
        self.company.write({"billy_sync_direction": "both", "billy_priority": "billy"})
        self.sync()
        self.assertEqual(partner.city, "Aalborg")
