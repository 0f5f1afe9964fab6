"""The core scenarios under each quirk of the real Billy that no public source settles
(billy_api/sandbox/quirks.py, docs/billy_api_contract.md "Readings no source settles"): a first
sync, a re-sync writing nothing, a change on each side, a refused record, a lost answer on each
kind of create, and an invoice's money (a partial payment, a late fee, a credit note). Under
every quirk: no duplicate, nothing lost, Odoo's payment state is the money Billy received."""

from odoo.tests import tagged

from .common import InvoiceCase

LOST_CREATES = [
    {"kind": "lost_response", "method": "POST", "path": f"/v2/{resource}$", "count": 1}
    for resource in ("contacts", "contactPersons", "products", "invoices")
]


def failures(log):
    return log.line_ids.filtered(lambda line: line.action == "failed").mapped("message")


class QuirkScenarios:
    """Mixed into one test class per quirk (`quirk`), switched on alone for its tests."""

    quirk = None

    def setUp(self):
        super().setUp()
        self.sandbox.set_quirks(on=[self.quirk])
        self.addCleanup(self.sandbox.set_quirks, off=[self.quirk])
        self.person = self.env["res.partner"].create(
            {"name": "Hannah Krog", "email": "hannah@fjord.dk", "parent_id": self.customer.id}
        )

    def assert_one_of_each_in_billy(self):
        contacts = self.billy_contacts()
        self.assertEqual([c["name"] for c in contacts], [self.customer.name], "no duplicate")
        self.assertEqual([p["name"] for p in contacts[0]["contactPersons"]], ["Hannah Krog"])
        self.assertEqual([p["name"] for p in self.billy_products()], [self.product.name])
        for record in (self.customer, self.person, self.product):
            self.assertEqual(record.billy_sync_state, "synced", record.billy_sync_error)
        self.assertEqual(self.customer.billy_id, contacts[0]["id"])
        self.assertEqual(self.person.billy_id, contacts[0]["contactPersons"][0]["id"])

    def test_first_sync_resync_changes_on_both_sides_and_a_refusal(self):
        move = self.invoice([self.line(3, 99.95, discount=10.0), self.line(1, 80.0)])
        log = self.sync()
        self.assertEqual(log.failed, 0, failures(log))
        self.assert_one_of_each_in_billy()
        self.assertEqual(len(list(self.billy.list("invoices"))), 1)
        self.assert_totals_match(move)
        self.sandbox.reset_stats()
        log = self.sync()
        self.assertEqual(self.writes(), {}, "nothing changed: nothing written")
        self.assertEqual(log.updated_billy + log.updated_odoo + log.failed, 0, log.summary)
        # a change on each side, an invoice's lines changed in Odoo, a record Billy refuses
        self.customer.street = "Havnegade 1"
        self.billy.update("products", self.product.billy_id, {"name": "Facadevask"})
        move.button_draft()
        move.invoice_line_ids[0].quantity = 4
        move.action_post()
        testland = self.env["res.country"].create({"name": "Testland", "code": "XT"})
        refused = self.make_company("Testland Ltd", vat=False, country_id=testland.id)
        log = self.sync()
        self.assertEqual(log.failed, 1, failures(log))
        self.assertEqual(refused.billy_sync_state, "failed")
        self.assertIn("countryId", refused.billy_sync_error)
        (line,) = log.line_ids.filtered(lambda line: line.action == "failed")
        self.assertIn("countryId", line.message)
        self.assertEqual(self.billy_contacts()[0]["street"], "Havnegade 1")
        self.assertEqual(self.product.name, "Facadevask")
        billy = self.assert_totals_match(move)
        self.assertEqual(sorted(line["quantity"] for line in billy["lines"]), [1, 4])
        self.assertEqual(len(list(self.billy.list("invoices"))), 1)

    def test_lost_answers_on_every_create_then_an_invoice_s_money(self):
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
        move = self.invoice([self.line(1, 400.0)])  # 500.00 with VAT
        self.sandbox.set_faults(LOST_CREATES)
        self.sync()
        self.sandbox.clear_faults()
        self.sync()
        log = self.sync()
        self.assertEqual(log.failed, 0, failures(log))
        self.assert_one_of_each_in_billy()
        (billy,) = self.billy.list("invoices")
        self.assertEqual((move.billy_id, billy["grossAmount"]), (billy["id"], 500.0))
        # the money: 200 received, a late fee of 50, a credit note of 125
        bank = next(a for a in self.billy.list("accounts") if a.get("isPaymentEnabled"))
        self.billy_create(
            "bankPayments",
            {
                "entryDate": "2026-11-10",
                "cashAmount": 200.0,
                "cashSide": "debit",
                "cashAccountId": bank["id"],
                "associations": [{"subjectReference": f"invoice:{move.billy_id}"}],
            },
        )
        self.sandbox.add_late_fee(move.billy_id, 50.0)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"journal_id": move.journal_id.id, "reason": "Kreditering"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.invoice_line_ids[0].price_unit = 100.0
        credit_note.action_post()
        self.sync()
        log = self.sync()
        self.assertEqual(log.failed, 0, failures(log))
        self.assertEqual(self.billy_invoice(move)["balance"], 225.0)  # 500 + 50 - 200 - 125
        self.assertEqual(move.billy_late_fees, 50.0)
        self.assertEqual(sum(move.matched_payment_ids.mapped("amount")), 200.0)
        self.assertEqual((move.amount_residual, move.payment_state), (175.0, "partial"))
        self.assertEqual(len(list(self.billy.list("invoices"))), 2, "the invoice, its credit note")


@tagged("post_install", "-at_install")
class TestSingularRoot(QuirkScenarios, InvoiceCase):
    quirk = "singular-root"


@tagged("post_install", "-at_install")
class TestExternalIdDropped(QuirkScenarios, InvoiceCase):
    quirk = "external-id-dropped"


@tagged("post_install", "-at_install")
class TestQIgnored(QuirkScenarios, InvoiceCase):
    quirk = "q-ignored"


@tagged("post_install", "-at_install")
class TestLinesFrozen(QuirkScenarios, InvoiceCase):
    quirk = "lines-frozen"


@tagged("post_install", "-at_install")
class TestRotatingDownloadUrl(QuirkScenarios, InvoiceCase):
    quirk = "rotating-download-url"


@tagged("post_install", "-at_install")
class TestNoBulk(QuirkScenarios, InvoiceCase):
    quirk = "no-bulk"


@tagged("post_install", "-at_install")
class TestValidation400(QuirkScenarios, InvoiceCase):
    quirk = "validation-400"
