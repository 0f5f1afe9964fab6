from unittest.mock import patch

from odoo.tests import tagged

from ..sync.kinds import ContactKind
from .common import BillyCase


@tagged("post_install", "-at_install")
class TestBadAnswers(BillyCase):
    """Odd answers from Billy give a clear per-record error or the documented reaction."""

    def test_cut_off_answer_to_a_create_fails_the_record_and_the_next_run_links_it(self):
        self.company.billy_bulk_size = 0  # a single request's answer (bulk: test_bulk.py)
        partner = self.make_company()
        other = self.make_company("Anden ApS", vat="DK55555555")
        self.sandbox.set_faults(
            [{"kind": "malformed", "method": "POST", "path": "/v2/contacts$", "count": 1}]
        )
        log = self.sync()
        failed = partner if partner.billy_sync_state == "failed" else other
        self.assertEqual(log.failed, 1)
        self.assertIn("could not understand", failed.billy_sync_error)
        self.assertIn("check Billy", failed.billy_sync_error)
        log = self.sync()
        self.assertEqual((log.linked, log.created_billy, log.failed), (1, 0, 0))
        self.assertEqual(len(self.billy_contacts()), 2)

    def test_any_error_in_one_record_fails_that_record_alone(self):
        """Not only Billy's and Odoo's known errors: a plain ValueError (as psycopg2 raises
        for a NUL character; billy_api now cleans those from Billy's answers) fails its
        record in its savepoint, and the run goes on with the next one."""
        self.company.billy_sync_direction = "billy_to_odoo"
        for name in ("Nul ApS", "Fin ApS"):
            self.billy_create(
                "contacts", {"type": "company", "name": name, "countryId": "DK", "cityText": "By"}
            )
        create_in_odoo = ContactKind.create_in_odoo

        def failing(handler, flat, vals):
            if flat["name"] == "Nul ApS":
                raise ValueError("A string literal cannot contain NUL (0x00) characters.")
            return create_in_odoo(handler, flat, vals)

        guard_logger = "odoo.addons.billy_connector.sync.guard"
        with (
            patch.object(ContactKind, "create_in_odoo", failing),
            self.assertLogs(guard_logger, "WARNING") as logged,
        ):
            log = self.sync()
        self.assertIn("NUL", logged.output[0])
        self.assertEqual((log.state, log.failed, log.created_odoo), ("partial", 1, 1))
        (failed,) = log.line_ids.filtered(lambda line: line.action == "failed")
        self.assertIn("NUL", failed.message)
        Partner = self.env["res.partner"]
        self.assertTrue(Partner.search([("name", "=", "Fin ApS")]).billy_id)
        self.assertFalse(Partner.search([("name", "=", "Nul ApS")]))

    def test_unknown_billy_id_on_the_button_unlinks_instead_of_failing_forever(self):
        partner = self.make_company()
        self.sync()
        self.billy.delete("contacts", partner.billy_id)
        action = partner.action_billy_sync()
        result = self.env["billy.sync.result"].browse(action["res_id"])
        self.assertIn("Deleted in Billy", result.message)
        self.assertFalse(partner.billy_id)
        self.assertTrue(partner.exists())

    def test_server_errors_on_writes_fail_the_record_with_billy_s_reason(self):
        self.company.billy_bulk_size = 0  # a single request's answer (bulk: test_bulk.py)
        partner = self.make_company()
        self.sandbox.set_faults([{"kind": "error", "status": 503, "method": "POST", "count": 1}])
        self.sync()
        self.assertEqual(partner.billy_sync_state, "failed")
        self.assertIn("503", partner.billy_sync_error)
        self.sync()
        self.assertEqual(partner.billy_sync_state, "synced")
        self.assertEqual(len(self.billy_contacts()), 1)

    def test_invoice_voided_in_billy_is_flagged_until_odoo_settles_it(self):
        self.company.billy_invoice_state = "approved"
        self.company.tax_calculation_rounding_method = "round_globally"
        product = self.make_product()
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.make_company().id,
                "invoice_date": "2026-11-02",
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.product_variant_id.id,
                            "quantity": 1,
                            "price_unit": 100.0,
                            "tax_ids": [(6, 0, self.tax_25.ids)],
                        },
                    )
                ],
            }
        )
        move.action_post()
        self.sync()
        self.assertEqual(move.billy_state, "approved")
        self.sandbox.void_invoice(move.billy_id)
        log = self.sync()
        self.assertEqual(move.billy_state, "voided")
        self.assertEqual(move.billy_sync_state, "failed")
        self.assertIn("voided in Billy", move.billy_sync_error)
        self.assertIn("voided in Billy", " ".join(log.line_ids.mapped("message")))
        self.assertEqual(move.payment_state, "not_paid")  # a voided balance is no payment
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"journal_id": move.journal_id.id, "date": "2026-11-03"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.action_post()
        self.company.billy_sync_direction = "billy_to_odoo"  # the credit note stays in Odoo
        self.sync()
        self.assertEqual(move.payment_state, "reversed")
        self.assertEqual(move.billy_sync_state, "synced")
