"""Contacts and their contact persons (embedded in a contact's write, or on their own)."""

from __future__ import annotations

import secrets

from .fields import clean
from .records import Children, Context
from .specs import CONTACT_PERSONS, CONTACTS
from .validation import Errors, blank

EITHER = "Either name or email must be set."


def _person_values(ctx: Context, person: dict, errors: Errors, contact_known: bool) -> dict:
    key = ctx.key_for(person, CONTACT_PERSONS)
    values = clean(CONTACT_PERSONS.fields, person, errors, key)
    if blank(values.get("name")) and blank(values.get("email")):
        errors.record(key, EITHER)
        errors.attr(key, "name", EITHER)
    if not contact_known:
        ctx.check_refs(CONTACT_PERSONS, values, errors, key)
    return values


def _embedded_persons(ctx: Context, body: dict, errors: Errors):
    def parse(person):
        return _person_values(ctx, person, errors, True)

    key = ctx.key_for(body, CONTACTS)
    return ctx.embedded(body, "contactPersons", errors, key, parse)


PERSONS = Children("contactPersons", "contactId", _embedded_persons)


def _needs_country(values, errors, key, record):
    if ("countryId" in values or record is None) and blank(values.get("countryId")):
        errors.attr(key, "countryId", "This field must not be blank.")


def create_contact(ctx: Context, body: dict, allow_id: bool) -> dict:
    errors = Errors()
    persons = _embedded_persons(ctx, body, errors)
    key = ctx.key_for(body, CONTACTS)
    values = clean(CONTACTS.fields, body, errors, key)
    errors.require(key, values, ("name",))
    _needs_country(values, errors, key, None)
    ctx.check_refs(CONTACTS, values, errors, key)
    errors.raise_if_any()
    record = ctx.new_record(CONTACTS, values, ctx.given_id(body, allow_id))
    record["accessCode"] = secrets.token_urlsafe(12)[:16]
    ctx.insert("contacts", record, body.get("_clientId"))
    ctx.write_children(PERSONS, record, persons)
    return record


def update_contact(ctx: Context, record: dict, body: dict) -> dict:
    return ctx.update_with(PERSONS, "contacts", record, body, extra=_needs_country)


def delete_contact(ctx: Context, record: dict) -> None:
    ctx.delete_with(
        PERSONS,
        "contacts",
        record,
        used_by=("invoices", "contactId"),
        refusal_text="The contact has invoices and can't be deleted; archive it instead.",
    )


def create_person(ctx: Context, body: dict, allow_id: bool) -> dict:
    errors = Errors()
    key = ctx.key_for(body, CONTACT_PERSONS)
    values = _person_values(ctx, body, errors, False)
    errors.require(key, values, ("contactId",))
    errors.raise_if_any()
    record = ctx.new_record(CONTACT_PERSONS, values, ctx.given_id(body, allow_id))
    return ctx.insert("contactPersons", record, body.get("_clientId"))


def update_person(ctx: Context, record: dict, body: dict) -> dict:
    def extra(values, errors, key, record):
        merged = {**record, **values}
        if blank(merged.get("name")) and blank(merged.get("email")):
            errors.record(key, EITHER)
            errors.attr(key, "name", EITHER)

    return ctx.simple_update("contactPersons", record, body, required=(), extra=extra)
