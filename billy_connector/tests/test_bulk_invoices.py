from odoo.tests import tagged

from .common import InvoiceCase


@tagged("post_install", "-at_install")
class TestBulkInvoices(InvoiceCase):
    """New Billy drafts in bulk saves (sync/invoice_bulk.py): one request a batch, each
    invoice checked in the answer, nothing duplicated after a lost answer."""

    def make_invoices(self, count=3):
        return [self.invoice([self.line(i + 1, 100.0 + i), self.line()]) for i in range(count)]

    def billy_invoices(self):
        return list(self.billy.list("invoices", include="invoice.lines:embed"))

    def assert_each_once_in_billy(self, moves):
        billy = self.billy_invoices()
        self.assertEqual(len(billy), len(moves))
        self.assertEqual({i["id"] for i in billy}, {m.billy_id for m in moves})
        for move in moves:
            self.assertEqual(len(self.assert_totals_match(move)["lines"]), 2)

    def test_first_sync_creates_the_invoices_in_one_request(self):
        moves = self.make_invoices()
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        writes = self.writes()
        self.assertEqual(writes.get("PATCH /v2/invoices"), 1)
        self.assertNotIn("POST /v2/invoices", writes)
        self.assertNotIn("PUT /v2/invoices/:id", writes)
        self.assert_each_once_in_billy(moves)
        for move in moves:
            self.assertEqual(move.billy_state, "draft")
        self.assertIn("Sent to Billy", moves[0].message_ids[0].body)
        # in step: the next run writes nothing
        self.sandbox.reset_stats()
        self.sync()
        self.assertEqual(self.writes(), {})

    def test_a_refused_invoice_fails_alone(self):
        good = self.make_invoices(2)
        chf = self.env.ref("base.CHF")
        chf.active = True
        bad = self.invoice([self.line()], currency_id=chf.id)  # a currency Billy lacks
        log = self.sync()
        self.assertEqual(log.state, "partial", log.summary)
        self.assertEqual(log.failed, 1)
        self.assertEqual(bad.billy_sync_state, "failed")
        self.assertFalse(bad.billy_id)
        self.assertIn("currencyId", bad.billy_sync_error)
        self.assert_each_once_in_billy(good)
        writes = self.writes()
        self.assertEqual(writes["PATCH /v2/invoices"], 1)
        # all or nothing: the batch goes again one a request, the refused one alone too
        self.assertEqual(writes["POST /v2/invoices"], 3)

    def test_a_lost_answer_creates_no_invoice_twice(self):
        moves = self.make_invoices()
        self.sandbox.set_faults(
            [{"kind": "lost_response", "method": "PATCH", "path": "/invoices$"}]
        )
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        self.assertEqual(log.failed, 0)
        self.assertGreater(self.sandbox.stats()["faults"]["lost_response"], 0)
        self.assert_each_once_in_billy(moves)
        self.assertNotIn("POST /v2/invoices", self.writes())

    def test_one_invoice_goes_as_a_single_create(self):
        move = self.invoice([self.line()])
        self.sync()
        writes = self.writes()
        self.assertEqual(writes.get("POST /v2/invoices"), 1)
        self.assertNotIn("PATCH /v2/invoices", writes)
        self.assert_totals_match(move)

    def test_approved_invoices_are_created_then_approved_one_by_one(self):
        self.company.billy_invoice_state = "approved"
        moves = self.make_invoices(2)
        self.sync()
        writes = self.writes()
        self.assertNotIn("PATCH /v2/invoices", writes)
        self.assertEqual(writes.get("POST /v2/invoices"), 2)
        for move in moves:
            self.assertEqual(move.billy_state, "approved")
