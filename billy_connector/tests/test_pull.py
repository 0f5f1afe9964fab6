from odoo.tests import tagged

from .common import BillyCase


@tagged("post_install", "-at_install")
class TestPull(BillyCase):
    def setUp(self):
        super().setUp()
        self.company.billy_sync_direction = "billy_to_odoo"

    def test_billy_company_with_persons_arrives_in_odoo(self):
        contact = self.billy_create(
            "contacts",
            {
                "type": "company",
                "name": "Ninjas ApS",
                "countryId": "DK",
                "street": "Bornholmsgade 57",
                "zipcodeText": "9000",
                "cityText": "Aalborg",
                "registrationNo": "12345678",
                "phone": "98123456",
                "isCustomer": True,
                "contactPersons": [
                    {"name": "Hannah Krog", "email": "hannah@ninjas.dk", "isPrimary": True}
                ],
            },
        )
        self.sandbox.reset_stats()
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        self.assertEqual(log.created_odoo, 2)
        partner = self.env["res.partner"].search([("billy_id", "=", contact["id"])])
        self.assertTrue(partner.is_company)
        self.assertEqual(partner.name, "Ninjas ApS")
        self.assertEqual(
            (partner.street, partner.zip, partner.city), ("Bornholmsgade 57", "9000", "Aalborg")
        )
        self.assertEqual(partner.country_id, self.denmark)
        self.assertEqual(partner.vat, "12345678")
        self.assertEqual(partner.phone, "98123456")
        self.assertEqual(partner.customer_rank, 1)
        self.assertEqual(partner.company_id, self.company)
        self.assertEqual(partner.child_ids.mapped("name"), ["Hannah Krog"])
        self.assertEqual(partner.child_ids.email, "hannah@ninjas.dk")
        self.assertEqual(partner.child_ids.billy_sync_state, "synced")
        self.assertEqual(self.writes(), {})

    def test_billy_person_contact_arrives_with_its_email(self):
        self.billy_create(
            "contacts",
            {
                "type": "person",
                "name": "Ida Holm",
                "countryId": "DE",
                "contactPersons": [{"name": "Ida Holm", "email": "ida@example.de"}],
            },
        )
        self.sync()
        person = self.env["res.partner"].search([("name", "=", "Ida Holm")])
        self.assertFalse(person.is_company)
        self.assertEqual(person.email, "ida@example.de")
        self.assertEqual(person.country_id, self.germany)

    def test_billy_product_arrives_with_price_and_tax(self):
        self.billy_create(
            "products",
            {
                "name": "Bat capes",
                "productNo": "BC-1",
                "description": "Black",
                "salesTaxRulesetId": self.ruleset_id("Salgsmoms"),
                "prices": [
                    {"currencyId": "DKK", "unitPrice": 140.0},
                    {"currencyId": "EUR", "unitPrice": 19.0},
                ],
            },
        )
        self.sync()
        product = self.env["product.template"].search([("default_code", "=", "BC-1")])
        self.assertEqual(product.name, "Bat capes")
        self.assertEqual(product.description_sale, "Black")
        self.assertEqual(product.list_price, 140.0)
        self.assertEqual(product.taxes_id, self.tax_25)

    def test_a_change_in_billy_comes_back_whole_and_nothing_is_sent(self):
        partner = self.make_company()
        self.company.billy_sync_direction = "odoo_to_billy"
        self.sync()
        self.company.billy_sync_direction = "billy_to_odoo"
        self.billy.update(
            "contacts", partner.billy_id, {"cityText": "Odense", "zipcodeText": "5000"}
        )
        partner.phone = "11223344"
        self.sandbox.reset_stats()
        log = self.sync()
        self.assertEqual(log.updated_odoo, 1)
        self.assertEqual((partner.city, partner.zip), ("Odense", "5000"))
        # Billy → Odoo: Billy's record is the master and wins whole
        self.assertFalse(partner.phone)
        self.assertEqual(self.writes(), {})
        self.assertTrue(
            [m for m in partner.message_ids if "Updated from Billy" in str(m.body)],
            partner.message_ids.mapped("body"),
        )

    def test_archived_billy_records_are_not_created_in_odoo(self):
        self.billy_create(
            "contacts", {"name": "Old Customer", "countryId": "DK", "isArchived": True}
        )
        log = self.sync()
        self.assertEqual(log.created_odoo, 0)
        self.assertFalse(
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("name", "=", "Old Customer")])
        )
