"""What a run needs to know once: the company, Billy's reference data, Odoo's lookups."""

from .mapping import MappingError

# Billy's locales (spec §1.3); an Odoo language outside them is not sent.
BILLY_LOCALES = {"da_DK", "en_US", "de_DE", "fr_FR", "nl_NL", "sv_SE"}


class SyncContext:
    def __init__(self, env, company, client):
        self.env = env
        self.company = company
        self.client = client
        self.currency_code = company.currency_id.name
        self._countries = None
        self._langs = None
        self._rulesets = None
        self._organization = None

    # --- Odoo lookups ---------------------------------------------------------------------

    def country_by_code(self, code):
        if self._countries is None:
            countries = self.env["res.country"].search([])
            self._countries = {country.code: country for country in countries}
        return self._countries.get(code) if code else self.env["res.country"]

    def billy_locale(self, lang):
        return lang if lang in BILLY_LOCALES else None

    def odoo_lang(self, locale):
        if self._langs is None:
            self._langs = set(self.env["res.lang"].search([]).mapped("code"))
        return locale if locale in self._langs else None

    # --- Billy reference data -------------------------------------------------------------

    @property
    def organization(self):
        if self._organization is None:
            self._organization = self.client.get_organization()
        return self._organization

    @property
    def rulesets(self):
        """Billy's sales tax rulesets: id → rate of the fallback tax rate (a fraction)."""
        if self._rulesets is None:
            rates = {rate["id"]: rate.get("rate") for rate in self.client.list("taxRates")}
            self._rulesets = {
                ruleset["id"]: rates.get(ruleset.get("fallbackTaxRateId"))
                for ruleset in self.client.list("salesTaxRulesets")
            }
        return self._rulesets

    def _sale_taxes(self, taxes):
        return taxes.filtered(
            lambda tax: (
                tax.type_tax_use == "sale"
                and tax.amount_type == "percent"
                and tax.company_id in (self.company, self.company.parent_ids)
            )
        )

    def ruleset_for_rate(self, rate):
        for ruleset_id, ruleset_rate in self.rulesets.items():
            if ruleset_rate is not None and round(ruleset_rate * 100, 4) == round(rate, 4):
                return ruleset_id
        return None

    def ruleset_for_taxes(self, taxes, record_name, strict=True):
        """The Billy ruleset whose VAT rate equals the record's sales tax (0 % without tax)."""
        sale_taxes = self._sale_taxes(taxes)
        rate = sale_taxes[:1].amount if sale_taxes else 0.0
        ruleset_id = self.ruleset_for_rate(rate)
        if ruleset_id is None and strict:
            raise MappingError(
                self.env._(
                    "Billy has no sales tax ruleset with a rate of %(rate)s %% (used by %(name)s).",
                    rate=rate,
                    name=record_name,
                )
            )
        return ruleset_id

    def tax_for_ruleset(self, ruleset_id):
        rate = self.rulesets.get(ruleset_id)
        if rate is None:
            return self.env["account.tax"]
        taxes = self.env["account.tax"].search(
            [
                ("company_id", "=", self.company.id),
                ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"),
                ("amount", "=", round(rate * 100, 4)),
            ],
            order="sequence, id",
        )
        return taxes.filtered(lambda tax: not tax.price_include)[:1] or taxes[:1]
