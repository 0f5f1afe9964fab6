"""What a user sees (issue 15, items 9 and 10): settings, chatter notes, the language sent,
the dashboard, the logs a button leaves, the partner and product forms, the VAT mapping."""

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BillyCase


@tagged("post_install", "-at_install")
class TestSettingsScreen(BillyCase):
    def settings_arch(self):
        view = self.env.ref("billy_connector.res_config_settings_view_form")
        arch = self.env["res.config.settings"].get_views([(view.id, "form")])
        return etree.fromstring(arch["views"]["form"]["arch"])

    def test_the_choices_come_before_the_mapping_and_sync_now_names_invoices(self):
        arch = self.settings_arch()
        order = [setting.get("id") for setting in arch.iter("setting")]
        for choice in (
            "billy_sync_direction_setting",
            "billy_invoice_partner_priority_setting",
            "billy_invoice_state_setting",
            "billy_sync_mode_setting",
        ):
            self.assertLess(order.index("billy_api_key_setting"), order.index(choice))
            self.assertLess(order.index(choice), order.index("billy_mapping_setting"), order)
        (sync_now,) = arch.xpath("//*[@id='billy_sync_now_setting']")
        self.assertIn("invoices", etree.tostring(sync_now, encoding="unicode"))
        # the priority's label has a line of its own above its radio buttons
        (priority,) = arch.xpath("//div[contains(@class, 'o_billy_priority')]")
        label, radio = priority.xpath("./div//label"), priority.xpath("./field[@widget='radio']")
        self.assertTrue(label, etree.tostring(priority))
        self.assertTrue(radio, etree.tostring(priority))

    def test_the_standard_mapping_is_collapsed_with_human_labels(self):
        html = self.env["res.config.settings"].create({}).billy_mapping_html
        self.assertTrue(html.startswith("<details"), html[:80])
        self.assertIn("Show the standard mapping", html)
        for human in ("Postal code", "Zip", "Archived", "Active", "Sales tax ruleset"):
            self.assertIn(human, html)
        for technical in ("zipcodeText", "isArchived", "(zip)", "salesTaxRulesetId"):
            self.assertNotIn(technical, html)


@tagged("post_install", "-at_install")
class TestChatterAndLanguage(BillyCase):
    def note_bodies(self, record):
        return [str(body) for body in record.message_ids.mapped("body")]

    def test_notes_name_the_odoo_fields_both_ways(self):
        partner = self.make_company()
        self.sync()
        partner.write({"phone": "70 20 30 40", "zip": "8000"})
        self.sync()
        sent = next(body for body in self.note_bodies(partner) if "Sent to Billy" in body)
        self.assertIn("Phone", sent)
        self.assertIn("Zip", sent)
        self.assertNotIn("zipcodeText", sent)
        self.billy.update("contacts", partner.billy_id, {"cityText": "Odense"})
        self.sync()
        pulled = next(body for body in self.note_bodies(partner) if "Updated from Billy" in body)
        self.assertIn("City", pulled)
        self.assertNotIn("cityText", pulled)

    def test_the_company_language_is_not_sent_another_one_is(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.assertEqual(self.company.partner_id.lang, "en_US")
        partner = self.make_company(lang="en_US")
        self.sync()
        (contact,) = self.billy_contacts()
        self.assertFalse(contact.get("localeId"))
        self.sandbox.reset_stats()
        self.sync()
        self.assertEqual(self.writes(), {}, "an unchanged contact is not written again")

        partner.lang = "de_DE"
        self.sync()
        (contact,) = self.billy_contacts()
        self.assertEqual(contact["localeId"], "de_DE")
        partner.lang = "en_US"  # back to the company's language: Billy's contact has none
        self.sync()
        (contact,) = self.billy_contacts()
        self.assertFalse(contact.get("localeId"))

    def test_a_billy_contact_in_the_company_language_is_not_rewritten(self):
        self.billy_create(
            "contacts", {"name": "Fjord Design ApS", "countryId": "DK", "localeId": "en_US"}
        )
        self.sync()
        partner = self.env["res.partner"].search([("name", "=", "Fjord Design ApS")])
        self.assertEqual(partner.lang, "en_US")
        self.sandbox.reset_stats()
        self.sync()
        self.assertEqual(self.writes(), {})
        self.assertEqual(self.link_of(partner).state, "synced")


@tagged("post_install", "-at_install")
class TestDashboardAndLogs(BillyCase):
    def test_the_dashboard_opens_the_same_record_every_time(self):
        Dashboard = self.env["billy.dashboard"]
        first = Dashboard.action_open_dashboard()
        Dashboard._transient_vacuum()
        second = Dashboard.action_open_dashboard()
        self.assertEqual(first["res_id"], second["res_id"])
        self.assertTrue(Dashboard.browse(first["res_id"]).exists())
        other = self.env["res.company"].create({"name": "Anden ApS"})
        self.env.user.company_ids |= other
        elsewhere = Dashboard.with_company(other).action_open_dashboard()
        self.assertNotEqual(elsewhere["res_id"], first["res_id"])

    def test_a_button_press_that_changed_nothing_leaves_no_log(self):
        partner = self.make_company()
        partner.action_billy_sync()
        Log = self.env["billy.sync.log"]
        logs = Log.search_count([])
        action = partner.action_billy_sync()
        self.assertEqual(Log.search_count([]), logs)
        result = self.env["billy.sync.result"].browse(action["res_id"])
        self.assertEqual(result.state, "done")
        self.assertIn("already up to date", result.message)
        self.assertFalse(result.log_id)

        partner.phone = "70 20 30 40"
        action = partner.action_billy_sync()
        self.assertEqual(Log.search_count([]), logs + 1)
        self.assertEqual(
            self.env["billy.sync.result"].browse(action["res_id"]).log_id.updated_billy, 1
        )
        self.sync()
        self.assertEqual(Log.search_count([]), logs + 2, "a bulk run keeps its log")


@tagged("post_install", "-at_install")
class TestFormsAndVat(BillyCase):
    def test_forms_show_the_last_sync_the_link_and_the_failure(self):
        partner = self.make_company()
        with self.assertRaises(UserError):
            partner.action_billy_open_link()
        self.sync()
        self.assertTrue(partner.billy_last_sync)
        action = partner.action_billy_open_link()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("billy.link", self.link_of(partner).id)
        )

        product = self.make_product()
        self.sync()
        self.assertTrue(product.billy_last_sync)
        failed = self.make_company("Havnens Café", country_id=False, vat=False)
        self.sync()
        self.assertEqual(failed.billy_sync_state, "failed")
        self.assertIn("country", failed.billy_sync_error)
        arch = self.env["res.partner"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("o_billy_failed_banner", arch)
        self.assertIn("billy_last_sync", arch)
        arch = self.env["product.template"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("o_billy_failed_banner", arch)

    def test_a_tax_without_ruleset_says_what_to_do_and_rates_have_two_decimals(self):
        tax = self._sale_tax(15.0)
        self.company._billy_refresh_tax_maps(self.billy)
        Map = self.env["billy.tax.map"]
        unmapped = Map.search([("tax_id", "=", tax.id)])
        self.assertFalse(unmapped.ruleset_id)
        self.assertIn("15 %", unmapped.advice)
        self.assertIn("create a sales tax ruleset", unmapped.advice)
        mapped = Map.search([("tax_id", "=", self.tax_25.id)])
        self.assertTrue(mapped.ruleset_id)
        self.assertFalse(mapped.advice)
        self.assertEqual(Map._fields["tax_rate"].get_digits(self.env), (16, 2))
