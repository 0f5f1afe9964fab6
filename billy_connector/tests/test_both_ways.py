import json

from odoo.tests import tagged

from .common import BillyCase


@tagged("post_install", "-at_install")
class TestBothWays(BillyCase):
    def setUp(self):
        super().setUp()
        self.partner = self.make_company()
        self.sync()
        self.billy_id = self.partner.billy_id

    def test_change_on_one_side_flows_to_the_other(self):
        self.partner.phone = "11111111"
        self.billy.update("contacts", self.billy_id, {"cityText": "Vejle"})
        log = self.sync()
        # the Odoo change and the Billy change are on the same record: a conflict
        self.assertEqual(log.conflicts, 1)
        product = self.make_product()
        self.sync()
        self.billy.update("products", product.billy_id, {"description": "Fra Billy"})
        log = self.sync()
        self.assertEqual((log.updated_odoo, log.conflicts), (1, 0))
        self.assertEqual(product.description_sale, "Fra Billy")

    def test_conflict_with_odoo_priority_keeps_odoo_and_logs_both_versions(self):
        self.company.billy_priority = "odoo"
        self.partner.city = "Aarhus"
        self.billy.update("contacts", self.billy_id, {"cityText": "Vejle"})
        log = self.sync()
        self.assertEqual(log.conflicts, 1)
        (contact,) = self.billy_contacts()
        self.assertEqual(contact["cityText"], "Aarhus")
        self.assertEqual(self.partner.city, "Aarhus")
        conflict = log.line_ids.filtered(lambda line: line.action == "conflict")
        versions = json.loads(conflict.details)
        self.assertEqual(versions["odoo"]["cityText"], "Aarhus")
        self.assertEqual(versions["billy"]["cityText"], "Vejle")
        self.assertIn("Odoo data wins", conflict.message)

    def test_conflict_with_billy_priority_takes_billy(self):
        self.company.billy_priority = "billy"
        self.partner.city = "Aarhus"
        self.billy.update("contacts", self.billy_id, {"cityText": "Vejle"})
        log = self.sync()
        self.assertEqual(log.conflicts, 1)
        self.assertEqual(self.partner.city, "Vejle")
        (contact,) = self.billy_contacts()
        self.assertEqual(contact["cityText"], "Vejle")
        self.assertEqual(self.partner.billy_sync_state, "synced")

    def test_same_change_on_both_sides_is_no_conflict(self):
        self.partner.city = "Vejle"
        self.billy.update("contacts", self.billy_id, {"cityText": "Vejle"})
        self.sandbox.reset_stats()
        log = self.sync()
        self.assertEqual((log.conflicts, log.updated_billy, log.updated_odoo), (0, 0, 0))
        self.assertEqual(self.writes(), {})

    def test_nothing_changed_costs_only_page_reads(self):
        self.make_product()
        self.sync()
        self.sandbox.reset_stats()
        log = self.sync()
        self.assertEqual(log.unchanged, 2)
        self.assertFalse(log.line_ids)
        self.assertEqual(self.writes(), {})
        reads = self.sandbox.stats()["requests"]
        self.assertLessEqual(reads.get("GET /v2/contacts", 0), 1)
        self.assertLessEqual(reads.get("GET /v2/products", 0), 1)
        self.assertFalse([key for key in reads if key.endswith("/:id")])

    def test_archiving_follows_both_ways(self):
        self.partner.active = False
        self.sync()
        (contact,) = self.billy_contacts()
        self.assertTrue(contact["isArchived"])
        self.partner.active = True
        self.sync()
        self.billy.update("contacts", self.billy_id, {"isArchived": True})
        self.sync()
        self.assertFalse(self.partner.active)
        self.assertEqual(self.partner.billy_id, self.billy_id)

    def test_deleted_in_billy_is_unlinked_and_archived_never_deleted(self):
        self.billy.delete("contacts", self.billy_id)
        log = self.sync()
        self.assertTrue(self.partner.exists())
        self.assertFalse(self.partner.active)
        self.assertFalse(self.partner.billy_id)
        self.assertIn("Deleted in Billy", log.line_ids.message)
        self.sync()
        self.assertEqual(self.billy_contacts(), [])

    def test_deleted_in_odoo_is_archived_in_billy_never_deleted(self):
        self.partner.unlink()
        self.sync()
        (contact,) = self.billy_contacts()
        self.assertTrue(contact["isArchived"])
