from odoo.tests import tagged
from odoo.tools import file_open

from .common import ORGANIZATION, TOKEN, BillyCase


@tagged("post_install", "-at_install")
class TestSettings(BillyCase):
    def test_good_key_connects_with_organization_name(self):
        self.company.billy_connection_state = "unknown"
        self.company.billy_test_connection()
        self.assertEqual(self.company.billy_connection_state, "ok")
        self.assertEqual(self.company.billy_connection_message, f"Connected to {ORGANIZATION}")
        self.assertEqual(self.company.billy_organization_name, ORGANIZATION)

    def test_saving_a_bad_key_tests_it_and_says_why(self):
        self.company.billy_api_key = "not-a-valid-token"
        self.assertEqual(self.company.billy_connection_state, "failed")
        self.assertIn("token", self.company.billy_connection_message.lower())
        self.assertNotIn("not-a-valid-token", self.company.billy_connection_message)

    def test_unreachable_url_fails_readably(self):
        # a new URL clears the key unless one comes with it
        self.company.write({"billy_api_url": "http://127.0.0.1:9/v2", "billy_api_key": TOKEN})
        self.assertEqual(self.company.billy_connection_state, "failed")
        self.assertTrue(self.company.billy_connection_message)
        self.assertNotIn("Traceback", self.company.billy_connection_message)

    def test_removing_the_key_resets_the_state(self):
        self.company.billy_api_key = False
        self.assertEqual(self.company.billy_connection_state, "unknown")
        self.company.billy_api_key = TOKEN
        self.assertEqual(self.company.billy_connection_state, "ok")

    def test_settings_write_through_to_the_company(self):
        settings = self.env["res.config.settings"].create(
            {
                "billy_sync_mode": "auto",
                "billy_sync_direction": "odoo_to_billy",
                "billy_priority": "billy",
                "billy_invoice_partner_priority": "contact",
            }
        )
        settings.execute()
        self.assertEqual(self.company.billy_sync_mode, "auto")
        self.assertEqual(self.company.billy_sync_direction, "odoo_to_billy")
        self.assertEqual(self.company.billy_priority, "billy")
        self.assertEqual(self.company.billy_invoice_partner_priority, "contact")

    def test_sync_button_in_settings_opens_the_result(self):
        self.make_company()
        settings = self.env["res.config.settings"].create({})
        action = settings.action_billy_sync_now()
        result = self.env["billy.sync.result"].browse(action["res_id"])
        self.assertEqual(result.log_id.created_billy, 1)
        self.assertIn("Created in Billy: 1", result.message)

    def test_neutralize_blanks_the_key(self):
        with file_open("billy_connector/data/neutralize.sql") as sql:
            self.env.cr.execute(sql.read())
        self.env.invalidate_all()
        self.assertFalse(self.company.billy_api_key)
        self.assertEqual(self.company.billy_sync_mode, "manual")

    def test_cron_syncs_companies_in_automatic_mode_only(self):
        self.make_company()
        cron = self.env.ref("billy_connector.ir_cron_billy_sync")
        self.assertEqual((cron.interval_number, cron.interval_type), (3, "hours"))
        Log = self.env["billy.sync.log"]
        self.company.billy_sync_mode = "manual"
        self.env["res.company"]._cron_billy_sync()
        self.assertFalse(Log.search([("trigger", "=", "cron")]))
        self.company.billy_sync_mode = "auto"
        self.assertTrue(cron.active)
        cron.ir_actions_server_id.run()
        log = Log.search([("trigger", "=", "cron")])
        self.assertEqual(len(log), 1)
        self.assertEqual(log.created_billy, 1)
        self.assertEqual(len(self.billy_contacts()), 1)
