"""Bulk saves: contacts, contact persons and products created and updated in Billy a batch at a
time, `PATCH /v2/<plural>` with `{"<plural>": [...]}`, the form Billy's own data layer sends
(docs/billy_api_contract.md, "Bulk save"; billy_api `BillyClient.bulk_save`).

Every record of a batch is checked in Billy's answer and stored as the answer to its own
request would be. What the answer does not confirm is sent again, one record a request:

* Billy refused the bulk save itself (404/405, quirk `no-bulk`): nothing was saved; the batch
  goes one record a request, and so does the rest of the run;
* a record Billy names invalid (the batch refused with a validation error): that record fails
  with Billy's message; the others are sent again, as below;
* anything else (a lost or cut answer, a server error, a record whose embedded children are
  not in the answer): the batch may have been saved, or part of it. New records look for their
  twin among Billy's records read afresh (the first link, reconcile.py), so a record that the
  lost answer did create is linked, not created twice; updates are sent again (a PUT says
  the same twice).

Invoices (draft, new: invoice_bulk.py) go in bulk saves too, with their `lines` embedded as in a
single create; no source shows how Billy treats embedded lines in a bulk save (the contract,
"Bulk save"), so every reading is made safe: an invoice whose lines are not in the answer is
updated with them (its Billy draft is known from the answer); one that Billy names invalid is
sent again alone, whose answer is Billy's word on it; a batch none of whose records is confirmed
so ends bulk saves of that kind for the run. After a lost answer invoices are found again by
externalId or identity (invoice_twins.py), as in a single request's retry.
"""

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

from billy_api import BillyError, BillyValidationError

from .connection import is_connection_error
from .first_link import FirstLinks

_logger = logging.getLogger(__name__)

BULK_RESOURCES = ("contacts", "contactPersons", "products", "invoices")
# children sent inside a record: Billy's answer must carry them, or the record is not confirmed
EMBEDDED = ("contactPersons", "prices", "lines")
REFUSED = (404, 405)  # Billy has no bulk save here: UNKNOWN_RESOURCE, METHOD_NOT_ALLOWED


@dataclass
class Item:
    """One record of a batch: what is sent, and what its single request would do."""

    handler: object  # kinds.RecordKind
    kind: str
    record: object  # the Odoo record
    link: object
    body: dict
    on_answer: object  # called with the written Billy record, as for a single request
    billy_id: str = None  # an update's Billy record (None: a new record)
    flat: dict = field(default_factory=dict)  # an update's Billy record as last read
    single: object = None  # an update's single request
    redo: object = None  # redo(item, look for its twin first): the kind's own single request
    answer: dict = None  # Billy's record of it in an answer that did not confirm it

    def payload(self):
        return dict(self.body, id=self.billy_id) if self.billy_id else dict(self.body)


class Bulk:
    """The batches of one bulk run (run.py sets `size`); a walk of one kind opens them."""

    def __init__(self, run):
        self.run = run
        self.size = 0  # records per bulk save (company.billy_bulk_size); 0 or 1: off
        self.refused = False  # Billy refused a bulk save: one request a record from then on
        self.proven = set()  # the resources a bulk save of this run went through for
        self.off = set()  # resources whose bulk saves confirmed nothing: one request a record
        self._open = False  # inside a walk (see batching); elsewhere records go one by one
        self._singles = False  # sending again what bulk saves did not confirm
        self._batches = {}  # Billy resource → [Item]
        self._redo = []  # (Item, look for its twin first)

    def takes(self, handler):
        """Whether this record's write goes in a batch."""
        return (
            self._open
            and self.size > 1
            and not self.refused
            and not self._singles
            and handler.billy_resource in BULK_RESOURCES
            and handler.billy_resource not in self.off
        )

    @contextmanager
    def batching(self):
        """A walk: writes are batched; at its end every batch is sent and answered."""
        self._open = True
        try:
            yield
            self.finish()
        finally:
            self._open = False
            self._batches.clear()
            self._redo.clear()

    def add_create(self, handler, kind, record, link, body, on_answer, redo=None):
        self._add(Item(handler, kind, record, link, body, on_answer, redo=redo))

    def add_update(self, handler, kind, record, link, billy_id, body, flat, on_answer, single):
        self._add(Item(handler, kind, record, link, body, on_answer, billy_id, flat, single))

    def _add(self, item):
        self._batches.setdefault(item.handler.billy_resource, []).append(item)

    # --- sending --------------------------------------------------------------------------

    def send_full(self):
        """Between records: send the batches that are full."""
        for resource, items in list(self._batches.items()):
            if len(items) >= self.size:
                self._send(resource)

    def finish(self):
        """Send what is left, await every answer, then send one record a request what the
        answers did not confirm."""
        for resource in list(self._batches):
            self._send(resource)
        guard = self.run.guard
        guard.dispatcher.drain()
        redo, self._redo = self._redo, []
        if not redo:
            return
        self._singles = True
        try:
            self._send_singly(redo)
            guard.dispatcher.drain()
        finally:
            self._singles = False

    def _send(self, resource):
        items = self._batches.pop(resource, [])
        if not items:
            return
        alone = len(items) == 1 and getattr(items[0].handler, "single_when_alone", False)
        if self.refused or resource in self.off or alone:
            # refused while this batch filled up (nothing of it was sent), or one record
            self._redo.extend((item, False) for item in items)
            return
        client = self.run.ctx.client
        payload = [item.payload() for item in items]
        dispatcher = self.run.guard.dispatcher
        dispatcher.submit(
            lambda: client.bulk_save(resource, payload),
            lambda outcome: self._answered(resource, items, outcome),
        )
        if resource not in self.proven:
            # a kind's first bulk save is awaited: a Billy without bulk saves refuses one, and
            # one that does not confirm a kind's records ends that kind's bulk saves
            dispatcher.drain()

    # --- answers --------------------------------------------------------------------------

    def _answered(self, resource, items, outcome):
        result, error = outcome
        if error is not None:
            self._failed(resource, items, error)
            return
        confirmed = []
        for item, billy_record in zip(items, result.records, strict=True):
            written = self._read_back(item, billy_record, result.changed)
            if written is None:
                item.answer = billy_record
                self._redo.append((item, True))
            else:
                confirmed.append((item.record, item.kind, item.link, item.on_answer, written))
        self.run.links.warm_links([answer[2] for answer in confirmed])
        self.run.guard.answered_together(confirmed)
        if confirmed:
            self.proven.add(resource)
        else:
            self._off(resource, "confirmed none of its records")

    def _read_back(self, item, billy_record, changed):
        """The written record as the item's single request would return it; None when the
        answer lacks an embedded child that was sent."""
        handler = item.handler
        created = handler.created(billy_record, changed)
        if any(item.body.get(key) and not created.get(key) for key in EMBEDDED):
            return None
        return handler.updated(billy_record, changed, item.flat) if item.billy_id else created

    def _failed(self, resource, items, error):
        if is_connection_error(error):  # the batch stays unsent (guard.connection_failed)
            self.run.guard.connection_failed(error)
            return
        if isinstance(error, BillyError) and error.status in REFUSED:
            self.refused = True
            _logger.info(
                "Billy refused a bulk save of %s (%s): one request a record", resource, error
            )
            self._redo.extend((item, False) for item in items)
            return
        _logger.info("A bulk save of %d %s failed (%s): sent again", len(items), resource, error)
        invalid = error.indexes if isinstance(error, BillyValidationError) else ()
        guard = self.run.guard
        if invalid and len(invalid) == len(items) and items[0].redo is not None:
            self._off(resource, "refused every record")
        for index, item in enumerate(items):
            if index in invalid and item.redo is not None:
                self._redo.append((item, False))  # Billy's word on it alone: sent alone
            elif index in invalid:
                message = self._message(error, index)
                guard.fail(item.record, item.kind, message, item.link)
            else:
                self._redo.append((item, True))

    def _off(self, resource, why):
        if resource not in self.proven:
            _logger.info("A bulk save of %s %s: one request a record from now on", resource, why)
            self.off.add(resource)

    def _message(self, error, index):
        """Billy's message about the record at `index` of a refused batch."""
        name = f"bulk{index}"
        own = {
            key: entry
            for key, entry in error.validation_errors.items()
            if str(key).split("/", 1)[0] == name
            or (isinstance(entry, dict) and entry.get("index") == index)
        }
        return BillyValidationError(
            error.status,
            error.error_code,
            None,
            own or error.validation_errors,
            error.method,
            error.path,
        ).user_message

    # --- one record a request -------------------------------------------------------------

    def _send_singly(self, redo):
        guard = self.run.guard
        twins = {}  # id(handler) → what _twins found: (handler, unlinked) or an error
        for item, rematch in redo:
            if item.redo is not None:
                guard.guarded(item.record, item.kind, partial(item.redo, item, rematch), item.link)
                continue
            if rematch and not item.billy_id:
                key = id(item.handler)
                if key not in twins:
                    twins[key] = self._twins(item.handler)
                if isinstance(twins[key], str):
                    guard.fail(item.record, item.kind, twins[key], item.link)
                else:
                    work = partial(self._first_link, item, *twins[key])
                    guard.guarded(item.record, item.kind, work, item.link)
                continue
            request = item.single if item.billy_id else item.handler.create_call(item.body)
            work = partial(guard.send, item.record, item.kind, request, item.on_answer, item.link)
            guard.guarded(item.record, item.kind, work, item.link)

    def _first_link(self, item, handler, unlinked):
        FirstLinks(self.run, handler).link_or_create_one(item.record, unlinked)

    def _twins(self, handler):
        """Billy's records of the handler's kind read again, those no link holds (the first
        link's candidates); Billy's error message when it can't be read (the records fail)."""
        try:
            fresh, flats = handler.reread()
        except BillyError as error:
            if is_connection_error(error):
                raise
            return error.user_message
        linked = {
            link.billy_id
            for link in self.run.links.fetch(handler.res_model, billy_id=("!=", False))
        }
        unlinked = {flat["id"]: flat for flat in flats if flat["id"] not in linked}
        return fresh, unlinked
