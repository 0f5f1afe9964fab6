from odoo.exceptions import UserError
from odoo.tests import tagged

from billy_api import INVOICE_TYPE_CREDIT_NOTE

from .common import BillyCase


@tagged("post_install", "-at_install")
class TestInvoices(BillyCase):
    """Odoo invoices and credit notes arrive in Billy exactly as Odoo computed them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Billy rounds VAT once per invoice (docs/architecture.md); Odoo, with global rounding
        cls.company.tax_calculation_rounding_method = "round_globally"
        group = cls.tax_25.tax_group_id
        cls.tax_25_incl = cls.env["account.tax"].create(
            {
                "name": "Salgsmoms 25% incl.",
                "amount": 25.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
                "company_id": cls.company.id,
                "tax_group_id": group.id,
            }
        )
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].create(
            {
                "name": "2026-01-01",
                "rate": 0.134,
                "currency_id": cls.eur.id,
                "company_id": cls.company.id,
            }
        )

    def setUp(self):
        super().setUp()
        self.customer = self.make_company()
        self.product = self.make_product()

    # --- helpers --------------------------------------------------------------------------

    def invoice(self, lines, partner=None, move_type="out_invoice", post=True, **values):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or self.customer).id,
                "invoice_date": "2026-11-02",
                "invoice_line_ids": [(0, 0, line) for line in lines],
                **values,
            }
        )
        if post:
            move.action_post()
        return move

    def line(self, quantity=1, price=300.0, tax=None, product=None, **values):
        product = self.product if product is None else product
        return {
            "product_id": product.product_variant_id.id if product else False,
            "name": values.pop("name", product.name if product else "Ydelse"),
            "quantity": quantity,
            "price_unit": price,
            "tax_ids": [(6, 0, (tax or self.tax_25).ids)],
            **values,
        }

    def billy_invoice(self, move):
        return self.billy.get("invoices", move.billy_id, include="invoice.lines:embed")

    def assert_totals_match(self, move):
        billy = self.billy_invoice(move)
        self.assertEqual(
            (billy["amount"], billy["tax"], billy["grossAmount"]),
            (move.amount_untaxed, move.amount_tax, move.amount_total),
        )
        self.assertEqual(move.billy_sync_state, "synced", move.billy_sync_error)
        return billy

    # --- Odoo → Billy ---------------------------------------------------------------------

    def test_vat_25_multi_line_with_discount_arrives_to_the_cent(self):
        move = self.invoice(
            [self.line(4, 99.95, discount=10), self.line(1, 300.0), self.line(7, 33.33)]
        )
        log = self.sync()
        self.assertEqual(log.state, "done", log.line_ids.mapped("message"))
        billy = self.assert_totals_match(move)
        self.assertEqual(billy["contactId"], self.customer.billy_id)
        self.assertEqual(billy["type"], "invoice")
        self.assertEqual(billy["state"], "draft")
        self.assertEqual(billy["entryDate"], "2026-11-02")
        self.assertEqual(billy["dueDate"], str(move.invoice_date_due))
        self.assertEqual(billy["taxMode"], "excl")
        self.assertEqual(billy["currencyId"], "DKK")
        self.assertEqual(len(billy["lines"]), 3)
        self.assertEqual({line["productId"] for line in billy["lines"]}, {self.product.billy_id})
        self.assertTrue(billy["externalId"].endswith(f"-{move.id}"))
        self.assertEqual(move.billy_state, "draft")
        self.assertTrue(move.billy_pdf_url.endswith(".pdf"))
        self.assertEqual(move.billy_balance, move.amount_total)

    def test_vat_0_and_lines_without_product_share_one_billy_product_per_rate(self):
        first = self.invoice(
            [self.line(2, 150.0, tax=self.tax_0, product=False, name="Rådgivning")]
        )
        second = self.invoice([self.line(1, 80.0, tax=self.tax_0, product=False, name="Kørsel")])
        self.sync()
        for move in first | second:
            billy = self.assert_totals_match(move)
            self.assertEqual(billy["tax"], 0.0)
        generic = [p for p in self.billy_products() if p["productNo"] == "ODOO-VAT-0"]
        self.assertEqual(len(generic), 1)
        self.assertEqual(generic[0]["salesTaxRulesetId"], self.ruleset_id("Momsfrit"))

    def test_line_vat_other_than_its_product_uses_the_rate_product(self):
        move = self.invoice([self.line(1, 100.0, tax=self.tax_0)])  # product is 25 %, line 0 %
        self.sync()
        billy = self.assert_totals_match(move)
        self.assertEqual(billy["tax"], 0.0)
        self.assertNotEqual(billy["lines"][0]["productId"], self.product.billy_id)

    def test_tax_included_prices_use_billy_incl_mode(self):
        move = self.invoice(
            [self.line(1, 125.0, tax=self.tax_25_incl), self.line(3, 19.99, tax=self.tax_25_incl)]
        )
        self.sync()
        billy = self.assert_totals_match(move)
        self.assertEqual(billy["taxMode"], "incl")

    def test_eur_invoice_carries_currency_and_odoo_rate(self):
        move = self.invoice([self.line(2, 45.5)], currency_id=self.eur.id)
        self.sync()
        billy = self.assert_totals_match(move)
        self.assertEqual(billy["currencyId"], "EUR")
        self.assertAlmostEqual(billy["exchangeRate"], 1 / 0.134, places=4)

    def test_approved_setting_gets_an_invoice_number_and_odoo_refuses_changes(self):
        self.company.billy_invoice_state = "approved"
        move = self.invoice([self.line()])
        self.sync()
        billy = self.assert_totals_match(move)
        self.assertEqual(billy["state"], "approved")
        self.assertEqual(move.billy_invoice_no, billy["invoiceNo"])
        self.assertEqual(move.billy_state, "approved")
        with self.assertRaisesRegex(UserError, "credit note"):
            move.button_draft()
        self.assertEqual(move.state, "posted")

    def test_changed_odoo_invoice_updates_a_billy_draft(self):
        move = self.invoice([self.line()])
        self.sync()
        move.button_draft()
        move.invoice_line_ids[0].quantity = 2
        move.action_post()
        self.sync()
        billy = self.assert_totals_match(move)
        self.assertEqual(billy["lines"][0]["quantity"], 2)
        self.assertEqual(len(self.billy.list("invoices") and list(self.billy.list("invoices"))), 1)

    def test_full_and_partial_credit_notes_credit_the_billy_invoice(self):
        move = self.invoice([self.line(2, 300.0), self.line(1, 100.0)])
        self.sync()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"journal_id": move.journal_id.id, "date": "2026-11-03"})
        )
        full = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        full.action_post()
        partial = self.invoice(
            [self.line(1, 100.0)], move_type="out_refund", reversed_entry_id=move.id
        )
        self.sync()
        for credit_note in full | partial:
            billy = self.assert_totals_match(credit_note)
            self.assertEqual(billy["type"], INVOICE_TYPE_CREDIT_NOTE)
            self.assertEqual(billy["creditedInvoiceId"], move.billy_id)
        self.assertEqual(self.billy_invoice(partial)["grossAmount"], 125.0)

    def test_organization_priority_attaches_the_person_as_att(self):
        person = self.env["res.partner"].create(
            {"name": "Hannah Krog", "email": "hannah@fjord.dk", "parent_id": self.customer.id}
        )
        move = self.invoice([self.line()], partner=person)
        self.sync()
        billy = self.assert_totals_match(move)
        self.assertEqual(billy["contactId"], self.customer.billy_id)
        self.assertEqual(billy["attContactPersonId"], person.billy_id)

    def test_contact_priority_invoices_the_person_itself(self):
        self.company.billy_invoice_partner_priority = "contact"
        person = self.env["res.partner"].create(
            {"name": "Hannah Krog", "email": "hannah@fjord.dk", "parent_id": self.customer.id}
        )
        move = self.invoice([self.line()], partner=person)
        self.sync()
        billy = self.assert_totals_match(move)
        contact = self.billy.get("contacts", billy["contactId"])
        self.assertEqual((contact["type"], contact["name"]), ("person", "Hannah Krog"))
        self.assertNotEqual(billy["contactId"], self.customer.billy_id)

    def test_repeated_runs_and_a_lost_response_push_one_invoice(self):
        move = self.invoice([self.line()])
        self.sandbox.set_faults(
            [{"kind": "lost_response", "method": "POST", "path": "/v2/invoices$", "count": 1}]
        )
        log = self.sync()
        self.assertEqual(move.billy_sync_state, "failed")
        self.assertEqual(log.failed, 1)
        for _run in range(2):
            self.sync()
        invoices = list(self.billy.list("invoices"))
        self.assertEqual(len(invoices), 1)
        self.assertEqual(move.billy_id, invoices[0]["id"])
        self.assert_totals_match(move)

    def test_section_and_note_lines_are_left_out_and_logged(self):
        move = self.invoice(
            [
                {"display_type": "line_section", "name": "Udvendigt"},
                self.line(),
                {"display_type": "line_note", "name": "Husk stige"},
            ]
        )
        log = self.sync()
        billy = self.assert_totals_match(move)
        self.assertEqual(len(billy["lines"]), 1)
        line = log.line_ids.filtered(
            lambda line: line.res_id == move.id and line.res_model == "account.move"
        )
        self.assertIn("Husk stige", line.message)

    def test_per_line_rounding_that_billy_cannot_follow_is_flagged_with_both_figures(self):
        self.company.tax_calculation_rounding_method = "round_per_line"
        move = self.invoice([self.line(1, 33.33), self.line(1, 33.33)])
        self.sync()
        self.assertEqual(move.billy_sync_state, "failed")
        self.assertIn("Totals differ", move.billy_sync_error)
        self.assertIn(str(move.amount_tax), move.billy_sync_error)
        self.assertEqual(len(list(self.billy.list("invoices"))), 1)

    def test_a_discount_odoo_taxes_unrounded_is_flagged_not_hidden(self):
        # 3 x 99.95 - 10 % = 269.865: Odoo taxes the unrounded amount, Billy the rounded one
        move = self.invoice(
            [self.line(3, 99.95, discount=10), self.line(1, 300.0), self.line(7, 33.33)]
        )
        self.sync()
        billy = self.billy_invoice(move)
        self.assertEqual(billy["amount"], move.amount_untaxed)  # the lines match to the cent
        self.assertEqual((move.amount_tax, billy["tax"]), (200.79, 200.8))
        self.assertEqual(move.billy_sync_state, "failed")
        self.assertIn("VAT 200.79", move.billy_sync_error)
        self.assertIn("tax 200.80", move.billy_sync_error)

    def test_record_button_pushes_one_invoice(self):
        move = self.invoice([self.line()])
        other = self.invoice([self.line()])
        action = move.action_billy_sync()
        result = self.env["billy.sync.result"].browse(action["res_id"])
        self.assertIn("created in Billy", result.message)
        self.assertTrue(move.billy_id)
        self.assertFalse(other.billy_id)

    def test_posting_in_automatic_mode_queues_the_push_for_the_cron(self):
        self.company.billy_sync_mode = "auto"
        cron = self.env.ref("billy_connector.ir_cron_billy_sync")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        move = self.invoice([self.line()])
        self.assertEqual(move.billy_sync_state, "changed")
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers
        )
        cron.ir_actions_server_id.run()
        self.assert_totals_match(move)

    # --- Billy → Odoo ---------------------------------------------------------------------

    def billy_side_invoice(self, state="approved", **values):
        invoice = self.billy_create(
            "invoices",
            {
                "contactId": self.customer.billy_id,
                "entryDate": "2026-10-15",
                "currencyId": "DKK",
                "paymentTermsMode": "net",
                "paymentTermsDays": 14,
                "lines": [
                    {
                        "productId": self.product.billy_id,
                        "description": "Alt ude",
                        "quantity": 2,
                        "unitPrice": 123.45,
                        "discountMode": "percent",
                        "discountValue": 10,
                    },
                ],
                **values,
            },
        )
        if state == "approved":
            invoice = self.billy.update("invoices", invoice["id"], {"state": "approved"}).record
        return invoice

    def test_billy_invoices_odoo_lacks_are_created_posted_or_draft(self):
        self.sync()  # links the customer and the product
        approved = self.billy_side_invoice()
        draft = self.billy_side_invoice(state="draft")
        log = self.sync()
        self.assertEqual(log.created_odoo, 2, log.summary)
        Move = self.env["account.move"]
        posted = Move.search([("billy_id", "=", approved["id"])])
        self.assertEqual(posted.state, "posted")
        self.assertEqual(posted.partner_id, self.customer)
        self.assertEqual(posted.invoice_date_due.isoformat(), "2026-10-29")
        self.assertEqual(posted.billy_invoice_no, approved["invoiceNo"])
        self.assertEqual(posted.invoice_line_ids.product_id, self.product.product_variant_id)
        self.assertEqual(posted.invoice_line_ids.tax_ids, self.tax_25)
        self.assert_totals_match(posted)
        self.assertEqual(Move.search([("billy_id", "=", draft["id"])]).state, "draft")
        self.assertEqual(self.sync().created_odoo, 0)

    def test_payment_status_flows_back_and_payments_are_registered(self):
        self.company.billy_invoice_state = "approved"
        journal = self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "bank")], limit=1
        )
        self.company.write(
            {"billy_register_payments": True, "billy_payment_journal_id": journal.id}
        )
        move = self.invoice([self.line(1, 400.0)])  # 500.00 with VAT
        self.sync()
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
        self.sync()
        self.assertEqual((move.billy_is_paid, move.billy_balance), (False, 300.0))
        self.assertEqual(move.amount_residual, 300.0)
        self.assertEqual(move.payment_state, "partial")
        self.billy_create(
            "bankPayments",
            {
                "entryDate": "2026-11-12",
                "cashAmount": 300.0,
                "cashSide": "debit",
                "cashAccountId": bank["id"],
                "associations": [{"subjectReference": f"invoice:{move.billy_id}"}],
            },
        )
        self.sync()
        self.assertTrue(move.billy_is_paid)
        self.assertEqual(move.amount_residual, 0.0)
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        self.sync()
        self.assertEqual(len(move.matched_payment_ids), 2)
