"""Custom field mapping: Billy's writable fields per record kind, which Odoo fields fit them,
and the FieldMap lines of a company's custom mapping.

A custom line whose Odoo field is the standard one for its Billy field keeps the standard
converter (street + street2, CVR from VAT or company registry, price in the company currency,
tax ruleset, archive flag, a person's e-mail); any other Odoo field gets a generic converter
chosen by the field's type.

To add a record kind: give it a standard mapping (mapping.STANDARD_MAPPING), its Odoo model
(KIND_MODELS) and its Billy fields (BILLY_FIELDS).
"""

import dataclasses
from dataclasses import dataclass

from .errors import MappingError
from .fingerprint import normalize
from .mapping import STANDARD_MAPPING, FieldMap
from .messages import Message, _lt
from .vocabulary import BOTH, TO_BILLY, TO_ODOO

# Billy field types
STRING, BOOLEAN, NUMBER, INTEGER, ENUM = "string", "boolean", "number", "integer", "enum"
COUNTRY, CURRENCY, LOCALE, TAXES = "country", "currency", "locale", "taxes"

TEXT_TYPES = ("char", "text", "selection")
NUMBER_TYPES = ("float", "integer", "monetary")


@dataclass(frozen=True)
class BillyField:
    type: str
    label: str  # an _lt() text: env._(label) translates it
    required: bool = False
    values: tuple = ()  # the values of an enum


def _contact_fields():
    return {
        "name": BillyField(STRING, _lt("Name"), required=True),
        "street": BillyField(STRING, _lt("Street")),
        "zipcodeText": BillyField(STRING, _lt("Postal code")),
        "cityText": BillyField(STRING, _lt("City")),
        "stateText": BillyField(STRING, _lt("State")),
        "countryId": BillyField(COUNTRY, _lt("Country"), required=True),
        "registrationNo": BillyField(STRING, _lt("Registration no. (CVR/VAT)")),
        "phone": BillyField(STRING, _lt("Phone")),
        "fax": BillyField(STRING, _lt("Fax")),
        "contactNo": BillyField(STRING, _lt("Contact no.")),
        "ean": BillyField(STRING, _lt("EAN")),
        "localeId": BillyField(LOCALE, _lt("Language")),
        "currencyId": BillyField(CURRENCY, _lt("Currency")),
        "isCustomer": BillyField(BOOLEAN, _lt("Is customer")),
        "isSupplier": BillyField(BOOLEAN, _lt("Is supplier")),
        "isArchived": BillyField(BOOLEAN, _lt("Archived")),
        "isSalesTaxExempt": BillyField(BOOLEAN, _lt("Sales tax exempt")),
        "paymentTermsMode": BillyField(
            ENUM, _lt("Payment terms mode"), values=("net", "netEndOfMonth", "date")
        ),
        "paymentTermsDays": BillyField(INTEGER, _lt("Payment terms days")),
        "emailAttachmentDeliveryMode": BillyField(
            ENUM,
            _lt("E-mail attachment delivery"),
            values=("link", "linkAndAttachment", "attachment"),
        ),
    }


BILLY_FIELDS = {
    "organization": _contact_fields(),
    # a person's e-mail lives on its Billy contact person (a pseudo field of the contact)
    "person": {**_contact_fields(), "email": BillyField(STRING, _lt("E-mail (contact person)"))},
    "contact_person": {
        "name": BillyField(STRING, _lt("Name"), required=True),
        "email": BillyField(STRING, _lt("E-mail")),
    },
    "product": {
        "name": BillyField(STRING, _lt("Name"), required=True),
        "productNo": BillyField(STRING, _lt("Product no.")),
        "description": BillyField(STRING, _lt("Description")),
        "suppliersProductNo": BillyField(STRING, _lt("Supplier's product no.")),
        "isArchived": BillyField(BOOLEAN, _lt("Archived")),
        "salesTaxRulesetId": BillyField(TAXES, _lt("Sales tax ruleset")),
        "unitPrice": BillyField(NUMBER, _lt("Unit price (company currency)")),
    },
}

KIND_MODELS = {
    "organization": "res.partner",
    "person": "res.partner",
    "contact_person": "res.partner",
    "product": "product.template",
    "invoice": "account.move",
}

UNMAPPABLE_FIELDS = {"id", "create_uid", "create_date", "write_uid", "write_date"}


def mappable_kinds():
    """Record kinds whose mapping can be customized, in display order."""
    return [kind for kind in STANDARD_MAPPING if kind in BILLY_FIELDS and kind in KIND_MODELS]


def billy_field_selection(env):
    """Every Billy field of every kind, for billy.field.mapping's selection (labels in the
    language of `env`)."""
    seen = {}
    for fields in BILLY_FIELDS.values():
        for name, spec in fields.items():
            seen.setdefault(name, f"{name} ({env._(spec.label)})")
    return sorted(seen.items(), key=lambda item: item[0].lower())


def billy_label(kind, billy_field):
    """Billy's label of a field (Postal code for zipcodeText), its name when it has none."""
    spec = BILLY_FIELDS.get(kind, {}).get(billy_field)
    return spec.label if spec else billy_field


def standard_line(kind, billy_field):
    return next(
        (line for line in STANDARD_MAPPING[kind]() if line.billy_field == billy_field), None
    )


def standard_specs(kind):
    """(billy_field, odoo field, direction) of the standard mapping of a kind."""
    return [
        (line.billy_field, line.odoo_fields[0], line.direction) for line in STANDARD_MAPPING[kind]()
    ]


def is_standard_pair(kind, billy_field, field_name):
    line = standard_line(kind, billy_field) if kind in STANDARD_MAPPING else None
    return bool(line and line.odoo_fields[0] == field_name)


# --- compatibility ------------------------------------------------------------------------


def _selection_keys(env, field):
    return {str(key) for key in field.get_values(env)}


def _writable(field):
    if field.name in UNMAPPABLE_FIELDS:
        return False
    return not field.compute or bool(field.inverse) or (field.store and not field.readonly)


def incompatibility(env, kind, billy_field, field, direction=BOTH):
    """Why an Odoo field (a Field object) can't map a Billy field; None when it can."""
    spec = BILLY_FIELDS.get(kind, {}).get(billy_field)
    if spec is None:
        return env._("Billy has no field %(billy)s for %(kind)s.", billy=billy_field, kind=kind)
    if is_standard_pair(kind, billy_field, field.name):
        return None
    if direction in (BOTH, TO_ODOO) and not _writable(field):
        return env._(
            "%(field)s is computed and can't receive values from Billy: "
            "use the direction Odoo → Billy.",
            field=field.name,
        )
    ttype, comodel = field.type, field.comodel_name
    fits = {
        STRING: ttype in TEXT_TYPES,
        BOOLEAN: ttype == "boolean",
        NUMBER: ttype in NUMBER_TYPES,
        INTEGER: ttype == "integer",
        COUNTRY: ttype == "many2one" and comodel == "res.country",
        CURRENCY: ttype == "many2one" and comodel == "res.currency",
        LOCALE: ttype in ("char", "selection"),
        TAXES: False,  # only the standard taxes_id line knows Billy's rulesets
        ENUM: ttype == "selection",
    }[spec.type]
    if not fits:
        return env._(
            "%(field)s (%(type)s) can't hold Billy's %(billy)s (%(billy_type)s).",
            field=field.name,
            type=ttype,
            billy=billy_field,
            billy_type=spec.type,
        )
    if spec.type == ENUM:
        keys, values = _selection_keys(env, field), set(spec.values)
        if direction in (BOTH, TO_BILLY) and not keys <= values:
            return env._(
                "%(field)s has values Billy's %(billy)s doesn't know: %(values)s.",
                field=field.name,
                billy=billy_field,
                values=", ".join(sorted(keys - values)),
            )
        if direction in (BOTH, TO_ODOO) and not values <= keys:
            return env._(
                "Billy's %(billy)s has values %(field)s doesn't know: %(values)s.",
                field=field.name,
                billy=billy_field,
                values=", ".join(sorted(values - keys)),
            )
    return None


def compatible_fields(env, kind, billy_field, direction=BOTH):
    """Names of the Odoo fields that can map a Billy field of a kind."""
    model = env[KIND_MODELS[kind]]
    return [
        name
        for name, field in model._fields.items()
        if incompatibility(env, kind, billy_field, field, direction) is None
    ]


# --- generic converters -------------------------------------------------------------------


def _to_billy(spec, field):
    name = field.name
    if spec.type == COUNTRY:

        def country(record, ctx):
            if not record[name] and not spec.required:
                return None
            return ctx.billy_country(
                record[name], record.display_name, field._description_string(ctx.env)
            )

        return country
    if spec.type == CURRENCY:
        return lambda record, ctx: record[name].name or None
    if spec.type == LOCALE:
        return lambda record, ctx: ctx.billy_locale(record[name])
    if spec.type == BOOLEAN:
        return lambda record, ctx: bool(record[name])
    if spec.type in (NUMBER, INTEGER):
        return lambda record, ctx: record[name]
    return lambda record, ctx: (str(record[name]) if record[name] is not False else None) or None


def _to_odoo(spec, field):
    name = field.name
    if spec.type == COUNTRY:

        def country(value, record, ctx):
            return {name: ctx.odoo_country(value).id or False}

        return country
    if spec.type == CURRENCY:

        def currency(value, record, ctx):
            found = (
                ctx.env["res.currency"]
                .with_context(active_test=False)
                .search([("name", "=", value)], limit=1)
            )
            if value and not found:
                raise MappingError(Message(ctx.env, "unknown_currency", value))
            return {name: found.id if found else False}

        return currency
    if spec.type == LOCALE:

        def locale(value, record, ctx):
            lang = ctx.odoo_lang(value)
            return {name: lang} if lang or not value else {}

        return locale
    if spec.type == BOOLEAN:
        return lambda value, record, ctx: {name: bool(value)}
    if field.type == "integer":
        return lambda value, record, ctx: {name: round(value or 0)}
    if field.type in ("float", "monetary"):
        return lambda value, record, ctx: {name: float(value or 0.0)}
    if field.type == "selection":

        def selection(value, record, ctx):
            if not value:
                return {name: False}
            options = field._description_selection(ctx.env)
            for key, label in options:
                if normalize(value) in (normalize(str(key)), normalize(label)):
                    return {name: key}
            raise MappingError(
                Message(
                    ctx.env,
                    "unknown_value",
                    billy=Message.label(ctx.env, spec.label),
                    value=value,
                    field=field._description_string(ctx.env),
                )
            )

        return selection
    return lambda value, record, ctx: {name: value or False}


def build_line(env, kind, billy_field, field_name, direction):
    """The FieldMap of one custom line."""
    standard = standard_line(kind, billy_field)
    if standard and standard.odoo_fields[0] == field_name:
        return dataclasses.replace(standard, direction=direction)
    spec = BILLY_FIELDS[kind][billy_field]
    field = env[KIND_MODELS[kind]]._fields[field_name]
    return FieldMap(
        billy_field,
        (field_name,),
        _to_billy(spec, field),
        _to_odoo(spec, field),
        direction,
        spec.required,
    )


def written_fields(kind, billy_field, field_name):
    """The Odoo fields a line writes when it pulls (the standard street line clears street2)."""
    standard = standard_line(kind, billy_field)
    if standard and standard.odoo_fields[0] == field_name:
        return set(standard.odoo_fields)
    return {field_name}
