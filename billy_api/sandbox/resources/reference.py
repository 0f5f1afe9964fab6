"""Reference data: the organization, tax rates, sales tax rulesets (with their rules), accounts,
and the read-only currencies and countries; and which tax rate applies to an invoice line."""

from __future__ import annotations

from .fields import clean
from .records import Children, Context
from .specs import SALES_TAX_RULES, SALES_TAX_RULESETS
from .validation import BLANK, Errors, blank

# Country groups known to the sandbox (Billy has a /countryGroups resource; only the EU is
# modelled here, for salesTaxRules with a countryGroupId).
_EU_CODES = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"
EU_COUNTRIES = frozenset(_EU_CODES.split())
COUNTRY_GROUPS = {"eu": EU_COUNTRIES, "EU": EU_COUNTRIES}


def update_organization(ctx: Context, record: dict, body: dict) -> dict:
    def extra(values, errors, key, _record):
        if "nextInvoiceNo" in values and (values["nextInvoiceNo"] or 0) < 1:
            errors.attr(key, "nextInvoiceNo", "This field must be at least 1.")
        for name in ("paymentTermsMode", "defaultTaxMode"):
            if name in values and values[name] is None:
                errors.attr(key, name, BLANK)

    return ctx.simple_update("organizations", record, body, extra=extra)


def create_tax_rate(ctx: Context, body: dict, allow_id: bool) -> dict:
    return ctx.simple_create("taxRates", body, allow_id, required=("name", "rate"))


def update_tax_rate(ctx: Context, record: dict, body: dict) -> dict:
    return ctx.simple_update("taxRates", record, body, required=("name", "rate"))


def create_account(ctx: Context, body: dict, allow_id: bool) -> dict:
    return ctx.simple_create("accounts", body, allow_id)


def update_account(ctx: Context, record: dict, body: dict) -> dict:
    return ctx.simple_update("accounts", record, body)


# -- sales tax rulesets, with their rules embedded -----------------------------------------------
def _rules(ctx: Context, body: dict, errors: Errors):
    def parse(rule):
        key = ctx.key_for(rule, SALES_TAX_RULES)
        values = clean(SALES_TAX_RULES.fields, rule, errors, key)
        if blank(values.get("countryId")) and blank(values.get("countryGroupId")):
            errors.attr(key, "countryId", BLANK)
        ctx.check_refs(SALES_TAX_RULES, values, errors, key)
        return values

    return ctx.embedded(body, "rules", errors, ctx.key_for(body, SALES_TAX_RULESETS), parse)


RULES = Children("salesTaxRules", "rulesetId", _rules)


def create_ruleset(ctx: Context, body: dict, allow_id: bool) -> dict:
    return ctx.create_with(RULES, "salesTaxRulesets", body, allow_id)


def update_ruleset(ctx: Context, record: dict, body: dict) -> dict:
    return ctx.update_with(RULES, "salesTaxRulesets", record, body)


def delete_ruleset(ctx: Context, record: dict) -> None:
    ctx.delete_with(RULES, "salesTaxRulesets", record)


def tax_rate_for(ctx: Context, product: dict | None, contact: dict | None):
    """``(taxRateId, rate)`` of a line: the first matching rule of the product's sales tax
    ruleset (by contact country, country group or contact type, in priority order), else the
    ruleset's fallback rate (inferred from Billy's resources, UNCONFIRMED)."""
    if product is None:
        return None, 0
    ruleset_id = product.get("salesTaxRulesetId")
    ruleset = ctx.tables["salesTaxRulesets"].get(ruleset_id) if ruleset_id else None
    if ruleset is None:
        return None, 0
    rate_id = ruleset.get("fallbackTaxRateId")
    country = (contact or {}).get("countryId")
    contact_type = (contact or {}).get("type")
    rules = sorted(
        ctx.org.children("salesTaxRules", "rulesetId", ruleset["id"]),
        key=lambda r: r.get("priority") or 0,
    )
    for rule in rules:
        if rule.get("countryId") and rule["countryId"] != country:
            continue
        group = rule.get("countryGroupId")
        if group and country not in COUNTRY_GROUPS.get(group, ()):
            continue
        if rule.get("contactType") and rule["contactType"] != contact_type:
            continue
        rate_id = rule.get("taxRateId")
        break
    rate = ctx.tables["taxRates"].get(rate_id) if rate_id else None
    return (rate["id"], rate.get("rate") or 0) if rate else (None, 0)
