"""What a run needs to know once: the company, Billy's reference data, Odoo's lookups."""

from .errors import MappingError, no_country, unknown_country
from .messages import Message

# Billy's locales (docs/architecture.md); an Odoo language outside them is not sent.
BILLY_LOCALES = {"da_DK", "en_US", "de_DE", "fr_FR", "nl_NL", "sv_SE"}


class SyncContext:
    def __init__(self, env, company, client, excluded_partner_ids=()):
        self.env = env
        self.company = company
        self.client = client
        # partners that are not customers or suppliers (companies' own, internal users')
        self.excluded_partner_ids = list(excluded_partner_ids)
        self.currency_code = company.currency_id.name
        self._countries = None
        self._langs = None
        self._default_locale = False  # not looked up yet
        self._rulesets = None  # Odoo tax id → billy.tax.ruleset
        self._organization = None

    # --- Odoo lookups ---------------------------------------------------------------------

    def country_by_code(self, code):
        if self._countries is None:
            countries = self.env["res.country"].search([])
            self._countries = {country.code: country for country in countries}
        return self._countries.get(code) if code else self.env["res.country"]

    def billy_country(self, country, record_name, field_label=None):
        """Billy's country id of an Odoo country; Billy requires one on every contact."""
        if not country:
            raise no_country(self.env, record_name, field_label)
        return country.code

    def odoo_country(self, code):
        """The Odoo country of Billy's country id (an empty recordset for none)."""
        country = self.country_by_code(code)
        if code and not country:
            raise unknown_country(self.env, code)
        return country or self.env["res.country"]

    def default_locale(self):
        """The company's language as a Billy locale (None outside Billy's locales).

        A Billy contact without a language is written in the organization's language: the
        company's language is sent as no language, and no language reads as it.
        """
        if self._default_locale is False:
            lang = self.company.partner_id.lang
            self._default_locale = lang if lang in BILLY_LOCALES else None
        return self._default_locale

    def billy_locale(self, lang):
        """Billy's localeId of an Odoo language: None for the company's own or an unknown one."""
        if lang not in BILLY_LOCALES or lang == self.default_locale():
            return None
        return lang

    def odoo_lang(self, locale):
        """The Odoo language of Billy's localeId (no locale: the company's language)."""
        if self._langs is None:
            self._langs = set(self.env["res.lang"].search([]).mapped("code"))
        locale = locale or self.default_locale()
        return locale if locale in self._langs else None

    # --- Billy reference data -------------------------------------------------------------

    @property
    def organization(self):
        if self._organization is None:
            self._organization = self.client.get_organization()
        return self._organization

    # --- VAT: Odoo sales taxes ↔ Billy sales tax rulesets (billy.tax.map) ----------------

    def _tax_maps(self):
        if self._rulesets is None:
            Map = self.env["billy.tax.map"]
            domain = [("company_id", "=", self.company.id)]
            if not Map.search_count(domain):
                self.company._billy_refresh_tax_maps(self.client)
            self._rulesets = {
                tax_map.tax_id.id: tax_map.ruleset_id for tax_map in Map.search(domain)
            }
        return self._rulesets

    def sale_taxes(self, taxes):
        """The company's percent sales taxes among `taxes` (a product holds every company's)."""
        companies = self.company | self.company.parent_ids
        return taxes.filtered(
            lambda tax: (
                tax.type_tax_use == "sale"
                and tax.amount_type == "percent"
                and tax.company_id in companies
            )
        )

    def ruleset_of(self, taxes, record_name):
        """The billy.tax.ruleset carrying the VAT of these taxes (the 0 % one without tax)."""
        sale_taxes = self.sale_taxes(taxes)
        if len(sale_taxes) > 1:
            raise MappingError(Message(self.env, "several_taxes", record_name))
        if sale_taxes:
            ruleset = self._tax_maps().get(sale_taxes.id)
            if not ruleset:
                self.company._billy_refresh_tax_maps(self.client)
                self._rulesets = None  # Odoo tax id → billy.tax.ruleset
                ruleset = self._tax_maps().get(sale_taxes.id)
        else:
            ruleset = self.env["billy.tax.ruleset"].search(
                [("company_id", "=", self.company.id), ("rate", "=", 0.0)], limit=1
            )
        if not ruleset:
            rate = sale_taxes.amount if sale_taxes else 0.0
            raise MappingError(Message(self.env, "no_ruleset", rate=rate, name=record_name))
        return ruleset

    def ruleset_for_taxes(self, taxes, record_name, strict=True):
        """The Billy id of the ruleset of these taxes; None when unknown and not strict."""
        try:
            return self.ruleset_of(taxes, record_name).billy_id
        except MappingError:
            if strict:
                raise
            return None

    def tax_for_ruleset(self, ruleset_billy_id, price_include=False):
        """The Odoo sales tax mapped to a Billy ruleset (an empty recordset for 0 % VAT)."""
        ruleset = self.env["billy.tax.ruleset"].search(
            [("company_id", "=", self.company.id), ("billy_id", "=", ruleset_billy_id)]
        )
        if not ruleset or not ruleset.rate:
            return self.env["account.tax"]
        taxes = (
            self.env["billy.tax.map"]
            .search([("company_id", "=", self.company.id), ("ruleset_id", "=", ruleset.id)])
            .tax_id
        )
        preferred = taxes.filtered(lambda tax: bool(tax.price_include) == price_include)
        return (preferred or taxes).sorted("sequence")[:1]
