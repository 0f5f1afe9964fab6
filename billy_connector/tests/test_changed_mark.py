from odoo.tests import tagged

from .common import InvoiceCase


@tagged("post_install", "-at_install")
class TestChangedMark(InvoiceCase):
    """'Changed since last sync' only when a mapped value differs from what the last sync
    stored (issue 15, item 7)."""

    def setUp(self):
        super().setUp()
        self.Mapping = self.env["billy.field.mapping"]

    def synced(self, *records):
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        for record in records:
            self.assertEqual(self.link_of(record).state, "synced")

    def state(self, record):
        record.invalidate_recordset(["billy_sync_state"])
        return record.billy_sync_state

    def test_posting_an_invoice_leaves_its_customer_and_product_synced(self):
        self.synced(self.customer, self.product)
        self.invoice([self.line(2, 300.0)])
        self.assertEqual(self.state(self.customer), "synced")
        # the rank Odoo raises after the commit (res.partner._increase_rank): still a customer
        self.customer.customer_rank += 1
        self.assertEqual(self.state(self.customer), "synced")
        self.assertEqual(self.state(self.product), "synced")

    def test_a_partner_becoming_a_customer_is_a_change(self):
        partner = self.make_company("Havnens Café", vat="DK87654321", customer_rank=0)
        self.synced(partner)
        self.invoice([self.line()], partner=partner)  # isCustomer: False → True
        self.assertEqual(self.state(partner), "changed")

    def test_saving_the_same_price_leaves_a_product_synced_a_new_one_marks_it(self):
        self.synced(self.product)
        self.product.write({"list_price": 300.0, "name": "Vinduespudsning"})
        self.assertEqual(self.state(self.product), "synced")
        self.product.list_price = 310.0
        self.assertEqual(self.state(self.product), "changed")
        log = self.sync()
        self.assertEqual(log.updated_billy, 1, log.summary)
        self.assertEqual(self.state(self.product), "synced")

    def test_a_watched_field_that_leaves_the_mapped_values_alone_is_no_change(self):
        self.synced(self.customer)
        # Billy's registrationNo is the VAT number when there is one
        self.customer.company_registry = "12345678"
        self.assertEqual(self.state(self.customer), "synced")
        self.customer.comment = "Ring før levering"  # not mapped at all
        self.assertEqual(self.state(self.customer), "synced")
        self.customer.city = "Aarhus"
        self.assertEqual(self.state(self.customer), "changed")

    def test_with_a_custom_mapping(self):
        self.company.billy_mapping_mode = "custom"
        self.Mapping.create(
            {
                "company_id": self.company.id,
                "record_kind": "organization",
                "billy_field": "contactNo",
                "odoo_field_id": self.env["ir.model.fields"]._get("res.partner", "ref").id,
                "direction": "both",
            }
        )
        domain = [
            ("company_id", "=", self.company.id),
            ("record_kind", "=", "organization"),
            ("billy_field", "=", "phone"),
        ]
        self.Mapping.search(domain).unlink()  # phone is not mapped in this company
        self.customer.ref = "K-100"
        self.synced(self.customer, self.product)
        self.customer.write({"ref": "K-100"})
        self.assertEqual(self.state(self.customer), "synced")
        self.customer.phone = "+45 12 34 56 78"
        self.assertEqual(self.state(self.customer), "synced")
        self.product.write({"list_price": 300.0})
        self.assertEqual(self.state(self.product), "synced")
        self.customer.ref = "K-101"
        self.assertEqual(self.state(self.customer), "changed")
