from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BillyCase


@tagged("post_install", "-at_install")
class TestDashboard(BillyCase):
    def dashboard(self):
        return self.env["billy.dashboard"].create({})

    def test_failed_record_is_listed_with_its_reason_and_retried(self):
        partner = self.make_company("Havnens Café", country_id=False, vat=False)
        self.sync()
        dashboard = self.dashboard()
        link = self.link_of(partner)
        self.assertEqual(dashboard.failed_link_ids, link)
        self.assertIn("country", link.error)
        self.assertIn("o_billy_count_organization", dashboard.counts_html)

        partner.country_id = self.denmark
        action = link.action_billy_retry()
        self.assertEqual(action["res_model"], "billy.sync.result")
        self.assertEqual(link.state, "synced")
        self.assertEqual([c["name"] for c in self.billy_contacts()], ["Havnens Café"])
        self.assertFalse(self.dashboard().failed_link_ids)

    def test_retry_of_a_link_whose_record_is_gone(self):
        link = self.env["billy.link"].create(
            {
                "company_id": self.company.id,
                "res_model": "res.partner",
                "res_id": 0,
                "record_kind": "organization",
                "state": "failed",
            }
        )
        with self.assertRaises(UserError):
            link.action_billy_retry()

    def test_changed_records_and_last_runs(self):
        partner = self.make_company()
        log = self.sync()
        self.assertFalse(self.dashboard().changed_link_ids)
        partner.phone = "70 20 30 40"
        dashboard = self.dashboard()
        self.assertEqual(dashboard.changed_link_ids, self.link_of(partner))
        self.assertEqual(dashboard.log_ids[:1], log)
        self.assertEqual(dashboard.last_run, log.start)
        self.assertIn("Billy → Odoo", dashboard.counts_html)


@tagged("post_install", "-at_install")
class TestPreview(BillyCase):
    def setUp(self):
        super().setUp()
        self.synced = self.make_company("Ninjas ApS", vat="DK11111111")
        self.sync()
        self.synced.phone = "11 22 33 44"  # to update in Billy
        self.new_partner = self.make_company("Fjord Design ApS")  # to create in Billy
        self.make_product()  # to create in Billy
        self.billy_create(  # to create in Odoo
            "contacts", {"name": "Berliner Fenster GmbH", "countryId": "DE"}
        )
        self.make_company("Uden Land ApS", country_id=False, vat="DK22222222")  # would fail
        self.sandbox.reset_stats()

    def preview(self):
        dashboard = self.env["billy.dashboard"].create({})
        action = dashboard.action_preview()
        return self.env["billy.sync.preview"].browse(action["res_id"])

    def test_preview_lists_what_would_happen_and_changes_nothing(self):
        Partner = self.env["res.partner"].with_context(active_test=False)
        partners_before = Partner.search_count([])
        links_before = self.env["billy.link"].search_count([])
        logs_before = self.env["billy.sync.log"].search_count([])
        billy_before = self.billy_contacts()

        preview = self.preview()

        self.assertEqual(self.writes(), {}, "the preview sent a write to Billy")
        self.assertEqual(Partner.search_count([]), partners_before)
        self.assertEqual(self.env["billy.link"].search_count([]), links_before)
        self.assertEqual(self.env["billy.sync.log"].search_count([]), logs_before)
        self.assertFalse(self.new_partner.billy_id)
        self.assertEqual(self.billy_contacts(), billy_before)
        self.assertEqual(self.link_of(self.synced).state, "changed")

        actions = {(line.record_name, line.action, line.direction) for line in preview.line_ids}
        self.assertIn(("Fjord Design ApS", "created", "to_billy"), actions)
        self.assertIn(("[VP-1] Vinduespudsning", "created", "to_billy"), actions)
        self.assertIn(("Ninjas ApS", "updated", "to_billy"), actions)
        self.assertIn(("Berliner Fenster GmbH", "created", "to_odoo"), actions)
        self.assertIn(("Uden Land ApS", "failed", False), actions)
        self.assertGreater(preview.billy_write_count, 0)
        self.assertFalse(
            any(line.billy_id.startswith("preview-") for line in preview.line_ids if line.billy_id)
        )

        # the real sync does what the preview said
        log = self.sync()
        for name in ("created_billy", "updated_billy", "created_odoo", "failed", "linked"):
            self.assertEqual(log[name], preview[name], name)

    def test_preview_shows_conflicts(self):
        self.billy.update("contacts", self.synced.billy_id, {"cityText": "Vejle"})
        self.sandbox.reset_stats()
        preview = self.preview()
        conflict = preview.line_ids.filtered(lambda line: line.action == "conflict")
        self.assertEqual(conflict.record_name, "Ninjas ApS")
        self.assertEqual(preview.conflicts, 1)
        self.assertEqual(self.writes(), {})
        self.assertEqual(self.synced.city, "Aalborg")
