from odoo.tests import tagged

from .common import BillyCase


@tagged("post_install", "-at_install")
class TestPartnerMerge(BillyCase):
    """Odoo's partner merge leaves one link: the surviving partner's; nothing orphaned."""

    def merge(self, survivor, *merged):
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge([survivor.id, *(p.id for p in merged)], survivor, extra_checks=False)

    def links_of(self, partner_id):
        return self.env["billy.link"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partner_id)]
        )

    def test_merged_partner_is_archived_in_billy_and_unlinked(self):
        survivor = self.make_company("Fjord Design ApS", vat="DK12345678")
        duplicate = self.make_company("Fjord Design", vat="DK87654321")
        self.sync()
        kept, merged = survivor.billy_id, duplicate.billy_id
        self.assertTrue(kept and merged)
        duplicate_id = duplicate.id
        self.merge(survivor, duplicate)
        self.assertFalse(duplicate.exists())
        self.assertFalse(self.links_of(duplicate_id), "no orphan link")
        self.assertEqual(len(self.links_of(survivor.id)), 1)
        self.assertEqual(survivor.billy_id, kept)
        self.assertTrue(self.billy.get("contacts", merged)["isArchived"])
        self.assertFalse(self.billy.get("contacts", kept)["isArchived"])
        log = self.sync()
        self.assertEqual((log.created_odoo, log.created_billy, log.failed), (0, 0, 0), log.summary)
        self.assertEqual(survivor.billy_id, kept)

    def test_survivor_takes_over_the_link_of_the_merged_partner(self):
        duplicate = self.make_company("Fjord Design", vat="DK87654321")
        self.sync()
        merged = duplicate.billy_id
        self.company.billy_sync_mode = "manual"
        survivor = self.make_company("Fjord Design ApS", vat="DK87654321")
        self.merge(survivor, duplicate)
        self.assertEqual(survivor.billy_id, merged)
        self.assertFalse(self.billy.get("contacts", merged)["isArchived"])
        self.sync()
        self.assertEqual(survivor.billy_id, merged)
        self.assertEqual(len(self.billy_contacts()), 1)

    def test_billy_to_odoo_keeps_the_merged_billy_record_out_of_the_sync(self):
        survivor = self.make_company("Fjord Design ApS", vat="DK12345678")
        duplicate = self.make_company("Fjord Design", vat="DK87654321")
        self.sync()
        merged = duplicate.billy_id
        self.company.billy_sync_direction = "billy_to_odoo"
        count = self.env["res.partner"].with_context(active_test=False).search_count([])
        self.merge(survivor, duplicate)
        self.assertFalse(self.billy.get("contacts", merged)["isArchived"], "nothing sent")
        log = self.sync()
        self.assertEqual(log.created_odoo, 0, "not brought back as a new partner")
        after = self.env["res.partner"].with_context(active_test=False).search_count([])
        self.assertEqual(after, count - 1)
