"""A sync run: for each record kind, pair Odoo and Billy records, then move what changed.

Walk of a bulk run, per kind:
1. load the company's links and the Odoo records in scope (one search, prefetched);
2. read Billy's records page by page (1,000 a request); a linked pair is reconciled at once;
3. unlinked Odoo records look for their Billy twin (matching) before anything is created;
4. Billy records nobody matched are created in Odoo (when the direction allows).
Every record is handled in a savepoint: one bad record fails alone and is retried next run.
"""

import json
import logging
from contextlib import contextmanager

import psycopg2

from odoo import fields, modules
from odoo.exceptions import UserError, ValidationError

from billy_api import BillyError, BillyNotFoundError
from billy_api.dispatch import Dispatcher

from .context import SyncContext
from .errors import RecordFailure
from .fingerprint import differing_fields, fingerprint, normalize_values
from .first_link import FirstLinks
from .invoices import InvoiceSync
from .kinds import ContactKind, ContactPersonKind, ProductKind
from .mapping import MappingError, billy_values, mapping_for, odoo_values, odoo_write_values

_logger = logging.getLogger(__name__)

LOCK_NAMESPACE = 0x42494C4C  # "BILL": advisory lock of a company's sync runs
BATCH_SIZE = 1000  # steps between two checkpoints (and commits of an automatic run)
RECORD_LOCK_KEYS = {
    "res.partner": 0x42494C50,
    "product.template": 0x42494C51,
    "account.move": 0x42494C52,
}
LINK_KEYS = ["res_id", "billy_id"]  # what the bulk walk reads of every link at once
RECORD_ERRORS = (BillyError, MappingError, UserError, ValidationError)


def _because(first):
    """`first` of a first link is why it was sure (first_link.sure_because), or True."""
    return first if isinstance(first, str) else ""


class SyncBusyError(UserError):
    pass


def error_message(env, error):
    if isinstance(error, BillyError):
        return error.user_message
    if isinstance(error, psycopg2.IntegrityError):
        return env._("Another sync handled this record at the same time; it is retried next run.")
    return str(error.args[0]) if error.args else str(error)


class SyncRun:
    """One run for one company; `log` (billy.sync.log) collects its counts and lines."""

    def __init__(self, company, trigger="manual"):
        self.company = company.sudo()
        self.env = self.company.env
        self.trigger = trigger
        self.direction = self.company.billy_sync_direction
        self.priority = self.company.billy_priority
        self.counts = {}
        self.log = None
        self.ctx = None
        self.outcomes = []  # (record display name, outcome) of a per-record run
        self.reviews = self.env["billy.match.review"]  # the match reviews this run wrote or met
        self.dispatcher = Dispatcher(1)
        self._link_cache = {}  # model → {res_id: billy.link id}, loaded one model at a time
        self._new_links = []  # (model, res_id) of links created inside the current savepoints
        self._depth = 0  # nesting of _guarded
        self._chatter_buffer = {}  # model → {record id: body}
        self._line_buffer = []  # billy.sync.log.line values
        self._exclusive = False  # the bulk run's company lock excludes every other sync
        # every batch_size steps (a record's work and Billy's answer to it are a step each) a
        # checkpoint writes what is buffered and empties the ORM cache, so memory does not
        # grow with the book; an automatic run also commits there, as Odoo's crons do: a crash
        # loses at most one batch, never a link (Billy's side is matched again)
        self.batch_size = BATCH_SIZE
        self.commits = False
        self._since_checkpoint = 0
        self._checkpointing = False

    # --- entry points ---------------------------------------------------------------------

    def run_all(self):
        """Sync every record kind of the company; returns the billy.sync.log."""
        self._start()
        self.dispatcher = Dispatcher(self.company.billy_requests_in_flight)
        self.commits = self.trigger == "cron" and not modules.module.current_test
        try:
            self._lock_company(exclusive=True)
            contacts = ContactKind(self.ctx)
            self._sync_kind(contacts)
            self._sync_kind(ContactPersonKind(self.ctx, contacts.company_persons, self._parents()))
            self._sync_kind(ProductKind(self.ctx))
            InvoiceSync(self).run_all()
            self.dispatcher.drain()
        except (BillyError, UserError) as error:
            self._abort(error)
        finally:
            self.dispatcher.close()
            if self.commits and self._exclusive:
                self.env.cr.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", (LOCK_NAMESPACE, self.company.id)
                )
        return self._finish()

    def _step(self):
        """Between records: a checkpoint every batch_size steps (see __init__)."""
        if self._checkpointing:
            return
        self._since_checkpoint += 1
        if self._since_checkpoint >= self.batch_size:
            self._checkpoint()

    def _checkpoint(self):
        self._checkpointing = True
        try:
            # requests still in flight finish in the next batch: a crash in between leaves a
            # Billy record without its link, which the next run finds again (matching keys,
            # the invoice's externalId), as after any lost answer
            self._flush()
            self.log.write(dict(self.counts))
            if self.commits:
                self.env["ir.cron"]._commit_progress(processed=self._since_checkpoint)
            self.env.invalidate_all()
            self._since_checkpoint = 0
        finally:
            self._checkpointing = False

    def run_records(self, records):
        """Sync the given partners or products only (the Sync with Billy button)."""
        self._start()
        try:
            self._lock_company(exclusive=False)
            for record in records:
                self._sync_one(record)
        except (BillyError, UserError) as error:
            self._abort(error)
        return self._finish()

    def run_billy_record(self, kind_name, billy_id):
        """Create one Billy record in Odoo (a match review decided so)."""
        self._start()
        try:
            self._lock_company(exclusive=False)
            if kind_name == "product":
                kind = ProductKind(self.ctx)
            elif kind_name == "contact_person":
                kind = ContactPersonKind(self.ctx, [], self._parents())
            else:
                kind = ContactKind(self.ctx)
            flat = kind.flatten(kind.fetch_billy(billy_id))
            self._guarded(None, kind_name, lambda: self._create_in_odoo(kind, kind_name, flat))
        except (BillyError, UserError) as error:
            self._abort(error)
        return self._finish()

    # --- run bookkeeping ------------------------------------------------------------------

    def _start(self):
        self.log = self.env["billy.sync.log"].create(
            {
                "company_id": self.company.id,
                "trigger": self.trigger,
                "direction": self.direction,
                "user_id": self.env.uid if self.trigger != "cron" else False,
            }
        )
        self.ctx = SyncContext(self.env, self.company, None)
        self.ctx.excluded_partner_ids = self._excluded_partner_ids()
        self.ctx.client = self.company._billy_client()

    def _abort(self, error):
        self.log.message = error_message(self.env, error)
        self.log.state = "failed"

    def _finish(self):
        self.dispatcher.drain()
        self._flush()
        for model in RECORD_LOCK_KEYS:
            self.env[model].invalidate_model(["billy_id", "billy_sync_state", "billy_sync_error"])
        values = dict(self.counts, end=fields.Datetime.now())
        if self.log.state != "failed":
            values["state"] = "partial" if self.counts.get("failed") else "done"
        self.log.write(values)
        if self.trigger == "cron" and self.log.state in ("failed", "partial"):
            self._notify_managers()
        return self.log

    def _notify_managers(self):
        group = self.env.ref("billy_connector.group_billy_manager")
        partners = group.all_user_ids.filtered(lambda u: self.company in u.company_ids).partner_id
        self.log.message_post(
            body=self.env._(
                "The automatic Billy sync of %(company)s had failures: %(summary)s",
                company=self.company.name,
                summary=self.log.summary,
            ),
            partner_ids=partners.ids,
            subtype_xmlid="mail.mt_comment",
        )

    def _count(self, key):
        self.counts[key] = self.counts.get(key, 0) + 1

    def _line(self, kind_name, record, billy_id, direction, action, message="", details=None):
        """A line of the run's log, written in batches (see _flush_lines)."""
        self._line_buffer.append(
            {
                "log_id": self.log.id,
                "record_kind": kind_name,
                "res_model": record._name if record else False,
                "res_id": record.id if record else False,
                "record_name": record.display_name if record else False,
                "billy_id": billy_id,
                "direction": direction,
                "action": action,
                "message": message,
                "details": details,
            }
        )

    def _flush_lines(self):
        buffer, self._line_buffer = self._line_buffer, []
        if buffer:
            self.env["billy.sync.log.line"].create(buffer)

    def _outcome(self, record, text):
        if not self._exclusive:  # a per-record run shows them; a bulk run counts and logs
            self.outcomes.append((record.display_name, text))

    def _excluded_partner_ids(self):
        """Partners that are not customers or suppliers: companies' own and internal users'."""
        companies = self.env["res.company"].search([])
        users = (
            self.env["res.users"].with_context(active_test=False).search([("share", "=", False)])
        )
        return list(set(companies.partner_id.ids) | set(users.partner_id.ids))

    def _lock_company(self, exclusive):
        if exclusive and self.commits:
            function = "pg_try_advisory_lock"  # held across the batches' commits
        elif exclusive:
            function = "pg_try_advisory_xact_lock"
        else:
            function = "pg_try_advisory_xact_lock_shared"
        self.env.cr.execute(f"SELECT {function}(%s, %s)", (LOCK_NAMESPACE, self.company.id))
        self._exclusive = exclusive
        if not self.env.cr.fetchone()[0]:
            self._exclusive = False
            raise SyncBusyError(
                self.env._(
                    "A Billy sync of %s is already running; try again when it has finished.",
                    self.company.name,
                )
            )

    def _lock_record(self, record):
        if self._exclusive:
            return
        key = RECORD_LOCK_KEYS[record._name]
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (key, record.id))
        if not self.env.cr.fetchone()[0]:
            raise RecordFailure(
                self.env._("%s is being synced by someone else right now.", record.display_name)
            )

    def _parents(self):
        links = self.env["billy.link"].search_fetch(
            [
                ("company_id", "=", self.company.id),
                ("res_model", "=", "res.partner"),
                ("record_kind", "=", "organization"),
                ("billy_id", "!=", False),
            ],
            LINK_KEYS,
        )
        return {link.res_id: link.billy_id for link in links}

    # --- links ----------------------------------------------------------------------------

    def _links(self, kind):
        links = self.env["billy.link"].search_fetch(
            [
                ("company_id", "=", self.company.id),
                ("res_model", "=", kind.res_model),
                ("record_kind", "in", self._kind_names(kind)),
            ],
            LINK_KEYS,
        )
        return links

    @staticmethod
    def _kind_names(kind):
        if isinstance(kind, ContactKind):
            return ["organization", "person"]
        return ["contact_person"] if isinstance(kind, ContactPersonKind) else ["product"]

    def _ensure_links(self, records, kind_of):
        """Create the missing links of many records at once (the first sync of a large book)."""
        if not records:
            return
        cache = self._link_ids(records._name)
        missing = records.filtered(lambda record: record.id not in cache)
        for chunk in self._chunks(missing):
            links = self.env["billy.link"].create(
                [self._link_values(record, kind_of(record)) for record in chunk]
            )
            cache.update(zip(chunk.ids, links.ids, strict=True))
            links.flush_recordset()
            links.invalidate_recordset()

    def _link_ids(self, model):
        """res_id → billy.link id of the model's links in this company (read once a run)."""
        if model not in self._link_cache:
            links = self.env["billy.link"].search_fetch(
                [("company_id", "=", self.company.id), ("res_model", "=", model)], ["res_id"]
            )
            self._link_cache[model] = {link.res_id: link.id for link in links}
        return self._link_cache[model]

    def _link_for(self, record, kind_name):
        """The record's link in this company, created when missing."""
        cache = self._link_ids(record._name)
        if record.id in cache:
            # on its own: prefetching through every link of a large book would fill the cache
            return self.env["billy.link"].browse(cache[record.id])
        link = self.env["billy.link"].create(self._link_values(record, kind_name))
        cache[record.id] = link.id
        self._new_links.append((record._name, record.id))
        return link

    def _link_values(self, record, kind_name):
        return {
            "company_id": self.company.id,
            "res_model": record._name,
            "res_id": record.id,
            "record_kind": kind_name,
        }

    def _chunks(self, records):
        """The records a batch at a time, each batch prefetched on its own, not the whole book."""
        for start in range(0, len(records), self.batch_size):
            yield records.browse(records._ids[start : start + self.batch_size])

    def _store_link(self, link, kind, flat, odoo_vals, billy_vals):
        link.write(
            {
                "billy_id": flat["id"],
                **kind.billy_id_extra(flat),
                "odoo_fingerprint": fingerprint(odoo_vals),
                "billy_fingerprint": fingerprint(billy_vals),
                "state": "synced",
                "error": False,
                "last_sync": fields.Datetime.now(),
            }
        )

    def _fail(self, record, kind_name, message, link=None):
        if link is None or not link.exists():
            link = self._link_for(record, kind_name)
        link.write({"state": "failed", "error": message})
        self._count("failed")
        self._line(kind_name, record, link.billy_id, False, "failed", message)
        self._outcome(record, self.env._("failed: %s", message))

    def _in_savepoint(self, record, work):
        mark = len(self._new_links)
        try:
            with self.env.cr.savepoint():
                if record:
                    self._lock_record(record)
                work()
        except Exception:
            # links made in the rolled back savepoint are gone: forget them
            for model, res_id in self._new_links[mark:]:
                self._link_cache[model].pop(res_id, None)
            del self._new_links[mark:]
            raise

    @contextmanager
    def synchronous(self):
        """Billy requests answered at once, for work that needs the result right away."""
        dispatcher, self.dispatcher = self.dispatcher, Dispatcher(1)
        try:
            yield
        finally:
            self.dispatcher = dispatcher

    def _guarded(self, record, kind_name, work, link=None):
        """Run one record's work in a savepoint; a failure marks that record only."""
        if not self._depth:
            # finish earlier records here, outside any record's savepoint
            self.dispatcher.make_room()
            self._step()
        self._depth += 1
        try:
            self._guarded_work(record, kind_name, work, link)
        finally:
            self._depth -= 1
            if not self._depth:
                self._new_links.clear()  # kept: no savepoint left to roll them back

    def _guarded_work(self, record, kind_name, work, link):
        try:
            self._in_savepoint(record, work)
        except RecordFailure as error:
            if record:
                self._fail(record, kind_name, error.message, link)
            else:
                self._count("failed")
                self._line(kind_name, None, None, "to_odoo", "failed", error.message)
        except (*RECORD_ERRORS, psycopg2.IntegrityError) as error:
            _logger.info("Billy sync of %s failed: %s", record or "a Billy record", error)
            if record:
                self._fail(record, kind_name, error_message(self.env, error), link)
            else:
                self._count("failed")
                self._line(
                    kind_name, None, None, "to_odoo", "failed", error_message(self.env, error)
                )

    # --- the bulk walk --------------------------------------------------------------------

    def _sync_kind(self, kind):
        links = self._links(kind)
        billy_ids = {link.res_id: link.billy_id for link in links}  # False: not in Billy yet
        link_ids = {link.billy_id: link.id for link in links if link.billy_id}
        res_ids = {link.id: link.res_id for link in links}
        model = self.env[kind.res_model].with_context(active_test=False)
        records = model.search_fetch(
            [*kind.odoo_domain(), "|", ("active", "=", True), ("id", "in", list(billy_ids))],
            kind.list_fields,
        )
        record_ids = set(records.ids)
        # decided now, from the fields just read: a checkpoint on the way empties the cache
        todo = records.filtered(lambda r: r.active and not billy_ids.get(r.id))
        seen, unlinked_billy = set(), {}
        for page in kind.billy_pages():
            pairs = []
            for billy_record in page.records:
                flat = kind.flatten(billy_record)
                link_id = link_ids.get(flat["id"])
                if link_id is None:
                    unlinked_billy[flat["id"]] = flat
                else:
                    seen.add(flat["id"])
                    pairs.append((link_id, flat))
            for link, record, flat in self._page_pairs(model, pairs, res_ids, record_ids):
                self._sync_pair(kind, link, record, flat)
        gone = self.env["billy.link"].browse(
            link_id for billy_id, link_id in link_ids.items() if billy_id not in seen
        )
        for chunk in self._chunks(gone):
            for link in chunk:
                record = model.browse(link.res_id) if link.res_id in record_ids else None
                self._billy_record_gone(kind, link, record)
        self._link_or_create_in_billy(kind, todo, unlinked_billy)
        self.dispatcher.drain()
        self._flush()

    def _page_pairs(self, model, pairs, res_ids, known_ids):
        """(link, Odoo record or None, Billy record) of one Billy page's (link id, Billy record)
        pairs; the Odoo record is None unless its id is in `known_ids`.

        The page's links and records are read together, and only they: prefetching through the
        whole book would refill the cache that a checkpoint just emptied.
        """
        links = self.env["billy.link"].browse([link_id for link_id, _record in pairs])
        records = model.browse(
            res_ids[link_id] for link_id, _record in pairs if res_ids[link_id] in known_ids
        )
        records_by_id = dict(zip(records.ids, records, strict=True))
        for link, (link_id, billy_record) in zip(links, pairs, strict=True):
            yield link, records_by_id.get(res_ids[link_id]), billy_record

    def _sync_pair(self, kind, link, record, flat):
        if record is None:
            self._guarded(None, link.record_kind, lambda: self._odoo_record_gone(kind, link, flat))
            return
        kind_name = kind.kind_of(record)
        if link.state == "synced" and self._unchanged(kind_name, link, record, flat):
            self._settled(kind_name, record, flat, False)
            self._step()
            return
        self._guarded(
            record, kind_name, lambda: self._reconcile(kind, kind_name, link, record, flat), link
        )

    def _unchanged(self, kind_name, link, record, flat):
        """Neither side changed since the last sync: the common case, read-only and cheap."""
        lines = mapping_for(self.company, kind_name)
        try:
            odoo_vals = odoo_values(lines, record, self.ctx)
        except MappingError:
            return False  # the guarded path reports it
        return link.odoo_fingerprint == fingerprint(odoo_vals) and (
            link.billy_fingerprint == fingerprint(billy_values(lines, flat))
        )

    def _link_or_create_in_billy(self, kind, todo, unlinked_billy):
        """Odoo records not in Billy yet (`todo`): link them to their twin or create them."""
        FirstLinks(self, kind).link_or_create(todo, unlinked_billy)

    # --- one record -----------------------------------------------------------------------

    def _create_in_billy(self, kind, kind_name, record, lines, values):
        link = self._link_for(record, kind_name)

        def finish(billy_record):
            flat = kind.flatten(billy_record)
            self._store_link(link, kind, flat, values, billy_values(lines, flat))
            self._count("created_billy")
            self._line(kind_name, record, flat["id"], "to_billy", "created")
            self._chatter(record, self.env._("Created in Billy (%s).", flat["id"]))
            self._outcome(record, self.env._("created in Billy"))

        self._send(record, kind_name, kind.create_request(record, lines, values), finish, link)

    def _create_in_odoo(self, kind, kind_name, flat):
        lines = mapping_for(self.company, kind_name)
        vals = odoo_write_values(lines, flat, kind.env[kind.res_model], self.ctx)
        record = kind.create_in_odoo(flat, vals).with_context(billy_sync=True)
        if not record:
            return
        link = self._link_for(record, kind_name)
        self._store_link(
            link, kind, flat, odoo_values(lines, record, self.ctx), billy_values(lines, flat)
        )
        self._count("created_odoo")
        self._line(kind_name, record, flat["id"], "to_odoo", "created")
        self._chatter(record, self.env._("Created from Billy (%s).", flat["id"]))

    def _winner(self, odoo_changed, billy_changed, first):
        if self.direction == "odoo_to_billy":
            return "odoo" if odoo_changed else None
        if self.direction == "billy_to_odoo":
            return "billy" if billy_changed else None
        if first or (odoo_changed and billy_changed):
            return self.priority
        return "odoo" if odoo_changed else "billy"

    def _reconcile(self, kind, kind_name, link, record, flat, first=False):
        lines = mapping_for(self.company, kind_name)
        odoo_vals = odoo_values(lines, record, self.ctx)
        billy_vals = billy_values(lines, flat)
        odoo_changed = first or link.odoo_fingerprint != fingerprint(odoo_vals)
        billy_changed = first or link.billy_fingerprint != fingerprint(billy_vals)
        diff = differing_fields(odoo_vals, billy_vals)
        changed = bool((odoo_changed or billy_changed) and diff)
        winner = self._winner(odoo_changed, billy_changed, first) if changed else None
        push, pull = self._moves(lines, diff, winner)
        if not (push or pull):
            stale = first or link.state != "synced" or odoo_changed or billy_changed
            if stale and (winner is not None or not changed):
                self._store_link(link, kind, flat, odoo_vals, billy_vals)
            self._settled(kind_name, record, flat, first)
            return
        if winner and odoo_changed and billy_changed and not first:
            self._conflict(kind_name, record, flat, winner, odoo_vals, billy_vals)
        if pull:
            self._pull(kind, kind_name, link, record, flat, lines, pull)
            odoo_vals = odoo_values(lines, record, self.ctx)
        if push:
            self._push(kind, kind_name, link, record, flat, lines, odoo_vals, push)
        if first:
            self._count("linked")
            self._line(kind_name, record, flat["id"], False, "linked", _because(first))

    def _moves(self, lines, diff, winner):
        """The differing Billy fields to push and to pull.

        The winner moves its lines. A one-way line of a custom mapping makes its source side
        the owner of the field: its value moves whenever it differs (within the sync direction).
        """
        pushes = [line.billy_field for line in lines if line.pushes and line.billy_field in diff]
        pulls = [line.billy_field for line in lines if line.pulls and line.billy_field in diff]
        push = [
            name
            for name in pushes
            if winner == "odoo" or (name not in pulls and self.direction != "billy_to_odoo")
        ]
        pull = [
            name
            for name in pulls
            if winner == "billy" or (name not in pushes and self.direction != "odoo_to_billy")
        ]
        return push, pull

    def _settled(self, kind_name, record, flat, first):
        if first:
            self._count("linked")
            self._line(kind_name, record, flat["id"], False, "linked", _because(first))
            self._chatter(record, self.env._("Linked to Billy record %s.", flat["id"]))
            self._outcome(record, self.env._("linked to an existing Billy record"))
        else:
            self._count("unchanged")
            self._outcome(record, self.env._("already up to date"))

    def _conflict(self, kind_name, record, flat, winner, odoo_vals, billy_vals):
        self._count("conflicts")
        details = json.dumps(
            {"odoo": normalize_values(odoo_vals), "billy": normalize_values(billy_vals)},
            indent=1,
            ensure_ascii=False,
        )
        side = self.env._("Odoo") if winner == "odoo" else self.env._("Billy")
        self._line(
            kind_name,
            record,
            flat["id"],
            False,
            "conflict",
            self.env._("Changed on both sides; %s data wins.", side),
            details,
        )

    def _push(self, kind, kind_name, link, record, flat, lines, odoo_vals, diff):
        pushable = [line.billy_field for line in lines if line.pushes and line.billy_field in diff]
        billy_id = link.billy_id or flat["id"]

        def finish(billy_record):
            new_flat = kind.flatten(billy_record) if pushable else flat
            self._store_link(link, kind, new_flat, odoo_vals, billy_values(lines, new_flat))
            self._count("updated_billy")
            changed = ", ".join(pushable)
            self._line(kind_name, record, billy_id, "to_billy", "updated", changed)
            self._chatter(
                record,
                self.env._("Sent to Billy (%(id)s): %(fields)s.", id=billy_id, fields=changed),
            )
            self._outcome(record, self.env._("updated in Billy"))

        if not pushable:
            finish(None)
            return
        request = kind.update_request(record, lines, odoo_vals, pushable, flat, billy_id)
        self._send(record, kind_name, request, finish, link)

    def _send(self, record, kind_name, request, finish, link=None):
        """Send a Billy request (billy_api.dispatch); `finish(result)` runs guarded, later."""

        def done(outcome):
            result, error = outcome

            def work():
                if error is not None:
                    raise error
                finish(result)

            self._guarded(record, kind_name, work, link)

        self.dispatcher.submit(request, done)

    def _pull(self, kind, kind_name, link, record, flat, lines, diff):
        pullable = {line.billy_field for line in lines if line.pulls and line.billy_field in diff}
        subset = {key: value for key, value in flat.items() if key in pullable}
        vals = odoo_write_values(lines, subset, record, self.ctx)
        if vals:
            record.with_context(billy_sync=True).write(vals)
        self._store_link(
            link, kind, flat, odoo_values(lines, record, self.ctx), billy_values(lines, flat)
        )
        self._count("updated_odoo")
        changed = ", ".join(sorted(pullable))
        self._line(kind_name, record, flat["id"], "to_odoo", "updated", changed)
        self._chatter(
            record,
            self.env._("Updated from Billy (%(id)s): %(fields)s.", id=flat["id"], fields=changed),
        )
        self._outcome(record, self.env._("updated from Billy"))

    def _billy_record_gone(self, kind, link, record):
        """Deleted in Billy: unlink and archive in Odoo, never delete."""

        def work():
            message = self.env._("Deleted in Billy; unlinked and archived in Odoo.")
            if record and record.active and self.direction != "odoo_to_billy":
                record.with_context(billy_sync=True).write({"active": False})
                self._count("archived")
            elif record:
                message = self.env._("Deleted in Billy; unlinked.")
            self._line(link.record_kind, record, link.billy_id, "to_odoo", "unlinked", message)
            if record:
                self._chatter(record, message)
                self._outcome(record, message)
            link.unlink()

        self._guarded(record, link.record_kind, work, link)

    def _odoo_record_gone(self, kind, link, flat):
        """Deleted in Odoo: archive in Billy (when pushing) and unlink, never delete."""
        if self.direction != "billy_to_odoo" and not flat.get("isArchived"):
            kind.ctx.client.update(kind.billy_resource, link.billy_id, {"isArchived": True})
            self._count("archived")
        self._line(
            link.record_kind,
            None,
            link.billy_id,
            "to_billy",
            "unlinked",
            self.env._("Deleted in Odoo; archived in Billy and unlinked."),
        )
        link.unlink()

    def _chatter(self, record, body):
        """A note in the record's chatter, written in batches (see _flush_chatter)."""
        if hasattr(record, "_message_log_batch"):
            bodies = self._chatter_buffer.setdefault(record._name, {})
            bodies[record.id] = f"{bodies[record.id]} {body}" if record.id in bodies else body

    def _flush(self):
        self._flush_chatter()
        self._flush_lines()

    def _flush_chatter(self):
        buffer, self._chatter_buffer = self._chatter_buffer, {}
        for model, bodies in buffer.items():
            records = self.env[model].browse(list(bodies)).exists()
            bodies = {
                record_id: body for record_id, body in bodies.items() if record_id in records.ids
            }
            records._message_log_batch(bodies)

    # --- per-record runs ------------------------------------------------------------------

    def _sync_one(self, record):
        kind_name = self._kind_name(record)
        self._guarded(record, kind_name, lambda: self._sync_one_guarded(kind_name, record))

    @staticmethod
    def _kind_name(record):
        if record._name == "account.move":
            return "invoice"
        if record._name == "product.template":
            return "product"
        if record.is_company:
            return "organization"
        return "contact_person" if record.parent_id.is_company else "person"

    def _kind_for(self, record, kind_name):
        if kind_name == "product":
            return ProductKind(self.ctx)
        if kind_name == "contact_person":
            parent_link = self._ensure_parent(record.parent_id)
            persons = self._billy_persons_of(parent_link)
            return ContactPersonKind(self.ctx, persons, {record.parent_id.id: parent_link.billy_id})
        return ContactKind(self.ctx)

    def _ensure_parent(self, parent):
        link = self._link_for(parent, "organization")
        if not link.billy_id:
            self._sync_one(parent)
        if not link.billy_id:
            raise RecordFailure(
                self.env._(
                    "The company %s could not be synced with Billy first.", parent.display_name
                )
            )
        return link

    def _billy_persons_of(self, parent_link):
        contact = self.ctx.client.get(
            "contacts", parent_link.billy_id, include="contact.contactPersons:embed"
        )
        return list(contact.get("contactPersons") or [])

    def _sync_one_guarded(self, kind_name, record):
        if kind_name == "invoice":
            InvoiceSync(self).sync_move(record)
            return
        kind = self._kind_for(record, kind_name)
        link = self._link_for(record, kind_name)
        if link.billy_id:
            try:
                flat = kind.flatten(kind.fetch_billy(link.billy_id))
            except BillyNotFoundError:
                self._billy_record_gone(kind, link, record)
                return
            self._reconcile(kind, kind_name, link, record, flat)
            return
        values = odoo_values(mapping_for(self.company, kind_name), record, self.ctx)
        candidates = {flat["id"]: flat for flat in self._billy_candidates(kind, record, values)}
        FirstLinks(self, kind).link_or_create_one(record, candidates)

    def _billy_candidates(self, kind, record, values=None):
        if isinstance(kind, ContactPersonKind):
            return [kind.flatten(person) for person in kind._persons]
        # One search per identifying value; Billy may ignore a filter it does not know, so
        # every candidate is checked by its keys before it is linked.
        found = {}
        for term in kind.search_terms(record, values):
            params = {"q": term, "pageSize": 100}
            for billy_record in self.ctx.client.list(
                kind.billy_resource, params=params, include=kind.include
            ):
                found.setdefault(billy_record["id"], billy_record)
        return [kind.flatten(billy_record) for billy_record in found.values()]

    def _linked_elsewhere(self, kind, billy_id):
        return bool(
            self.env["billy.link"].search_count(
                [
                    ("company_id", "=", self.company.id),
                    ("res_model", "=", kind.res_model),
                    ("billy_id", "=", billy_id),
                ]
            )
        )
