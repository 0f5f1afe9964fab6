from odoo.tests import tagged

from .common import BillyCase


@tagged("post_install", "-at_install")
class TestFirstLinkMatching(BillyCase):
    """Before creating anything, a first sync looks for the same record on the other side."""

    def assert_linked_without_creating(self, record, billy_id, log):
        self.assertEqual(record.billy_id, billy_id)
        self.assertEqual(log.created_billy + log.created_odoo, 0, log.summary)
        self.assertEqual(log.linked, 1, log.summary)

    def test_contact_found_by_cvr_despite_another_name(self):
        billy = self.billy_create(
            "contacts", {"name": "Fjord Design", "countryId": "DK", "registrationNo": "12 34 56 78"}
        )
        partner = self.make_company()  # vat DK12345678
        log = self.sync()
        self.assert_linked_without_creating(partner, billy["id"], log)
        self.assertEqual(len(self.billy_contacts()), 1)

    def test_contact_found_by_email_of_a_contact_person(self):
        billy = self.billy_create(
            "contacts",
            {
                "name": "Holm Consult",
                "countryId": "DK",
                "contactPersons": [{"name": "Ida", "email": "IDA@holm.dk"}],
            },
        )
        partner = self.make_company("Holm Consulting ApS", vat=False, email="ida@holm.dk")
        self.company.billy_sync_direction = "odoo_to_billy"
        log = self.sync()
        self.assert_linked_without_creating(partner, billy["id"], log)

    def test_contact_found_by_name_and_country_but_not_in_another_country(self):
        danish = self.billy_create("contacts", {"name": "Nordlys ApS", "countryId": "DK"})
        self.billy_create("contacts", {"name": "Nordlys ApS", "countryId": "DE"})
        partner = self.make_company("nordlys  aps", vat=False)
        self.company.billy_sync_direction = "odoo_to_billy"
        self.company.billy_accept_name_matches = True  # off: a review (test_match_review)
        log = self.sync()
        self.assert_linked_without_creating(partner, danish["id"], log)

    def test_product_found_by_number_then_by_name(self):
        by_number = self.billy_create("products", {"name": "Other name", "productNo": "VP-1"})
        by_name = self.billy_create("products", {"name": "Rådgivning"})
        numbered = self.make_product()
        named = self.make_product("Rådgivning", default_code=False)
        self.company.billy_sync_direction = "odoo_to_billy"
        self.company.billy_accept_name_matches = True
        log = self.sync()
        self.assertEqual(numbered.billy_id, by_number["id"])
        self.assertEqual(named.billy_id, by_name["id"])
        self.assertEqual(log.created_billy, 0)
        self.assertEqual(len(self.billy_products()), 2)
        # Odoo → Billy: Odoo's values won the first link
        names = sorted(p["name"] for p in self.billy_products())
        self.assertEqual(names, ["Rådgivning", "Vinduespudsning"])

    def test_billy_contact_finds_an_existing_odoo_partner(self):
        partner = self.make_company()
        billy = self.billy_create(
            "contacts",
            {"name": "Fjord Design ApS", "countryId": "DK", "registrationNo": "DK12345678"},
        )
        self.company.billy_sync_direction = "billy_to_odoo"
        count = self.env["res.partner"].search_count([])
        log = self.sync()
        self.assert_linked_without_creating(partner, billy["id"], log)
        self.assertEqual(self.env["res.partner"].search_count([]), count)

    def test_record_button_matches_before_creating(self):
        billy = self.billy_create(
            "contacts", {"name": "Fjord", "countryId": "DK", "registrationNo": "12345678"}
        )
        partner = self.make_company()
        partner.action_billy_sync()
        self.assertEqual(partner.billy_id, billy["id"])
        self.assertEqual(len(self.billy_contacts()), 1)
