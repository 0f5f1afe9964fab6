"""Products and their prices (embedded in a product's write, or on their own)."""

from __future__ import annotations

from .fields import clean
from .records import Children, Context
from .specs import PRODUCT_PRICES, PRODUCTS
from .validation import Errors


def _price_values(ctx: Context, price: dict, errors: Errors, product_known: bool) -> dict:
    key = ctx.key_for(price, PRODUCT_PRICES)
    values = clean(PRODUCT_PRICES.fields, price, errors, key)
    if values.get("unitPrice") is None:
        errors.attr(key, "unitPrice", "This field must not be blank.")
    errors.require(key, values, ("currencyId",))
    skip = ("productId",) if product_known else ()
    ctx.check_refs(PRODUCT_PRICES, values, errors, key, skip=skip)
    return values


def _embedded_prices(ctx: Context, body: dict, errors: Errors):
    def parse(price):
        return _price_values(ctx, price, errors, True)

    return ctx.embedded(body, "prices", errors, ctx.key_for(body, PRODUCTS), parse)


PRICES = Children("productPrices", "productId", _embedded_prices)


def create_product(ctx: Context, body: dict, allow_id: bool) -> dict:
    organization = ctx.org.organization
    # UNCONFIRMED: accountId / salesTaxRulesetId default to the organization's default sales
    # account and ruleset.
    defaults = {}
    if body.get("accountId") is None:
        defaults["accountId"] = organization.get("defaultSalesAccountId")
    if body.get("salesTaxRulesetId") is None:
        defaults["salesTaxRulesetId"] = organization.get("defaultSalesTaxRulesetId")
    return ctx.create_with(PRICES, "products", {**body, **defaults}, allow_id)


def update_product(ctx: Context, record: dict, body: dict) -> dict:
    return ctx.update_with(PRICES, "products", record, body)


def delete_product(ctx: Context, record: dict) -> None:
    ctx.delete_with(
        PRICES,
        "products",
        record,
        used_by=("invoiceLines", "productId"),
        refusal_text="The product is used on invoices and can't be deleted; archive it instead.",
    )


def create_price(ctx: Context, body: dict, allow_id: bool) -> dict:
    errors = Errors()
    values = _price_values(ctx, body, errors, False)
    errors.require(ctx.key_for(body, PRODUCT_PRICES), values, ("productId",))
    errors.raise_if_any()
    record = ctx.new_record(PRODUCT_PRICES, values, ctx.given_id(body, allow_id))
    return ctx.insert("productPrices", record, body.get("_clientId"))


def update_price(ctx: Context, record: dict, body: dict) -> dict:
    return ctx.simple_update("productPrices", record, body, required=("currencyId",))
