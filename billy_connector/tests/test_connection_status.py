from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import ORGANIZATION, TOKEN, BillyCase

CLOSED_PORT = "http://127.0.0.1:9/v2"  # nothing listens there: the connection is refused
REVOKED_KEY = [{"kind": "error", "status": 401}]  # Billy refuses the key on every request
NO_ANSWER_TO_READS = [{"kind": "lost_response", "method": "GET"}]  # retried, then given up


@tagged("post_install", "-at_install")
class TestConnectionStatus(BillyCase):
    """A bad key or an unreachable Billy stops the run at once and leaves the records as they
    were; the company's connection status follows what the last call to Billy found."""

    def setUp(self):
        super().setUp()
        self.fjord = self.make_company("Fjord Design ApS", vat="DK11111111")
        self.ninjas = self.make_company("Ninjas ApS", vat="DK22222222")
        self.product = self.make_product()
        self.assertEqual(self.sync().state, "done")
        # the links as a run must leave them: one record changed in Odoo, the others synced
        self.fjord.phone = "70 20 30 40"
        self.product.list_price = 350.0
        self.states = self.link_states()
        self.assertEqual(self.states[self.fjord], "changed")
        self.sandbox.reset_stats()

    def link_states(self):
        return {
            record: self.link_of(record).state for record in (self.fjord, self.ninjas, self.product)
        }

    def requests(self):
        return sum(self.sandbox.stats()["requests"].values())

    def assert_untouched(self, log):
        self.assertEqual(log.state, "failed")
        self.assertEqual(self.link_states(), self.states)
        self.assertFalse(log.line_ids.filtered(lambda line: line.action == "failed"))
        self.assertEqual(log.failed, 0)
        for record in (self.fjord, self.ninjas, self.product):
            self.assertFalse(record.billy_sync_error, record.display_name)

    def popup(self, action):
        return self.env["billy.sync.result"].browse(action["res_id"])

    # --- a bad key ------------------------------------------------------------------------

    def test_a_revoked_key_stops_the_button_run_at_the_first_request(self):
        self.sandbox.set_faults(REVOKED_KEY)
        action = (self.fjord | self.ninjas).action_billy_sync()
        self.assertEqual(self.requests(), 1)  # the first partner's read; not the second's
        popup = self.popup(action)
        log = popup.log_id
        self.assert_untouched(log)
        self.assertIn("did not accept the API key", log.message)
        self.assertIn("Settings → Billy", log.message)
        # said once, not once a record
        self.assertEqual(popup.message.count("API key"), 1, popup.message)
        self.assertNotIn("failed:", popup.message)
        self.assertEqual(popup.state, "failed")
        company = self.company
        self.assertEqual(company.billy_connection_state, "failed")
        self.assertEqual(company.billy_connection_code, "bad_key")
        self.assertEqual(company.billy_connection_message, log.message)
        self.assertTrue(company.billy_connection_checked)

    def test_a_revoked_key_stops_the_bulk_run_and_the_popup_says_why(self):
        self.sandbox.set_faults(REVOKED_KEY)
        dashboard = self.env["billy.dashboard"].create({})
        popup = self.popup(dashboard.action_sync_now())
        self.assertEqual(self.requests(), 1)
        self.assert_untouched(popup.log_id)
        self.assertEqual(popup.state, "failed")
        self.assertIn("did not accept the API key", popup.message)
        self.assertFalse(popup.failed_line_ids)
        self.assertEqual(self.env["billy.dashboard"].create({}).connection_state, "failed")

    # --- Billy unreachable ----------------------------------------------------------------

    def test_unreachable_billy_stops_the_button_run_and_leaves_the_records(self):
        self.company.write({"billy_api_url": CLOSED_PORT, "billy_api_key": TOKEN})
        self.assertEqual(self.company.billy_connection_state, "failed")
        self.company.billy_connection_checked = fields.Datetime.now() - timedelta(hours=1)
        action = (self.fjord | self.ninjas).action_billy_sync()
        log = self.popup(action).log_id
        self.assert_untouched(log)
        self.assertEqual(self.requests(), 0)
        self.assertIn("Billy did not answer", log.message)
        self.assertEqual(log.message.count("Billy did not answer"), 1)
        self.assertEqual(self.company.billy_connection_code, "unreachable")
        self.assertGreater(
            self.company.billy_connection_checked, fields.Datetime.now() - timedelta(minutes=1)
        )

    def test_billy_unavailable_in_the_middle_of_a_bulk_run_stops_it(self):
        # updates sent one request each, several in flight; every PUT fails after retries
        self.company.write({"billy_bulk_size": 0, "billy_requests_in_flight": 4})
        self.ninjas.phone = "11 22 33 44"
        self.states = self.link_states()
        self.sandbox.set_faults([{"kind": "error", "status": 503, "method": "PUT"}])
        log = self.sync()
        self.assert_untouched(log)
        self.assertIn("Billy is not available right now (HTTP 503", log.message)
        self.assertEqual(self.company.billy_connection_code, "unavailable")
        self.sandbox.clear_faults()
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        self.assertEqual(set(self.link_states().values()), {"synced"})

    def test_the_next_good_run_turns_the_status_green(self):
        self.sandbox.set_faults(NO_ANSWER_TO_READS)
        self.sync()
        self.assertEqual(self.company.billy_connection_state, "failed")
        self.assertIn("Billy did not answer (GET /", self.company.billy_connection_message)
        self.assertEqual(self.link_states(), self.states)
        self.sandbox.clear_faults()
        an_hour_ago = fields.Datetime.now() - timedelta(hours=1)
        self.company.billy_connection_checked = an_hour_ago
        self.assertEqual(self.sync().state, "done")
        self.assertEqual(self.company.billy_connection_state, "ok")
        self.assertEqual(self.company.billy_connection_message, f"Connected to {ORGANIZATION}")
        self.assertGreater(self.company.billy_connection_checked, an_hour_ago)
        # unchanged, the status is written again only after a minute
        half_a_minute_ago = fields.Datetime.now() - timedelta(seconds=30)
        self.company.billy_connection_checked = half_a_minute_ago
        self.fjord.action_billy_sync()
        self.assertEqual(self.company.billy_connection_checked, half_a_minute_ago)
        self.company.billy_connection_checked = an_hour_ago
        self.fjord.action_billy_sync()
        self.assertGreater(self.company.billy_connection_checked, an_hour_ago)

    def test_the_preview_updates_the_status_too(self):
        dashboard = self.env["billy.dashboard"].create({})
        self.sandbox.set_faults(REVOKED_KEY)
        dashboard.action_preview()
        self.assertEqual(self.company.billy_connection_code, "bad_key")  # outlives the rollback
        self.sandbox.clear_faults()
        dashboard.action_preview()
        self.assertEqual(self.company.billy_connection_state, "ok")

    def test_record_errors_still_fail_the_record_alone(self):
        # Billy refused one write (a 503 on a POST is not sent twice): that record only
        self.company.billy_bulk_size = 0
        fresh = self.make_company("Havnens Café", vat="DK33333333")
        self.sandbox.set_faults([{"kind": "error", "status": 503, "method": "POST", "count": 1}])
        log = self.sync()
        self.assertEqual(log.state, "partial", log.summary)
        self.assertEqual(self.link_of(fresh).state, "failed")
        self.assertEqual(self.link_of(self.fjord).state, "synced")
        self.assertEqual(self.company.billy_connection_state, "ok")

    # --- the Test connection button -------------------------------------------------------

    def test_the_test_button_answers_with_a_notification_either_way(self):
        settings = self.env["res.config.settings"].create({})
        action = settings.action_billy_test_connection()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(action["params"]["message"], f"Connected to {ORGANIZATION}")
        self.sandbox.set_faults(REVOKED_KEY)
        action = self.env["billy.dashboard"].create({}).action_test_connection()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("did not accept the API key", action["params"]["message"])
        self.assertEqual(self.company.billy_connection_state, "failed")

    def test_the_status_is_shown_in_the_reader_s_language(self):
        # stored as a code: each reader gets it in their own language (new sentences are
        # translated once the lead regenerates the .pot: Odoo reads .po entries through it)
        self.env["res.lang"]._activate_lang("da_DK")
        self.assertEqual(self.company.billy_connection_code, "connected")
        self.assertEqual(self.company.billy_connection_message, f"Connected to {ORGANIZATION}")
        danish = self.company.with_context(lang="da_DK").billy_connection_message
        self.assertEqual(danish, f"Forbundet til {ORGANIZATION}")


@tagged("post_install", "-at_install")
class TestBulkResult(BillyCase):
    def test_the_bulk_result_lists_the_failed_records_with_their_reasons(self):
        cafe = self.make_company("Havnens Café", country_id=False, vat=False)
        self.make_company("Fjord Design ApS")
        popup = self.env["billy.sync.result"].browse(
            self.env["billy.dashboard"].create({}).action_sync_now()["res_id"]
        )
        self.assertEqual(popup.state, "partial")
        self.assertEqual(popup.failed_line_ids.mapped("record_name"), [cafe.display_name])
        self.assertIn("country", popup.failed_line_ids.message)
        self.assertEqual(popup.more_failed, 0)
