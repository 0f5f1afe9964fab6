"""Products: a Billy product and its price in the company currency (see kinds.py)."""

from billy_api import children

from . import matching
from .kinds import RecordKind, _organization_id
from .mapping import billy_write_values
from .vocabulary import PRODUCT


class ProductKind(RecordKind):
    res_model = "product.template"
    billy_resource = "products"
    include = "product.prices:embed"
    embedded, child_root = "prices", "productPrices"
    kinds = (PRODUCT,)

    def odoo_domain(self):
        return [("company_id", "in", [False, self.company.id]), ("sale_ok", "=", True)]

    def billy_kind_of(self, flat):
        return PRODUCT

    def odoo_entry(self, product, values):
        return matching.product_entry(product.id, values.get("productNo"), values.get("name"))

    def billy_entry(self, flat):
        return matching.product_entry(flat["id"], flat.get("productNo"), flat.get("name"))

    def search_terms(self, product, values):
        return [term for term in (values.get("productNo"), values.get("name")) if term]

    def flatten(self, product):
        flat = dict(product)
        prices = product.get("prices") or []
        own = [p for p in prices if p.get("currencyId") == self.ctx.currency_code]
        flat["unitPrice"] = own[0].get("unitPrice") if own else None
        return flat

    def _prices(self, unit_price, flat=None):
        others = [
            {"currencyId": p["currencyId"], "unitPrice": p.get("unitPrice")}
            for p in (flat or {}).get("prices") or []
            if p.get("currencyId") != self.ctx.currency_code
        ]
        return [{"currencyId": self.ctx.currency_code, "unitPrice": unit_price or 0.0}, *others]

    def _body(self, lines, values, fields=None, flat=None):
        body = billy_write_values(lines, values, fields)
        if "unitPrice" in body:
            body["prices"] = self._prices(body.pop("unitPrice"), flat)
        return body

    def _with_prices(self, billy_record, changed):
        product = dict(billy_record)
        prices = changed.get("productPrices")
        if prices is not None:
            product["prices"] = children(changed, "productPrices", "productId", product.get("id"))
        return product

    def create_body(self, product, lines, values):
        body = self._body(lines, values)
        body["organizationId"] = _organization_id(self.ctx)
        return body

    def created(self, billy_record, changed):
        return self._with_prices(billy_record, changed)

    def update_body(self, product, lines, values, fields, flat):
        return self._body(lines, values, fields, flat)

    def updated(self, billy_record, changed, flat):
        record = self._with_prices(billy_record, changed)
        record.setdefault("prices", flat.get("prices"))
        return record

    def create_in_odoo(self, flat, vals):
        vals = dict(vals, company_id=self.company.id, sale_ok=True)
        return self.env["product.template"].create(vals)
