"""Browser tours (headless Chromium): settings, Sync with Billy on a partner and an invoice,
the dashboard's Retry and Preview. They run where Chromium is installed (pytest-odoo needs
--odoo-http); the Billy sandbox is started in setUpClass like every Billy test's."""

from odoo.tests import HttpCase, tagged

from .common import TOKEN, BillyCase


@tagged("post_install", "-at_install")
class TestTours(HttpCase, BillyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the tours log in as admin: admin works in the test company
        admin = cls.env.ref("base.user_admin")
        admin.company_ids |= cls.company
        admin.company_id = cls.company

    def test_settings_connection_turns_green(self):
        self.company.billy_api_key = False
        self.assertEqual(self.company.billy_connection_state, "unknown")
        self.start_tour(
            "/odoo/action-billy_connector.res_config_settings_action_billy",
            "billy_settings_connection",
            login="admin",
        )
        self.assertEqual(self.company.billy_connection_state, "ok")
        self.assertEqual(self.company.sudo().billy_api_key, TOKEN)

    def test_dashboard_banner_follows_the_connection(self):
        self.sandbox.set_faults([{"kind": "error", "status": 401}])  # a revoked key
        self.assertEqual(self.sync().state, "failed")
        self.assertEqual(self.company.billy_connection_state, "failed")
        self.sandbox.clear_faults()  # the key works again
        self.start_tour("/odoo/billy", "billy_dashboard_connection", login="admin")
        self.assertEqual(self.company.billy_connection_state, "ok")

    def test_partner_sync_button_shows_the_popup(self):
        partner = self.make_company()
        self.start_tour(f"/odoo/res.partner/{partner.id}", "billy_partner_sync", login="admin")
        self.assertTrue(partner.billy_id)
        self.assertEqual([c["name"] for c in self.billy_contacts()], [partner.name])

    def test_invoice_sync_button_shows_the_popup(self):
        customer = self.make_company()
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": "2026-11-02",
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Vinduespudsning",
                            "quantity": 2,
                            "price_unit": 300.0,
                            "tax_ids": [(6, 0, self.tax_25.ids)],
                        },
                    )
                ],
            }
        )
        move.action_post()
        self.start_tour(f"/odoo/account.move/{move.id}", "billy_invoice_sync", login="admin")
        self.assertTrue(move.billy_id)
        self.assertEqual(self.billy.get("invoices", move.billy_id)["grossAmount"], 750.0)

    def bundles_built(self):
        """The web client's bundles built before the browser asks for them: on a loaded machine
        building them inside a request outlasts the test cursor's lock and fails the tour."""
        for name in ("web.assets_web", "web.assets_tests", "web.assets_web_print"):
            bundle = self.env["ir.qweb"]._get_asset_bundle(name)
            if bundle.stylesheets:
                bundle.css()
            if bundle.javascripts:
                bundle.js()

    def test_payment_made_in_billy_is_registered_from_the_invoice(self):
        self.company.billy_invoice_state = "approved"
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.make_company().id,
                "invoice_date": "2026-11-02",
                "invoice_line_ids": [
                    (0, 0, {"name": "Vinduespudsning", "quantity": 1, "price_unit": 300.0})
                ],
            }
        )
        move.invoice_line_ids.tax_ids = self.tax_25
        move.action_post()
        self.sync()
        bank = next(a for a in self.billy.list("accounts") if a.get("isPaymentEnabled"))
        self.billy_create(
            "bankPayments",
            {
                "entryDate": "2026-11-10",
                "cashAmount": 375.0,
                "cashSide": "debit",
                "cashAccountId": bank["id"],
                "associations": [{"subjectReference": f"invoice:{move.billy_id}"}],
            },
        )
        self.sync()
        self.assertFalse(self.company.billy_register_payments)
        self.assertEqual(move.payment_state, "not_paid")
        self.bundles_built()
        self.start_tour(
            f"/odoo/account.move/{move.id}", "billy_invoice_register_payment", login="admin"
        )
        self.assertEqual(move.matched_payment_ids.mapped("amount"), [375.0])
        self.assertEqual(move.amount_residual, 0.0)

    def test_dashboard_retry_and_preview(self):
        cafe = self.make_company("Havnens Café", country_id=False, vat=False)
        self.sync()
        self.assertEqual(self.link_of(cafe).state, "failed")
        cafe.country_id = self.denmark  # fixed: the retry can succeed
        self.make_company("Fjord Design ApS", vat="DK87654321")  # for the preview
        self.sandbox.reset_stats()
        self.start_tour("/odoo/billy", "billy_dashboard_retry", login="admin")
        self.assertEqual(self.link_of(cafe).state, "synced")
        writes = self.writes()
        self.assertEqual(sum(writes.values()), 1, writes)  # the retry; the preview wrote nothing

    def test_settings_screen_mapping_collapsed_with_human_labels(self):
        self.start_tour(
            "/odoo/action-billy_connector.res_config_settings_action_billy",
            "billy_settings_screen",
            login="admin",
        )

    def test_dashboard_opens_the_same_screen_twice(self):
        admin = self.env.ref("base.user_admin")
        self.start_tour("/odoo/billy", "billy_dashboard_twice", login="admin")
        dashboards = self.env["billy.dashboard"].search([("create_uid", "=", admin.id)])
        self.assertEqual(len(dashboards), 1)
