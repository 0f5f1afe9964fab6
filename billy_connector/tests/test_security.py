from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import TOKEN, BillyCase


@tagged("post_install", "-at_install")
class TestSecurity(BillyCase):
    def test_plain_user_cannot_read_the_api_key(self):
        user = new_test_user(self.env, login="plain", groups="base.group_user")
        company = self.company.with_user(user)
        with self.assertRaises(AccessError):
            company.read(["billy_api_key"])
        self.assertEqual(company.sudo().billy_api_key, TOKEN)

    def test_billy_manager_cannot_read_the_key_either(self):
        user = new_test_user(
            self.env, login="manager", groups="billy_connector.group_billy_manager"
        )
        with self.assertRaises(AccessError):
            self.company.with_user(user).read(["billy_api_key"])

    def test_settings_admins_are_billy_managers(self):
        admin = new_test_user(self.env, login="sysadmin", groups="base.group_system")
        self.assertTrue(admin.has_group("billy_connector.group_billy_manager"))

    def test_user_who_cannot_edit_a_partner_cannot_sync_it(self):
        partner = self.make_company()
        user = new_test_user(self.env, login="reader", groups="base.group_user")
        with self.assertRaises(AccessError):
            partner.with_user(user).action_billy_sync()
        self.assertEqual(self.billy_contacts(), [])

    def test_user_who_may_edit_a_partner_can_sync_it(self):
        partner = self.make_company()
        user = new_test_user(
            self.env, login="editor", groups="base.group_user,base.group_partner_manager"
        )
        partner.with_user(user).action_billy_sync()
        self.assertEqual(len(self.billy_contacts()), 1)

    def test_logs_are_for_billy_managers_of_the_company(self):
        log = self.sync()
        user = new_test_user(self.env, login="plain2", groups="base.group_user")
        with self.assertRaises(AccessError):
            log.with_user(user).read(["state"])
        other_company = self.env["res.company"].create({"name": "Other Co"})
        outsider = new_test_user(
            self.env,
            login="outsider",
            groups="billy_connector.group_billy_manager",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
        )
        outsider_env = self.env(user=outsider, context={"allowed_company_ids": other_company.ids})
        self.assertFalse(outsider_env["billy.sync.log"].search([]))
        self.assertFalse(outsider_env["billy.link"].search([]))
        insider = new_test_user(
            self.env, login="insider", groups="billy_connector.group_billy_manager"
        )
        self.assertEqual(self.env["billy.sync.log"].with_user(insider).search([]), log)

    def test_the_key_never_reaches_logs_or_messages(self):
        self.make_company("Uden Land", vat=False, country_id=False)
        with self.assertLogs(level="DEBUG") as logs:
            log = self.sync()
            self.company.write({"billy_api_url": "http://127.0.0.1:9/v2", "billy_api_key": TOKEN})
        self.assertFalse([line for line in logs.output if TOKEN in line])
        self.assertNotIn(TOKEN, log.line_ids.message or "")
        self.assertNotIn(TOKEN, self.company.billy_connection_message)

    def test_the_key_is_not_readable_through_rpc_or_export(self):
        user = new_test_user(
            self.env,
            login="rpc",
            groups="base.group_user,base.group_allow_export,billy_connector.group_billy_manager",
        )
        company = self.company.with_user(user)
        with self.assertRaises(AccessError):
            company.search_read([("id", "=", self.company.id)], ["billy_api_key"])
        with self.assertRaises(AccessError):
            company.export_data(["billy_api_key"])
        fields = company.fields_get()
        self.assertNotIn("billy_api_key", fields)
        settings = self.env["res.config.settings"].with_user(user)
        self.assertNotIn("billy_api_key", settings.fields_get())

    def test_one_company_cannot_sync_another_company_s_records(self):
        other_company = self.env["res.company"].create({"name": "Andet Firma ApS"})
        partner = self.make_company(company_id=other_company.id)
        self.sync()
        self.assertEqual(self.billy_contacts(), [])
        self.assertFalse(partner.with_company(self.company).billy_id)
