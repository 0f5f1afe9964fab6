from unittest.mock import patch

from odoo.tests import tagged

from ..sync.links import Links
from .common import BillyCase


@tagged("post_install", "-at_install")
class TestBulk(BillyCase):
    """Bulk saves (PATCH /v2/<plural>): far fewer requests, nothing duplicated, nothing lost."""

    def build_books(self, companies=4, products=3):
        orgs = self.env["res.partner"]
        for i in range(companies):
            org = self.make_company(f"Kunde {i} ApS", vat=f"DK{30000000 + i}", city=f"By {i}")
            for j in range(2):
                self.env["res.partner"].create(
                    {"name": f"Person {i}.{j}", "email": f"p{j}@kunde{i}.dk", "parent_id": org.id}
                )
            orgs |= org
        persons = self.env["res.partner"].create(
            [
                {
                    "name": f"Privat {i}",
                    "email": f"privat{i}@example.dk",
                    "country_id": self.denmark.id,
                }
                for i in range(2)
            ]
        )
        goods = self.env["product.template"]
        for i in range(products):
            goods |= self.make_product(f"Vare {i}", default_code=f"V-{i}", list_price=10.0 + i)
        return orgs, persons, goods

    def assert_all_synced(self, *records):
        for record in records:
            self.assertEqual(record.billy_sync_state, "synced", record.billy_sync_error)
            self.assertTrue(record.billy_id, record.display_name)

    def assert_one_to_one(self, contacts=6, persons=8, products=3):
        """Every Odoo record once in Billy, and no Billy record twice."""
        billy = self.billy_contacts()
        self.assertEqual(len(billy), contacts)
        self.assertEqual(len({c["name"] for c in billy}), contacts)
        billy_persons = [p for c in billy if c["type"] == "company" for p in c["contactPersons"]]
        self.assertEqual(len(billy_persons), persons)
        self.assertEqual(len(self.billy_products()), products)
        links = self.env["billy.link"].search(
            [("company_id", "=", self.company.id), ("billy_id", "!=", False)]
        )
        self.assertEqual(len(set(links.mapped("billy_id"))), len(links))

    def test_first_sync_creates_each_kind_in_one_request(self):
        orgs, persons, goods = self.build_books()
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        self.assertEqual(log.created_billy, 4 + 8 + 2 + 3)
        self.assertEqual(
            self.writes(),
            {"PATCH /v2/contacts": 1, "PATCH /v2/contactPersons": 1, "PATCH /v2/products": 1},
        )
        people = orgs.child_ids
        self.assert_all_synced(*orgs, *people, *persons, *goods)
        self.assert_one_to_one()
        contacts = {c["id"]: c for c in self.billy_contacts()}
        for org in orgs:
            contact = contacts[org.billy_id]
            self.assertEqual((contact["type"], contact["cityText"]), ("company", org.city))
            by_id = {p["id"]: p for p in contact["contactPersons"]}
            self.assertEqual(set(by_id), set(org.child_ids.mapped("billy_id")))
            self.assertEqual(sum(p["isPrimary"] for p in by_id.values()), 1)
            for person in org.child_ids:
                self.assertEqual(by_id[person.billy_id]["email"], person.email)
        for person in persons:
            contact = contacts[person.billy_id]
            self.assertEqual(contact["type"], "person")
            self.assertEqual([p["email"] for p in contact["contactPersons"]], [person.email])
        prices = {p["id"]: p["prices"] for p in self.billy_products()}
        for product in goods:
            self.assertEqual(
                [(p["currencyId"], p["unitPrice"]) for p in prices[product.billy_id]],
                [("DKK", product.list_price)],
            )
        self.assertIn("Created in Billy", orgs[0].message_ids[0].body)

    def test_changes_are_sent_in_one_request_a_kind(self):
        orgs, _persons, goods = self.build_books()
        self.sync()
        for i, org in enumerate(orgs[:3]):
            org.city = f"Ny by {i}"
        orgs[0].child_ids[0].name = "Person omdøbt"
        for product in goods:
            product.list_price += 5
        self.sandbox.reset_stats()
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        self.assertEqual(log.updated_billy, 3 + 1 + 3)
        self.assertEqual(
            self.writes(),
            {"PATCH /v2/contacts": 1, "PATCH /v2/contactPersons": 1, "PATCH /v2/products": 1},
        )
        contacts = {c["id"]: c for c in self.billy_contacts()}
        for org in orgs:
            self.assertEqual(contacts[org.billy_id]["cityText"], org.city)
        renamed = orgs[0].child_ids[0]
        persons = {p["id"]: p for p in contacts[orgs[0].billy_id]["contactPersons"]}
        self.assertEqual(persons[renamed.billy_id]["name"], "Person omdøbt")
        prices = {p["id"]: p["prices"] for p in self.billy_products()}
        for product in goods:
            self.assertEqual(
                [p["unitPrice"] for p in prices[product.billy_id]], [product.list_price]
            )
        # in step: the next run sends nothing
        self.sandbox.reset_stats()
        log = self.sync()
        self.assertEqual(self.writes(), {})
        self.assertEqual(log.updated_billy + log.updated_odoo, 0)

    def test_batch_size_setting(self):
        self.build_books(companies=0, products=5)
        self.company.billy_bulk_size = 2
        self.sync()
        self.assertEqual(self.writes(), {"PATCH /v2/contacts": 1, "PATCH /v2/products": 3})
        self.assert_one_to_one(contacts=2, persons=0, products=5)

    def test_bulk_off_sends_one_request_a_record(self):
        self.build_books(companies=1, products=2)
        self.company.billy_bulk_size = 1
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        self.assertEqual(
            self.writes(),
            {"POST /v2/contacts": 3, "POST /v2/contactPersons": 2, "POST /v2/products": 2},
        )

    def test_a_refused_record_fails_alone(self):
        orgs, _persons, goods = self.build_books(companies=3)
        # Billy knows no Brazil: it refuses that contact, and (all or nothing) the batch
        orgs[1].country_id = self.env.ref("base.br")
        log = self.sync()
        self.assertEqual(log.state, "partial", log.summary)
        self.assertEqual(log.failed, 1)  # its persons wait for it (the next run)
        self.assertEqual(orgs[1].billy_sync_state, "failed")
        self.assertIn("countryId", orgs[1].billy_sync_error)
        line = log.line_ids.filtered(
            lambda line: line.action == "failed" and line.res_id == orgs[1].id
        )
        self.assertEqual(line.message, orgs[1].billy_sync_error)
        self.assert_all_synced(orgs[0], orgs[2], *orgs[0].child_ids, *orgs[2].child_ids, *goods)
        self.assertFalse(any(orgs[1].child_ids.mapped("billy_id")))
        self.assert_one_to_one(contacts=4, persons=4)
        writes = self.writes()
        self.assertEqual(writes["PATCH /v2/contacts"], 1)
        self.assertEqual(writes["POST /v2/contacts"], 4)  # the others, one a request

    def test_an_answer_odoo_cannot_store_fails_its_record_alone(self):
        """A bulk answer is handled in one savepoint; when one record's part fails, the
        others are handled again one by one, and nothing is counted or noted twice."""
        _orgs, _persons, goods = self.build_books(companies=2)
        store = Links.store
        bad_link = self.env["billy.link"]

        def store_or_fail(links, link, handler, flat, odoo_vals, billy_vals):
            if link.res_model == "product.template" and link.res_id == goods[1].id:
                nonlocal bad_link
                bad_link = link
                raise ValueError("this link cannot be stored")
            return store(links, link, handler, flat, odoo_vals, billy_vals)

        with patch.object(Links, "store", store_or_fail):
            log = self.sync()
        self.assertEqual(log.state, "partial", log.summary)
        self.assertEqual(log.failed, 1)
        self.assertEqual(log.created_billy, 2 + 4 + 2 + 2)
        self.assertEqual(self.writes()["PATCH /v2/products"], 1)
        self.assertEqual(goods[1].billy_sync_state, "failed")
        self.assertFalse(goods[1].billy_id)
        self.assert_all_synced(goods[0], goods[2])
        for product in goods:
            lines = log.line_ids.filtered(lambda line, p=product: line.res_id == p.id)
            expected = ["failed"] if product == goods[1] else ["created"]
            self.assertEqual(lines.mapped("action"), expected, product.name)
            notes = product.message_ids.filtered(lambda m: "Created in Billy" in (m.body or ""))
            self.assertEqual(len(notes), 0 if product == goods[1] else 1, product.name)
        self.assertEqual(bad_link.state, "failed")
        # Billy kept it: the next run finds it and links it, nothing is created twice
        log = self.sync()
        self.assertEqual((log.linked, log.created_billy), (1, 0), log.summary)
        self.assert_all_synced(*goods)
        self.assertEqual(len(self.billy_products()), 3)

    def test_a_lost_answer_creates_nothing_twice(self):
        orgs, persons, goods = self.build_books()
        # Billy saves every batch, the answer never comes back
        self.sandbox.set_faults([{"kind": "lost_response", "method": "PATCH"}])
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        self.assertEqual(self.sandbox.stats()["faults"]["lost_response"], 3)
        self.assertEqual(log.linked, 4 + 2 + 8 + 3)  # found again and linked, not created
        self.assertEqual(log.created_billy, 0)
        self.assertEqual(log.failed, 0)
        self.assert_all_synced(*orgs, *orgs.child_ids, *persons, *goods)
        self.assert_one_to_one()
        writes = self.writes()
        self.assertNotIn("POST /v2/contacts", writes)
        self.assertNotIn("POST /v2/products", writes)

    def test_a_lost_answer_to_changes_sends_them_again(self):
        orgs, _persons, goods = self.build_books(companies=2)
        self.sync()
        orgs.write({"city": "Skagen"})
        goods.write({"list_price": 99.0})
        self.sandbox.reset_stats()
        # the contacts' answers are lost, retries included; the products' come back
        self.sandbox.set_faults(
            [{"kind": "lost_response", "method": "PATCH", "path": "/contacts$"}]
        )
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        self.assertEqual(log.updated_billy, 2 + 3)
        writes = self.writes()
        self.assertEqual(writes["PUT /v2/contacts/:id"], 2)  # sent again, one a request
        self.assertEqual(writes["PATCH /v2/products"], 1)
        self.assertNotIn("PUT /v2/products/:id", writes)
        self.assert_all_synced(*orgs, *goods)
        self.assertEqual(
            {c["cityText"] for c in self.billy_contacts() if c["type"] == "company"}, {"Skagen"}
        )
        self.assertEqual({p["prices"][0]["unitPrice"] for p in self.billy_products()}, {99.0})

    def test_billy_without_bulk_saves(self):
        orgs, persons, goods = self.build_books()
        self.sandbox.set_quirks(on=["no-bulk"])
        self.addCleanup(self.sandbox.set_quirks, off=["no-bulk"])
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        self.assertEqual(log.created_billy, 4 + 8 + 2 + 3)
        self.assert_all_synced(*orgs, *orgs.child_ids, *persons, *goods)
        self.assert_one_to_one()
        writes = self.writes()
        # one refused bulk save, then one request a record for the rest of the run
        self.assertEqual(writes.pop("PATCH /v2/contacts"), 1)
        self.assertEqual(
            writes, {"POST /v2/contacts": 6, "POST /v2/contactPersons": 8, "POST /v2/products": 3}
        )
