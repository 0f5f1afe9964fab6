"""One Odoo partner or product, on its own (the Sync with Billy button, and the partners and
products an invoice needs first): fetch its Billy record, or find its twin, or create it."""

import json

from billy_api import BillyNotFoundError

from .errors import RecordFailure
from .first_link import FirstLinks
from .kinds import ContactKind, ContactPersonKind
from .mapping import mapping_for, odoo_values
from .messages import Message
from .product_kind import ProductKind
from .vocabulary import CONTACT_PERSON, ORGANIZATION, PRODUCT, kind_of


class RecordSync:
    def __init__(self, run):
        self.run = run
        self.env = run.env
        self._books = {}  # Billy resource → every record, once Billy ignored a `q` filter

    def sync_one(self, record):
        """Sync one partner or product in its savepoint."""
        kind = kind_of(record)
        self.run.guard.guarded(record, kind, lambda: self._sync(kind, record))

    def billy_id_of(self, record, kind=None, sync=None):
        """The Billy id of a record, synced first (by `sync`, default: sync_one) with Billy's
        answers awaited when it has none; raises RecordFailure when it can't get one."""
        links = self.run.links
        link = links.of(record, kind)
        if not link.billy_id:
            with self.run.guard.synchronous():
                (sync or self.sync_one)(record)
            link = links.of(record, kind)
        if not link.billy_id:
            raise RecordFailure(
                Message(
                    self.env,
                    "not_synced_first",
                    name=record.display_name,
                    error=link.error or Message(self.env, "unknown_reason"),
                )
            )
        return link.billy_id

    def _sync(self, kind, record):
        run = self.run
        handler = self._handler(record, kind)
        link = run.links.of(record, kind)
        if link.billy_id:
            try:
                flat = handler.flatten(handler.fetch_billy(link.billy_id))
            except BillyNotFoundError:
                run.pull.billy_record_gone(link, record)
                return
            run.pairs.reconcile(handler, kind, link, record, flat)
            return
        values = odoo_values(mapping_for(run.company, kind), record, run.ctx)
        candidates = {flat["id"]: flat for flat in self._candidates(handler, record, values)}
        FirstLinks(run, handler).link_or_create_one(record, candidates)

    def _handler(self, record, kind):
        ctx = self.run.ctx
        if kind == PRODUCT:
            return ProductKind(ctx)
        if kind == CONTACT_PERSON:
            parent_link = self._ensure_parent(record.parent_id)
            persons = self._billy_persons_of(parent_link)
            return ContactPersonKind(ctx, persons, {record.parent_id.id: parent_link.billy_id})
        return ContactKind(ctx)

    def _ensure_parent(self, parent):
        link = self.run.links.of(parent, ORGANIZATION)
        if not link.billy_id:
            self.sync_one(parent)
        if not link.billy_id:
            raise RecordFailure(Message(self.env, "parent_not_synced", parent.display_name))
        return link

    def _billy_persons_of(self, parent_link):
        contact = self.run.ctx.client.get(
            "contacts", parent_link.billy_id, include="contact.contactPersons:embed"
        )
        return list(contact.get("contactPersons") or [])

    def _candidates(self, handler, record, values):
        if isinstance(handler, ContactPersonKind):
            return [handler.flatten(person) for person in handler.persons]
        found = {}
        for term in filter(None, handler.search_terms(record, values)):
            records = self._search(handler, term)
            if records is None:
                return [handler.flatten(r) for r in self._book(handler)]
            for billy_record in records:
                found.setdefault(billy_record["id"], billy_record)
        return [handler.flatten(billy_record) for billy_record in found.values()]

    def _search(self, handler, term):
        """Billy's records matching `term` (its `q` filter), or None when Billy ignored the
        filter (a plausible reading, quirk q-ignored of docs/billy_api_contract.md): then one
        read of the whole book serves the run instead of one per record and term."""
        if handler.billy_resource in self._books:
            return None
        client = self.run.ctx.client
        pages = client.iter_pages(
            handler.billy_resource, params={"q": term}, include=handler.include, page_size=100
        )
        first = next(iter(pages), None)
        if first is None:
            return []
        if not all(mentions(billy_record, term) for billy_record in first.records):
            return None
        records = list(first.records)
        for page in pages:
            records.extend(page.records)
        return records

    def _book(self, handler):
        resource = handler.billy_resource
        if resource not in self._books:
            self._books[resource] = list(
                self.run.ctx.client.list(resource, include=handler.include)
            )
        return self._books[resource]


def mentions(billy_record, term):
    """Whether a record Billy found for `term` shows it anywhere (every filtered answer does)."""
    text = json.dumps(billy_record, ensure_ascii=False).casefold()
    return all(word in text for word in str(term).casefold().split())
