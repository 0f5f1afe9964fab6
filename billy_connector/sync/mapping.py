"""The standard field mapping between Odoo records and Billy records.

A mapping is a list of FieldMap lines per record kind. Each line converts one Billy field:
`to_billy(record, ctx)` gives the Billy value of an Odoo record, `to_odoo(value, record, ctx)`
gives the Odoo values to write for a Billy value. `direction` limits a line to one way.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .fingerprint import normalize
from .sanitize import clean_values
from .vocabulary import BOTH, TO_BILLY, TO_ODOO


@dataclass(frozen=True)
class FieldMap:
    billy_field: str
    odoo_fields: tuple
    to_billy: Callable[[Any, Any], Any]
    to_odoo: Callable[[Any, Any, Any], dict] | None
    direction: str = BOTH
    required: bool = False

    @property
    def pushes(self):
        return self.direction in (BOTH, TO_BILLY)

    @property
    def pulls(self):
        return self.direction in (BOTH, TO_ODOO) and self.to_odoo is not None


def simple(odoo_field, billy_field, required=False, direction=BOTH):
    """A plain value copied as it is (char, text, boolean, number)."""
    return FieldMap(
        billy_field,
        (odoo_field,),
        lambda record, ctx: record[odoo_field] or None,
        lambda value, record, ctx: {odoo_field: value or False},
        direction,
        required,
    )


# --- partner converters -------------------------------------------------------------------


def _street_to_billy(partner, ctx):
    return ", ".join(part for part in (partner.street, partner.street2) if part) or None


def _street_to_odoo(value, partner, ctx):
    if normalize(value) == normalize(_street_to_billy(partner, ctx)):
        return {}
    return {"street": value or False, "street2": False}


def _country_to_billy(partner, ctx):
    return ctx.billy_country(partner.country_id, partner.display_name)


def _country_to_odoo(value, partner, ctx):
    return {"country_id": ctx.odoo_country(value).id or False}


def _registration_to_billy(partner, ctx):
    return partner.vat or partner.company_registry or None


def _registration_to_odoo(value, partner, ctx):
    if normalize(value) == normalize(_registration_to_billy(partner, ctx)):
        return {}
    return {"vat": value or False}


def _locale_to_billy(partner, ctx):
    return ctx.billy_locale(partner.lang)


def _locale_to_odoo(value, partner, ctx):
    lang = ctx.odoo_lang(value)
    return {"lang": lang} if lang else {}


def _rank_to_billy(rank_field):
    return lambda partner, ctx: bool(partner[rank_field])


def _rank_to_odoo(rank_field):
    def convert(value, partner, ctx):
        if bool(value) == bool(partner[rank_field]):
            return {}
        return {rank_field: 1 if value else 0}

    return convert


def _archived_to_billy(record, ctx):
    return not record.active


def _archived_to_odoo(value, record, ctx):
    return {"active": not value}


def _contact_lines():
    return [
        simple("name", "name", required=True),
        FieldMap("street", ("street", "street2"), _street_to_billy, _street_to_odoo),
        simple("zip", "zipcodeText"),
        simple("city", "cityText"),
        FieldMap("countryId", ("country_id",), _country_to_billy, _country_to_odoo, BOTH, True),
        FieldMap(
            "registrationNo",
            ("vat", "company_registry"),
            _registration_to_billy,
            _registration_to_odoo,
        ),
        simple("phone", "phone"),
        FieldMap("localeId", ("lang",), _locale_to_billy, _locale_to_odoo),
        FieldMap(
            "isCustomer",
            ("customer_rank",),
            _rank_to_billy("customer_rank"),
            _rank_to_odoo("customer_rank"),
        ),
        FieldMap(
            "isSupplier",
            ("supplier_rank",),
            _rank_to_billy("supplier_rank"),
            _rank_to_odoo("supplier_rank"),
        ),
        FieldMap("isArchived", ("active",), _archived_to_billy, _archived_to_odoo),
    ]


def _person_email_line():
    # Billy keeps a person's e-mail on its contact person, not on the contact; the engine
    # reads and writes this pseudo field through that contact person.
    return FieldMap(
        "email",
        ("email",),
        lambda partner, ctx: partner.email or None,
        lambda value, partner, ctx: {"email": value or False},
    )


# --- product converters -------------------------------------------------------------------


def _price_to_billy(product, ctx):
    return product.list_price


def _price_to_odoo(value, product, ctx):
    return {"list_price": value or 0.0}


def _ruleset_to_billy(product, ctx):
    return ctx.ruleset_for_taxes(product.taxes_id, product.display_name)


def _ruleset_to_odoo(value, product, ctx):
    if ctx.ruleset_for_taxes(product.taxes_id, product.display_name, strict=False) == value:
        return {}
    tax = ctx.tax_for_ruleset(value)
    return {"taxes_id": [(6, 0, tax.ids)]} if tax else {}


def _product_lines():
    return [
        simple("name", "name", required=True),
        simple("default_code", "productNo"),
        simple("description_sale", "description"),
        # "unitPrice" is the price in the company currency among the product's prices
        FieldMap("unitPrice", ("list_price",), _price_to_billy, _price_to_odoo),
        FieldMap("salesTaxRulesetId", ("taxes_id",), _ruleset_to_billy, _ruleset_to_odoo),
        FieldMap("isArchived", ("active",), _archived_to_billy, _archived_to_odoo),
    ]


def _contact_person_lines():
    return [
        simple("name", "name", required=True),
        simple("email", "email"),
    ]


STANDARD_MAPPING = {
    "organization": _contact_lines,
    "person": lambda: [*_contact_lines(), _person_email_line()],
    "contact_person": _contact_person_lines,
    "product": _product_lines,
}


def field_labels(lines, fields, record):
    """The Odoo labels of the Billy fields `fields` in the lines' mapping, for people to read.

    A line names the Odoo field it reads first (street: Street); a field no line maps keeps
    its Billy name.
    """
    by_billy = {line.billy_field: line for line in lines}
    labels = []
    for name in fields:
        line = by_billy.get(name)
        field = line and record._fields.get(line.odoo_fields[0])
        label = field._description_string(record.env) if field else name
        if label not in labels:
            labels.append(label)
    return ", ".join(labels)


def mapping_for(company, kind):
    """The FieldMap lines in force for a company and record kind."""
    if company.billy_mapping_mode == "custom":
        lines = company.env["billy.field.mapping"]._billy_lines(company, kind)
        if lines:
            return lines
    return STANDARD_MAPPING[kind]()


def watched_fields(kind, env=None):
    """Odoo fields whose change makes a linked record 'changed since last sync'.

    With an env, the Odoo fields of the custom mappings (billy.field.mapping) count too.
    """
    names = {name for line in STANDARD_MAPPING[kind]() for name in line.odoo_fields}
    if env is not None:
        names |= env["billy.field.mapping"]._billy_custom_watched_fields(kind)
    return names


def odoo_values(lines, record, ctx):
    """The Billy-shaped values of an Odoo record."""
    return {line.billy_field: line.to_billy(record, ctx) for line in lines}


def billy_values(lines, flat_billy_record):
    """The mapped values of a (flattened) Billy record, comparable with odoo_values()."""
    return {line.billy_field: flat_billy_record.get(line.billy_field) for line in lines}


def billy_write_values(lines, values, fields=None):
    """The Billy values to send: the lines that push, limited to `fields` when given."""
    return {
        line.billy_field: values[line.billy_field]
        for line in lines
        if line.pushes and (fields is None or line.billy_field in fields)
    }


def odoo_write_values(lines, billy_record, record, ctx):
    """The Odoo values that bring a record in line with a Billy record (storable: sanitize)."""
    vals = {}
    for line in lines:
        if line.pulls and line.billy_field in billy_record:
            vals.update(line.to_odoo(billy_record.get(line.billy_field), record, ctx))
    return clean_values(vals)
