from unittest.mock import patch

from odoo.tests import tagged

from ..sync import run
from .common import TOKEN, BillyCase


@tagged("post_install", "-at_install")
class TestReliability(BillyCase):
    def test_repeated_runs_create_nothing_twice(self):
        company = self.make_company()
        self.env["res.partner"].create(
            {"name": "Hannah", "email": "h@fjord.dk", "parent_id": company.id}
        )
        self.make_product()
        for _run in range(3):
            self.sync()
        (contact,) = self.billy_contacts()
        self.assertEqual(len(contact["contactPersons"]), 1)
        self.assertEqual(len(self.billy_products()), 1)
        self.assertEqual(
            self.env["billy.link"].search_count([("company_id", "=", self.company.id)]), 3
        )

    def test_checkpoints_in_a_run_keep_every_record_and_log_line(self):
        """Every few records a run writes its buffers and empties the ORM cache (memory stays
        flat on large books), with requests still in flight: nothing may be lost on the way."""
        self.company.billy_requests_in_flight = 3
        companies = [
            self.make_company(f"Kunde {i} ApS", vat=f"DK1000000{i}", email=f"k{i}@kunde.dk")
            for i in range(5)
        ]
        self.env["res.partner"].create(
            [{"name": f"Person {i}", "parent_id": c.id} for i, c in enumerate(companies)]
        )
        for i in range(4):
            self.make_product(f"Vare {i}", default_code=f"V-{i}")
        checkpoint = run.SyncRun._checkpoint
        with (
            patch.object(run, "BATCH_SIZE", 2),
            patch.object(run.SyncRun, "_checkpoint", autospec=True) as checkpoints,
        ):
            checkpoints.side_effect = checkpoint
            log = self.sync()
        self.assertGreaterEqual(checkpoints.call_count, 6)  # 14 records, one every 2 steps
        self.assertEqual((log.created_billy, log.failed), (14, 0))
        self.assertEqual(len(log.line_ids.filtered(lambda line: line.action == "created")), 14)
        contacts = self.billy_contacts()
        self.assertEqual(len(contacts), 5)
        self.assertEqual([len(c["contactPersons"]) for c in contacts], [1] * 5)
        self.assertEqual(len(self.billy_products()), 4)
        for record in (*companies, *companies[0].child_ids):
            self.assertEqual(record.billy_sync_state, "synced")
            self.assertIn("Created in Billy", record.message_ids[:1].body)
        self.sandbox.reset_stats()
        log = self.sync()
        self.assertEqual((log.unchanged, log.created_billy), (14, 0))
        self.assertFalse(self.writes())

    def test_a_due_checkpoint_waits_for_the_next_batch(self):
        """A checkpoint empties the ORM cache: in the middle of a batch it would drop what was
        read for the batch at once. It waits for the batch's end, at most twice the steps."""
        sync_run = run.SyncRun(self.company, trigger="cron")
        sync_run.batch_size = 3
        with patch.object(run.SyncRun, "_checkpoint", autospec=True) as checkpoints:
            checkpoints.side_effect = lambda self: setattr(self, "_since_checkpoint", 0)
            for _step in range(5):
                sync_run.step()
            self.assertEqual(checkpoints.call_count, 0)  # due after 3, the batch goes on
            partners = self.env["res.partner"].create([{"name": f"P{i}"} for i in range(4)])
            batches = list(sync_run.batches(partners))
            self.assertEqual(checkpoints.call_count, 1)  # before the first batch
            self.assertEqual([len(batch) for batch in batches], [3, 1])
            for _step in range(6):  # a loop without batches
                sync_run.step()
            self.assertEqual(checkpoints.call_count, 2)

    def test_lost_response_on_create_is_linked_next_run_not_duplicated(self):
        self.company.billy_bulk_size = 0  # a single request's answer (bulk: test_bulk.py)
        partner = self.make_company()
        self.sandbox.set_faults(
            [{"kind": "lost_response", "method": "POST", "path": "/v2/contacts$", "count": 1}]
        )
        log = self.sync()
        self.assertEqual(log.failed, 1)
        self.assertEqual(partner.billy_sync_state, "failed")
        self.assertTrue(partner.billy_sync_error)
        self.assertEqual(len(self.billy_contacts()), 1)  # Billy applied the write
        log = self.sync()
        self.assertEqual((log.linked, log.created_billy, log.failed), (1, 0, 0))
        self.assertEqual(len(self.billy_contacts()), 1)
        self.assertEqual(partner.billy_sync_state, "synced")

    def test_partner_without_country_fails_alone_with_a_clear_error(self):
        bad = self.make_company("Uden Land ApS", vat="DK99999999", country_id=False)
        good = self.make_company()
        log = self.sync()
        self.assertEqual(log.state, "partial")
        self.assertEqual((log.failed, log.created_billy), (1, 1))
        self.assertEqual(bad.billy_sync_state, "failed")
        self.assertIn("country", bad.billy_sync_error)
        self.assertIn("Uden Land ApS", bad.billy_sync_error)
        self.assertEqual(good.billy_sync_state, "synced")
        failed_line = log.line_ids.filtered(lambda line: line.action == "failed")
        self.assertEqual(failed_line.res_id, bad.id)
        # retried next run once fixed
        bad.country_id = self.denmark
        log = self.sync()
        self.assertEqual(log.created_billy, 1)
        self.assertEqual(bad.billy_sync_state, "synced")

    def test_billy_validation_error_is_shown_on_the_record(self):
        kosovo = self.env["res.country"].create({"name": "Testland", "code": "XT"})
        bad = self.make_company("Testland Ltd", vat=False, country_id=kosovo.id)
        good = self.make_product()
        log = self.sync()
        self.assertEqual(bad.billy_sync_state, "failed")
        self.assertIn("countryId", bad.billy_sync_error)
        self.assertEqual(good.billy_sync_state, "synced")
        self.assertEqual(log.failed, 1)

    def test_server_errors_on_reads_are_retried(self):
        self.make_company()
        self.sync()
        self.sandbox.set_faults([{"kind": "error", "status": 503, "method": "GET", "count": 2}])
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)

    def test_billy_down_fails_the_run_with_a_reason(self):
        self.make_company()
        self.company.write({"billy_api_url": "http://127.0.0.1:9/v2", "billy_api_key": TOKEN})
        log = self.sync()
        self.assertEqual(log.state, "failed")
        self.assertTrue(log.message)

    def test_bulk_run_waits_for_no_one_and_says_another_run_is_busy(self):
        self.make_company()
        with self.registry.cursor() as other:
            other.execute("SELECT pg_advisory_xact_lock(%s, %s)", (0x42494C4C, self.company.id))
            log = self.sync()
        self.assertEqual(log.state, "failed")
        self.assertIn("already running", log.message)
        self.assertEqual(self.billy_contacts(), [])

    def test_record_being_synced_elsewhere_is_skipped_not_duplicated(self):
        partner = self.make_company()
        with self.registry.cursor() as other:
            other.execute("SELECT pg_advisory_xact_lock(%s, %s)", (0x42494C50, partner.id))
            action = partner.action_billy_sync()
        result = self.env["billy.sync.result"].browse(action["res_id"])
        self.assertIn("being synced by someone else", result.message)
        self.assertEqual(self.billy_contacts(), [])
