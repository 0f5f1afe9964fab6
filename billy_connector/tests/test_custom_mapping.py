from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..sync.custom_mapping import mappable_kinds, standard_specs
from ..sync.mapping import mapping_for, watched_fields
from .common import BillyCase


def signature(lines):
    return [(line.billy_field, line.odoo_fields[0], line.direction) for line in lines]


@tagged("post_install", "-at_install")
class TestCustomMapping(BillyCase):
    def setUp(self):
        super().setUp()
        self.Mapping = self.env["billy.field.mapping"]

    def field(self, model, name):
        return self.env["ir.model.fields"]._get(model, name)

    def line(self, kind, billy_field, company=None):
        return self.Mapping.search(
            [
                ("company_id", "=", (company or self.company).id),
                ("record_kind", "=", kind),
                ("billy_field", "=", billy_field),
            ]
        )

    def add_line(self, kind, billy_field, field_name, direction="both", company=None):
        model = "product.template" if kind == "product" else "res.partner"
        return self.Mapping.create(
            {
                "company_id": (company or self.company).id,
                "record_kind": kind,
                "billy_field": billy_field,
                "odoo_field_id": self.field(model, field_name).id,
                "direction": direction,
            }
        )

    def go_custom(self, company=None):
        (company or self.company).billy_mapping_mode = "custom"

    # --- starting, showing and resetting --------------------------------------------------

    def test_custom_mode_starts_from_a_copy_of_the_standard_mapping(self):
        self.assertFalse(self.Mapping.search([("company_id", "=", self.company.id)]))
        self.go_custom()
        for kind in ("organization", "person", "contact_person", "product"):
            self.assertIn(kind, mappable_kinds())
            lines = self.Mapping.search(
                [("company_id", "=", self.company.id), ("record_kind", "=", kind)]
            )
            self.assertEqual(
                [(line.billy_field, line.odoo_field_id.name, line.direction) for line in lines],
                standard_specs(kind),
            )
            self.assertEqual(signature(mapping_for(self.company, kind)), standard_specs(kind))
        street = self.line("organization", "street")
        self.assertEqual(street.converter, "standard")
        self.assertTrue(self.line("organization", "countryId").billy_required)
        settings = self.env["res.config.settings"].create({})
        self.assertIn("Postal code", settings.billy_mapping_html)

    def test_settings_show_the_standard_mapping_and_open_the_custom_one(self):
        settings = self.env["res.config.settings"].create({})
        self.assertIn("Registration no. (CVR/VAT)", settings.billy_mapping_html)
        self.assertIn("Sales tax ruleset", settings.billy_mapping_html)
        settings = self.env["res.config.settings"].create({"billy_mapping_mode": "custom"})
        action = settings.action_billy_mapping_edit()
        self.assertEqual(self.company.billy_mapping_mode, "custom")
        self.assertEqual(action["res_model"], "billy.field.mapping")
        self.assertEqual(
            self.Mapping.search(action["domain"]),
            self.Mapping.search([("company_id", "=", self.company.id)]),
        )
        self.line("organization", "phone").odoo_field_id = self.field("res.partner", "ref")
        html = self.env["res.config.settings"].create({}).billy_mapping_html
        self.assertIn("<tr><td>Reference</td><td class='text-center'>⇄</td><td>Phone</td>", html)

    def test_reset_brings_the_standard_mapping_back(self):
        self.go_custom()
        self.line("organization", "phone").direction = "to_billy"
        self.line("product", "description").unlink()
        self.add_line("organization", "contactNo", "ref")
        self.assertNotEqual(
            signature(mapping_for(self.company, "organization")), standard_specs("organization")
        )
        self.company.billy_mapping_reset()
        for kind in mappable_kinds():
            self.assertEqual(signature(mapping_for(self.company, kind)), standard_specs(kind))
        self.assertEqual(self.company.billy_mapping_mode, "custom")

    # --- syncing with a custom mapping ----------------------------------------------------

    def test_a_different_odoo_field_goes_both_ways(self):
        self.go_custom()
        self.add_line("organization", "contactNo", "ref")
        partner = self.make_company(ref="K-100")
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        (contact,) = self.billy_contacts()
        self.assertEqual(contact["contactNo"], "K-100")
        self.assertEqual(contact["name"], "Fjord Design ApS")
        # Odoo → Billy: ref is watched now
        self.assertIn("ref", watched_fields("organization", self.env))
        partner.ref = "K-101"
        self.assertEqual(partner.billy_sync_state, "changed")
        self.sync()
        self.assertEqual(self.billy_contacts()[0]["contactNo"], "K-101")
        # Billy → Odoo
        self.billy.update("contacts", contact["id"], {"contactNo": "K-200"})
        log = self.sync()
        self.assertEqual(partner.ref, "K-200")
        self.assertEqual(log.updated_odoo, 1)
        self.assertEqual(partner.billy_sync_state, "synced")

    def test_a_standard_line_with_another_odoo_field(self):
        self.go_custom()
        self.line("product", "productNo").odoo_field_id = self.field("product.template", "barcode")
        product = self.make_product(barcode="5701234567890")
        self.sync()
        (billy_product,) = self.billy_products()
        self.assertEqual(billy_product["productNo"], "5701234567890")
        self.assertEqual(billy_product["prices"][0]["unitPrice"], 300.0)
        self.billy.update("products", billy_product["id"], {"productNo": "5700000000001"})
        self.sync()
        self.assertEqual(product.barcode, "5700000000001")
        self.assertEqual(product.default_code, "VP-1")

    def test_first_link_matches_by_the_mapped_field(self):
        self.go_custom()
        self.line("product", "productNo").odoo_field_id = self.field("product.template", "barcode")
        self.billy_create(
            "products",
            {"name": "Andet navn", "productNo": "5701234567890", "accountId": self.revenue()},
        )
        product = self.make_product(barcode="5701234567890")
        log = self.sync()
        self.assertEqual(log.linked, 1, log.summary)
        (billy_product,) = self.billy_products()
        self.assertEqual(product.billy_id, billy_product["id"])

    def revenue(self):
        accounts = self.billy.list("accounts")
        return next(a["id"] for a in accounts if a.get("natureId") == "revenue")

    def test_generic_converters_by_field_type(self):
        self.go_custom()
        self.line("product", "unitPrice").odoo_field_id = self.field(
            "product.template", "standard_price"
        )
        self.add_line("product", "suppliersProductNo", "default_code", "to_billy")
        product = self.make_product(standard_price=120.5)
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        (billy_product,) = self.billy_products()
        self.assertEqual(billy_product["prices"][0]["unitPrice"], 120.5)
        self.assertEqual(billy_product["suppliersProductNo"], "VP-1")
        self.billy.update(
            "products", billy_product["id"], {"prices": [{"currencyId": "DKK", "unitPrice": 99}]}
        )
        self.sync()
        self.assertEqual(product.standard_price, 99.0)
        self.assertEqual(product.list_price, 300.0)

    def test_one_direction_lines(self):
        partner = self.make_company(ref="K-1")
        self.sync()
        contact = self.billy_contacts()[0]
        self.assertFalse(contact["contactNo"])
        # Billy → Odoo only: Billy's customer number comes to Odoo, Odoo's never goes
        self.go_custom()
        self.add_line("organization", "contactNo", "ref", "to_odoo")
        self.billy.update("contacts", contact["id"], {"contactNo": "B-7"})
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        self.assertEqual(partner.ref, "B-7")
        partner.write({"ref": "K-2", "city": "Aarhus"})
        self.sync()
        contact = self.billy_contacts()[0]
        self.assertEqual((contact["contactNo"], contact["cityText"]), ("B-7", "Aarhus"))
        self.assertEqual(partner.ref, "B-7")  # Billy owns the field
        # Odoo → Billy only: Odoo's value goes, Billy's edits of it are overwritten
        self.line("organization", "contactNo").direction = "to_billy"
        partner.ref = "K-2"
        self.sync()
        self.assertEqual(self.billy_contacts()[0]["contactNo"], "K-2")
        self.billy.update("contacts", contact["id"], {"contactNo": "B-8", "phone": "7070"})
        self.sync()
        self.assertEqual((partner.ref, partner.phone), ("K-2", "7070"))
        self.assertEqual(self.billy_contacts()[0]["contactNo"], "K-2")

    def test_changing_the_mapping_marks_the_links_changed(self):
        partner = self.make_company()
        product = self.make_product()
        self.sync()
        self.go_custom()  # a copy of the standard: nothing changed
        self.assertEqual(partner.billy_sync_state, "synced")
        self.assertEqual(product.billy_sync_state, "synced")
        phone = self.line("organization", "phone")
        phone.direction = "to_billy"
        self.assertEqual(partner.billy_sync_state, "changed")
        self.assertEqual(product.billy_sync_state, "synced")
        self.sync()
        self.assertEqual(partner.billy_sync_state, "synced")
        self.add_line("product", "suppliersProductNo", "default_code", "to_billy")
        self.assertEqual(product.billy_sync_state, "changed")
        self.sync()
        self.assertEqual(self.billy_products()[0]["suppliersProductNo"], "VP-1")
        self.company.billy_mapping_reset()
        self.assertEqual(product.billy_sync_state, "changed")
        self.assertEqual(partner.billy_sync_state, "changed")
        self.company.billy_mapping_mode = "standard"  # same mapping as the reset custom one
        self.sync()
        self.assertEqual(partner.billy_sync_state, "synced")

    # --- refusals -------------------------------------------------------------------------

    def test_incompatible_lines_are_refused_when_saved(self):
        self.go_custom()
        country = self.line("organization", "countryId")
        cases = [
            (country, "name"),  # a text is no country
            (self.line("organization", "isCustomer"), "name"),  # a text is no boolean
            (self.line("organization", "name"), "country_id"),  # a country is no text
            (self.line("organization", "name"), "display_name"),  # computed, can't be pulled
            (self.line("organization", "phone"), "state_id"),  # a state is no text
        ]
        for line, field_name in cases:
            with self.subTest(field=field_name), self.assertRaises(ValidationError):
                line.odoo_field_id = self.field("res.partner", field_name)
        with self.assertRaises(ValidationError):
            self.line("product", "unitPrice").odoo_field_id = self.field("product.template", "name")
        with self.assertRaises(ValidationError):  # partner type: contact, invoice, … ≠ net, …
            self.add_line("organization", "paymentTermsMode", "type")
        with self.assertRaises(ValidationError):  # not a Billy field of products
            self.add_line("product", "contactNo", "default_code")
        with self.assertRaises(ValidationError):  # an Odoo field written by two lines
            self.add_line("organization", "contactNo", "phone")
        # what fits is accepted
        self.add_line("organization", "contactNo", "display_name", "to_billy")
        self.add_line("organization", "paymentTermsDays", "color")
        self.add_line("organization", "fax", "lang", "to_billy")  # a selection as text
        compatible = self.line("organization", "countryId").compatible_field_ids
        self.assertIn(self.field("res.partner", "country_id"), compatible)
        self.assertNotIn(self.field("res.partner", "name"), compatible)

    def test_incomplete_mappings_are_refused(self):
        self.go_custom()
        for kind, billy_field in [
            ("organization", "name"),
            ("organization", "countryId"),
            ("person", "countryId"),
            ("contact_person", "name"),
            ("product", "name"),
        ]:
            with self.subTest(kind=kind, field=billy_field):
                with self.assertRaises(ValidationError):
                    self.line(kind, billy_field).unlink()
                with self.assertRaises(ValidationError):
                    self.line(kind, billy_field).direction = "to_odoo"
        with self.assertRaises(ValidationError):
            self.line("organization", "name").billy_field = "contactNo"
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.add_line("organization", "phone", "ref")
        # optional lines can go
        self.line("organization", "phone").unlink()
        self.assertNotIn(
            "phone", [line.billy_field for line in mapping_for(self.company, "organization")]
        )

    # --- per company ----------------------------------------------------------------------

    def test_mappings_are_per_company(self):
        other = self.env["res.company"].create({"name": "Anden ApS"})
        self.go_custom(other)
        self.add_line("organization", "contactNo", "ref", company=other)
        self.assertEqual(self.company.billy_mapping_mode, "standard")
        self.assertFalse(self.Mapping.search([("company_id", "=", self.company.id)]))
        self.assertEqual(
            signature(mapping_for(self.company, "organization")), standard_specs("organization")
        )
        self.assertIn(
            "contactNo", [line.billy_field for line in mapping_for(other, "organization")]
        )
        self.go_custom()
        self.assertFalse(self.line("organization", "contactNo"))
        self.line("organization", "phone").direction = "to_billy"
        self.assertEqual(self.line("organization", "phone", other).direction, "both")
        # Billy managers see their companies' mappings only; others none
        manager = new_test_user(
            self.env,
            "billy-mapping-manager",
            groups="billy_connector.group_billy_manager",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        lines = self.Mapping.with_user(manager).with_context(allowed_company_ids=other.ids)
        lines = lines.search([])
        self.assertEqual(lines.company_id, other)
        user = new_test_user(self.env, "billy-mapping-user", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.Mapping.with_user(user).search([])
