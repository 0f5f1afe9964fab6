"""Record kinds: how each kind is found, read, matched and written on both sides.

The engine is the same for every kind; what differs lives here. An instance is the run's
`handler` of its `kinds` (vocabulary.kind_of names the kind of an Odoo record). Billy records
are "flattened" first, so that pseudo fields (a person's e-mail kept on its contact person, a
product's price in the company currency) read like plain fields.
"""

from billy_api import BillyPage, children
from billy_api.client import MAX_PAGE_SIZE

from . import matching
from .mapping import billy_write_values
from .vocabulary import CONTACT_PERSON, ORGANIZATION, PERSON, kind_of


class RecordKind:
    res_model = None
    billy_resource = None
    include = None
    kinds = ()  # the record kinds (vocabulary) this handler syncs
    list_fields = ["active"]  # what the bulk walk reads of every Odoo record at once

    def __init__(self, ctx):
        self.ctx = ctx
        self.env = ctx.env
        self.company = ctx.company

    # Odoo side
    def odoo_domain(self):
        raise NotImplementedError

    def odoo_entry(self, record, values):
        """What the matcher compares of an unlinked Odoo record (matching.Entry)."""
        raise NotImplementedError

    def create_in_odoo(self, flat, vals):
        raise NotImplementedError

    # Billy side
    def billy_pages(self):
        return self.ctx.client.iter_pages(self.billy_resource, include=self.include)

    def fetch_billy(self, billy_id):
        return self.ctx.client.get(self.billy_resource, billy_id, include=self.include)

    def flatten(self, billy_record):
        return billy_record

    def billy_kind_of(self, flat):
        raise NotImplementedError

    def billy_entry(self, flat):
        """What the matcher compares of an unlinked Billy record (matching.Entry)."""
        raise NotImplementedError

    # Billy writes, prepared in the main thread (ORM reads allowed): `create_body` and
    # `update_body` say what Billy is sent (update_body None: not in a bulk save, see bulk.py),
    # `created` and `updated` read the record back from Billy's answer (the written record and
    # every record the write changed, plural → records). The `*_request` methods wrap them in
    # a closure that only talks to Billy and returns the written Billy record.

    def create_body(self, record, lines, values):
        raise NotImplementedError

    def created(self, billy_record, changed):
        return billy_record

    def update_body(self, record, lines, values, fields, flat):
        return billy_write_values(lines, values, fields)

    def updated(self, billy_record, changed, flat):
        return billy_record

    def create_request(self, record, lines, values):
        return self.create_call(self.create_body(record, lines, values))

    def create_call(self, body):
        client, resource = self.ctx.client, self.billy_resource

        def request():
            result = client.create(resource, body)
            if self.children_missing(body, result.changed):
                return client.get(resource, result.record["id"], include=self.include)
            return self.created(result.record, result.changed)

        return request

    def update_request(self, record, lines, values, fields, flat, billy_id):
        body = self.update_body(record, lines, values, fields, flat)
        client, resource = self.ctx.client, self.billy_resource

        def request():
            result = client.update(resource, billy_id, body)
            if self.children_missing(body, result.changed):
                return client.get(resource, billy_id, include=self.include)
            return self.updated(result.record, result.changed, flat)

        return request

    embedded = child_root = None  # the children a body embeds, and their root in answers

    def children_missing(self, body, changed):
        """An answer without the children sent (quirk singular-root): they are read then."""
        return bool(self.embedded and body and body.get(self.embedded)) and (
            self.child_root not in changed
        )

    def reread(self):
        """A fresh handler and every Billy record of the kind read again (flattened): what a
        lost answer may have created is among them."""
        fresh = type(self)(self.ctx)
        return fresh, [fresh.flatten(r) for page in fresh.billy_pages() for r in page.records]

    def billy_id_extra(self, flat):
        """Values stored on the link besides billy_id (see billy.link)."""
        return {}

    def search_terms(self, record, values):
        """Values to search Billy with when looking for one record's twin (`values`: the
        record's mapped values, odoo_values)."""
        return []


def _organization_id(ctx):
    return ctx.organization["id"]


class ContactKind(RecordKind):
    """Organizations and persons without a company: Billy contacts of type company/person."""

    res_model = "res.partner"
    billy_resource = "contacts"
    include = "contact.contactPersons:embed"
    embedded = child_root = "contactPersons"
    kinds = (ORGANIZATION, PERSON)
    list_fields = ["active", "is_company", "parent_id"]

    def __init__(self, ctx):
        super().__init__(ctx)
        # id → contact person of a company contact, for the next kind; by id, as a contact is
        # flattened again from Billy's answer when it is written
        self._company_persons = {}

    @property
    def company_persons(self):
        return list(self._company_persons.values())

    def odoo_domain(self):
        return [
            ("company_id", "in", [False, self.company.id]),
            ("type", "=", "contact"),
            "|",
            ("is_company", "=", True),
            ("parent_id", "=", False),
            ("id", "not in", self.ctx.excluded_partner_ids),
        ]

    def odoo_entry(self, partner, values):
        # the mapped values (standard or custom mapping), the partner's own e-mail otherwise
        email = values.get("email", partner.email)
        return matching.contact_entry(
            partner.id,
            kind_of(partner),
            values.get("registrationNo"),
            [email] if email else [],
            values.get("name"),
            values.get("countryId"),
        )

    def flatten(self, contact):
        flat = dict(contact)
        if contact.get("cityId") and not contact.get("cityText"):
            # a Danish contact may name its city by cityId only (fact F5 of
            # docs/billy_api_contract.md): its city is not known here, so it is not pulled
            flat.pop("cityText", None)
        if flat.get("localeId") and flat["localeId"] == self.ctx.default_locale():
            flat["localeId"] = None  # the organization's language, as Odoo sends it
        persons = contact.get("contactPersons") or []
        if contact.get("type") == "person":
            primary = next(
                (p for p in persons if p.get("isPrimary")), persons[0] if persons else {}
            )
            flat["email"] = primary.get("email")
            flat["_sub_id"] = primary.get("id")
        else:
            self._company_persons.update((person.get("id"), person) for person in persons)
        return flat

    def billy_kind_of(self, flat):
        return PERSON if flat.get("type") == "person" else ORGANIZATION

    def billy_entry(self, flat):
        emails = [flat.get("email")]
        emails += [person.get("email") for person in flat.get("contactPersons") or []]
        return matching.contact_entry(
            flat["id"],
            self.billy_kind_of(flat),
            flat.get("registrationNo"),
            emails,
            flat.get("name"),
            flat.get("countryId"),
        )

    def billy_id_extra(self, flat):
        return {"billy_sub_id": flat.get("_sub_id")}

    def search_terms(self, partner, values):
        email = values.get("email", partner.email)
        terms = [matching.registration_key(values.get("registrationNo"))]
        return [term for term in (*terms, email, values.get("name", partner.name)) if term]

    def create_body(self, partner, lines, values):
        body = billy_write_values(lines, values)
        email = body.pop("email", None)
        body["organizationId"] = _organization_id(self.ctx)
        body["type"] = "company" if partner.is_company else "person"
        if not partner.is_company:
            body["contactPersons"] = [
                {"name": values.get("name"), "email": email, "isPrimary": True}
            ]
        return body

    def created(self, billy_record, changed):
        contact = dict(billy_record)
        contact["contactPersons"] = children(
            changed, "contactPersons", "contactId", contact.get("id"), orphans=True
        )
        return contact

    def _person_change(self, partner, values, fields_body):
        """The primary contact person's new values, or None when they did not change."""
        if "email" in fields_body or ("name" in fields_body and not partner.is_company):
            return {"name": values.get("name"), "email": values.get("email")}
        return None

    def update_body(self, partner, lines, values, fields, flat):
        body = billy_write_values(lines, values, fields)
        # a changed e-mail is written on the contact person: a request of its own
        if self._person_change(partner, values, body) is not None or not body:
            return None
        return body

    def updated(self, billy_record, changed, flat):
        return dict(billy_record, contactPersons=flat.get("contactPersons", []))

    def update_request(self, partner, lines, values, fields, flat, billy_id):
        body = billy_write_values(lines, values, fields)
        person = self._person_change(partner, values, body)
        body.pop("email", None)
        sub_id = flat.get("_sub_id")
        client = self.ctx.client

        def request():
            contact = client.update("contacts", billy_id, body).record if body else dict(flat)
            if person is not None:
                if sub_id:
                    persons = client.update("contactPersons", sub_id, person).changed
                else:
                    new = dict(person, contactId=billy_id, isPrimary=True)
                    persons = client.create("contactPersons", new).changed
                contact["contactPersons"] = persons.get("contactPersons", [])
            else:
                contact["contactPersons"] = flat.get("contactPersons", [])
            return contact

        return request

    def create_in_odoo(self, flat, vals):
        vals = dict(vals, is_company=flat.get("type") != "person", company_id=self.company.id)
        return self.env["res.partner"].create(vals)


class ContactPersonKind(RecordKind):
    """Persons of a company: contact persons of that company's Billy contact."""

    res_model = "res.partner"
    billy_resource = "contactPersons"
    kinds = (CONTACT_PERSON,)
    list_fields = ["active", "parent_id"]

    def __init__(self, ctx, company_persons, parent_links):
        super().__init__(ctx)
        self.persons = company_persons
        self._with_person = None  # Billy contacts that have (or are getting) a person
        self.parent_links = parent_links  # Odoo partner id → Billy contact id

    def odoo_domain(self):
        return [
            ("company_id", "in", [False, self.company.id]),
            ("type", "=", "contact"),
            ("is_company", "=", False),
            ("parent_id", "in", list(self.parent_links)),
            ("id", "not in", self.ctx.excluded_partner_ids),
        ]

    def billy_pages(self):
        # read with their contacts already; handed on in pages like Billy's
        for start in range(0, len(self.persons), MAX_PAGE_SIZE):
            yield BillyPage(self.persons[start : start + MAX_PAGE_SIZE])

    def billy_kind_of(self, flat):
        return CONTACT_PERSON

    def odoo_entry(self, partner, values):
        parent = self.parent_links.get(partner.parent_id.id)
        return matching.person_entry(
            partner.id, parent, values.get("email", partner.email), values.get("name", partner.name)
        )

    def billy_entry(self, flat):
        return matching.person_entry(
            flat["id"], flat.get("contactId"), flat.get("email"), flat.get("name")
        )

    def billy_id_extra(self, flat):
        return {"billy_parent_id": flat.get("contactId")}

    def create_body(self, partner, lines, values):
        body = billy_write_values(lines, values)
        body["contactId"] = self.parent_links[partner.parent_id.id]
        if self._with_person is None:
            self._with_person = {person.get("contactId") for person in self.persons}
        # decided here, not in Billy's answer: several persons of a company may be in flight
        body["isPrimary"] = body["contactId"] not in self._with_person
        self._with_person.add(body["contactId"])
        return body

    def reread(self):
        contacts = ContactKind(self.ctx)
        for page in contacts.billy_pages():
            for contact in page.records:
                contacts.flatten(contact)
        fresh = ContactPersonKind(self.ctx, contacts.company_persons, self.parent_links)
        return fresh, list(fresh.persons)

    def create_in_odoo(self, flat, vals):
        parents = {billy_id: partner_id for partner_id, billy_id in self.parent_links.items()}
        parent_id = parents.get(flat.get("contactId"))
        if not parent_id:
            return self.env["res.partner"]
        vals = dict(vals, parent_id=parent_id, type="contact", is_company=False)
        return self.env["res.partner"].create(vals)
