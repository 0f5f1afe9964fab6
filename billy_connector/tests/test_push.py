from odoo.tests import tagged

from .common import BillyCase


@tagged("post_install", "-at_install")
class TestPush(BillyCase):
    def test_organization_is_created_in_billy_with_the_standard_mapping(self):
        partner = self.make_company(street2="2. sal", phone="+45 12 34 56 78", lang="en_US")
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        (contact,) = self.billy_contacts()
        self.assertEqual(contact["type"], "company")
        self.assertEqual(contact["name"], "Fjord Design ApS")
        self.assertEqual(contact["street"], "Bornholmsgade 57, 2. sal")
        self.assertEqual(contact["zipcodeText"], "9000")
        self.assertEqual(contact["cityText"], "Aalborg")
        self.assertEqual(contact["countryId"], "DK")
        self.assertEqual(contact["registrationNo"], "DK12345678")
        self.assertEqual(contact["phone"], "+45 12 34 56 78")
        self.assertFalse(contact["localeId"], "the company's language is Billy's default: not sent")
        self.assertTrue(contact["isCustomer"])
        self.assertFalse(contact["isSupplier"])
        self.assertEqual(partner.billy_id, contact["id"])
        self.assertEqual(partner.billy_sync_state, "synced")
        self.assertIn("Created in Billy", partner.message_ids[0].body)

    def test_person_of_a_company_becomes_a_contact_person(self):
        company = self.make_company()
        first = self.env["res.partner"].create(
            {"name": "Hannah Krog", "email": "hannah@fjord.dk", "parent_id": company.id}
        )
        second = self.env["res.partner"].create(
            {"name": "Brian Philip", "email": "brian@fjord.dk", "parent_id": company.id}
        )
        self.sync()
        (contact,) = self.billy_contacts()
        persons = {p["name"]: p for p in contact["contactPersons"]}
        self.assertEqual(set(persons), {"Hannah Krog", "Brian Philip"})
        self.assertEqual(persons["Hannah Krog"]["email"], "hannah@fjord.dk")
        self.assertEqual(sum(p["isPrimary"] for p in persons.values()), 1)
        self.assertEqual(first.billy_id, persons["Hannah Krog"]["id"])
        self.assertEqual(second.billy_id, persons["Brian Philip"]["id"])

    def test_person_without_company_is_a_person_contact_carrying_the_email(self):
        person = self.env["res.partner"].create(
            {"name": "Ida Holm", "email": "ida@example.dk", "country_id": self.denmark.id}
        )
        self.sync()
        (contact,) = self.billy_contacts()
        self.assertEqual(contact["type"], "person")
        self.assertEqual(contact["name"], "Ida Holm")
        self.assertEqual([p["email"] for p in contact["contactPersons"]], ["ida@example.dk"])
        person.email = "ida.holm@example.dk"
        self.assertEqual(person.billy_sync_state, "changed")
        self.sync()
        (contact,) = self.billy_contacts()
        self.assertEqual([p["email"] for p in contact["contactPersons"]], ["ida.holm@example.dk"])

    def test_product_is_created_with_price_and_vat_ruleset(self):
        product = self.make_product()
        exempt = self.make_product(
            "Rådgivning", default_code="R-1", taxes_id=[(6, 0, self.tax_0.ids)]
        )
        self.sync()
        products = {p["name"]: p for p in self.billy_products()}
        billy = products["Vinduespudsning"]
        self.assertEqual(billy["productNo"], "VP-1")
        self.assertEqual(billy["description"], "Alt udvendigt")
        self.assertEqual(
            [(p["currencyId"], p["unitPrice"]) for p in billy["prices"]], [("DKK", 300.0)]
        )
        self.assertEqual(billy["salesTaxRulesetId"], self.ruleset_id("Salgsmoms"))
        self.assertEqual(products["Rådgivning"]["salesTaxRulesetId"], self.ruleset_id("Momsfrit"))
        self.assertEqual(product.billy_id, billy["id"], product.billy_sync_error)
        self.assertEqual(exempt.billy_sync_state, "synced")

    def test_a_change_in_odoo_is_sent_and_only_the_changed_fields(self):
        self.company.billy_bulk_size = 0  # one request a record (bulk saves: test_bulk.py)
        partner = self.make_company()
        product = self.make_product()
        self.sync()
        partner.write({"city": "Aarhus", "zip": "8000"})
        product.list_price = 350.0
        self.sandbox.reset_stats()
        log = self.sync()
        self.assertEqual(log.updated_billy, 2)
        (contact,) = self.billy_contacts()
        self.assertEqual((contact["cityText"], contact["zipcodeText"]), ("Aarhus", "8000"))
        (billy_product,) = self.billy_products()
        self.assertEqual(billy_product["prices"][0]["unitPrice"], 350.0)
        self.assertEqual(self.writes(), {"PUT /v2/contacts/:id": 1, "PUT /v2/products/:id": 1})
        line = log.line_ids.filtered(lambda line: line.res_id == partner.id)
        self.assertEqual(line.action, "updated")
        self.assertIn("cityText", line.message)

    def test_record_button_syncs_one_record_and_says_what_happened(self):
        partner = self.make_company()
        other = self.make_company("Other ApS", vat="DK87654321")
        action = partner.action_billy_sync()
        result = self.env["billy.sync.result"].browse(action["res_id"])
        self.assertEqual(action["target"], "new")
        self.assertIn("Fjord Design ApS: created in Billy", result.message)
        self.assertEqual(len(self.billy_contacts()), 1)
        self.assertEqual(other.billy_sync_state, "new")
        action = partner.action_billy_sync()
        result = self.env["billy.sync.result"].browse(action["res_id"])
        self.assertIn("already up to date", result.message)

    def test_button_on_a_person_syncs_its_company_first(self):
        company = self.make_company()
        person = self.env["res.partner"].create(
            {"name": "Hannah Krog", "email": "hannah@fjord.dk", "parent_id": company.id}
        )
        person.action_billy_sync()
        (contact,) = self.billy_contacts()
        self.assertEqual(company.billy_id, contact["id"])
        self.assertEqual([p["id"] for p in contact["contactPersons"]], [person.billy_id])

    def test_products_button_from_a_list(self):
        products = self.make_product() | self.make_product("Andet", default_code="A-1")
        products.action_billy_sync()
        self.assertEqual(len(self.billy_products()), 2)
        self.assertEqual(set(products.mapped("billy_sync_state")), {"synced"})

    def test_filters_by_sync_state(self):
        synced = self.make_company()
        self.sync()
        new = self.make_company("Ny Kunde ApS", vat="DK11112222")
        Partner = self.env["res.partner"]
        self.assertIn(synced, Partner.search([("billy_sync_state", "=", "synced")]))
        self.assertIn(new, Partner.search([("billy_sync_state", "=", "new")]))
        self.assertNotIn(synced, Partner.search([("billy_sync_state", "=", "new")]))
        synced.phone = "12345678"
        self.assertIn(synced, Partner.search([("billy_sync_state", "=", "changed")]))
        self.assertEqual(Partner.search([("billy_id", "=", synced.billy_id)]), synced)
