from urllib.parse import urlsplit

from odoo.tests import TransactionCase
from odoo.tests.common import HOST, _super_send

from billy_api import BillyClient
from billy_api.sandbox import SandboxServer

TOKEN = "test-token-billy-connector"
ORGANIZATION = "Nordisk Test ApS"


class BillyCase(TransactionCase):
    """A company connected to a fresh Billy sandbox on 127.0.0.1 for every test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = SandboxServer(tokens={TOKEN: ORGANIZATION}, host="127.0.0.1", port=0)
        cls.sandbox.start()
        cls.addClassCleanup(cls.sandbox.stop)
        dkk = cls.env.ref("base.DKK")
        dkk.active = True
        cls.company = cls.env["res.company"].create(
            {
                "name": "Billy Test ApS",
                "currency_id": dkk.id,
                "country_id": cls.env.ref("base.dk").id,
            }
        )
        cls.env.user.company_ids |= cls.company
        cls.env.user.company_id = cls.company
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.company = cls.company.with_env(cls.env)
        cls.env["account.chart.template"].try_loading(
            "generic_coa", cls.company, install_demo=False
        )
        cls.company.currency_id = dkk
        cls.company.write(
            {
                "billy_api_key": TOKEN,
                "billy_api_url": cls.sandbox.url,
                "billy_sync_direction": "both",
            }
        )
        cls.billy = BillyClient(TOKEN, base_url=cls.sandbox.url, max_retries=0)
        cls.denmark = cls.env.ref("base.dk")
        cls.germany = cls.env.ref("base.de")
        cls.tax_25 = cls._sale_tax(25.0)
        cls.tax_0 = cls._sale_tax(0.0)

    @classmethod
    def _request_handler(cls, session, request, /, **kwargs):
        # Odoo's handler cannot read a (connect, read) timeout tuple; the sandbox is local
        if urlsplit(request.url).hostname in (HOST, "localhost"):
            return _super_send(session, request, **kwargs)
        return super()._request_handler(session, request, **kwargs)

    @classmethod
    def _sale_tax(cls, rate):
        tax = cls.env["account.tax"].search(
            [
                ("company_id", "=", cls.company.id),
                ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"),
                ("amount", "=", rate),
            ],
            limit=1,
        )
        group = cls.env["account.tax.group"].search([("company_id", "=", cls.company.id)], limit=1)
        return tax or cls.env["account.tax"].create(
            {
                "tax_group_id": group.id,
                "name": f"Salgsmoms {rate:g}%",
                "amount": rate,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )

    def setUp(self):
        super().setUp()
        self.sandbox.reset()
        self.sandbox.clear_faults()
        # a reset Billy has new ids: forget the rulesets read from the previous one
        domain = [("company_id", "=", self.company.id)]
        self.env["billy.tax.map"].search(domain).unlink()
        self.env["billy.tax.ruleset"].search(domain).unlink()
        self.company._billy_refresh_tax_maps(self.billy)
        self.sandbox.reset_stats()

    # --- helpers --------------------------------------------------------------------------

    def sync(self):
        return self.company.billy_sync_all()

    def billy_contacts(self, **params):
        return list(
            self.billy.list("contacts", params=params, include="contact.contactPersons:embed")
        )

    def billy_products(self):
        return list(self.billy.list("products", include="product.prices:embed"))

    def billy_create(self, resource, record):
        record = dict(record, organizationId=self.billy.get_organization()["id"])
        return self.billy.create(resource, record).record

    def writes(self):
        """Write requests the sandbox received since the last reset of its counters."""
        requests = self.sandbox.stats()["requests"]
        return {key: n for key, n in requests.items() if not key.startswith("GET")}

    def ruleset_id(self, name):
        rulesets = self.billy.list("salesTaxRulesets")
        return next(r["id"] for r in rulesets if r["name"] == name)

    def make_company(self, name="Fjord Design ApS", **values):
        return self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "country_id": self.denmark.id,
                "street": "Bornholmsgade 57",
                "zip": "9000",
                "city": "Aalborg",
                "vat": "DK12345678",
                "customer_rank": 1,
                **values,
            }
        )

    def make_product(self, name="Vinduespudsning", **values):
        return self.env["product.template"].create(
            {
                "name": name,
                "default_code": "VP-1",
                "list_price": 300.0,
                "taxes_id": [(6, 0, self.tax_25.ids)],
                "description_sale": "Alt udvendigt",
                **values,
            }
        )

    def link_of(self, record):
        return self.env["billy.link"].search(
            [
                ("company_id", "=", self.company.id),
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
            ]
        )


class InvoiceCase(BillyCase):
    """A customer, a product and helpers to make, post and read invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Billy rounds VAT once per invoice (docs/architecture.md); Odoo, with global rounding
        cls.company.tax_calculation_rounding_method = "round_globally"
        group = cls.tax_25.tax_group_id
        cls.tax_25_incl = cls.env["account.tax"].create(
            {
                "name": "Salgsmoms 25% incl.",
                "amount": 25.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
                "company_id": cls.company.id,
                "tax_group_id": group.id,
            }
        )
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].create(
            {
                "name": "2026-01-01",
                "rate": 0.134,
                "currency_id": cls.eur.id,
                "company_id": cls.company.id,
            }
        )

    def setUp(self):
        super().setUp()
        self.customer = self.make_company()
        self.product = self.make_product()

    # --- helpers --------------------------------------------------------------------------

    def invoice(self, lines, partner=None, move_type="out_invoice", post=True, **values):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or self.customer).id,
                "invoice_date": "2026-11-02",
                "invoice_line_ids": [(0, 0, line) for line in lines],
                **values,
            }
        )
        if post:
            move.action_post()
        return move

    def line(self, quantity=1, price=300.0, tax=None, product=None, **values):
        product = self.product if product is None else product
        return {
            "product_id": product.product_variant_id.id if product else False,
            "name": values.pop("name", product.name if product else "Ydelse"),
            "quantity": quantity,
            "price_unit": price,
            "tax_ids": [(6, 0, (tax or self.tax_25).ids)],
            **values,
        }

    def billy_invoice(self, move):
        return self.billy.get("invoices", move.billy_id, include="invoice.lines:embed")

    def assert_totals_match(self, move):
        billy = self.billy_invoice(move)
        self.assertEqual(
            (billy["amount"], billy["tax"], billy["grossAmount"]),
            (move.amount_untaxed, move.amount_tax, move.amount_total),
        )
        self.assertEqual(move.billy_sync_state, "synced", move.billy_sync_error)
        return billy
