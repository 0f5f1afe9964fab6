"""A sync run: its entry points (bulk, records, preview, a queued job's part of a bulk sync),
the company lock, checkpoints and commits. The run builds its collaborators once and they
call each other through it:

    ctx (context.py)      the company, Billy's reference data, Odoo's lookups
    journal (journal.py)  counts, log lines, chatter notes, outcomes
    links (links.py)      billy.link: find, create, cache, store
    guard (guard.py)      one record's savepoint, lock and failure; Billy requests
    bulk (bulk.py)        creates and updates sent to Billy a batch at a time
    walk (walk.py)        the bulk walk: Odoo and Billy records paired page by page
    pairs (reconcile.py)  one pair: decide (decide.py), then push (push.py) or pull (pull.py)
    records (records.py)  one Odoo record: the Sync with Billy button
    invoices (invoices.py) customer invoices and credit notes
"""

from odoo import fields, modules
from odoo.exceptions import UserError

from billy_api import BillyError
from billy_api.dispatch import Dispatcher

from .bulk import Bulk
from .connection import WatchedClient, connection_message, is_connection_error
from .context import SyncContext
from .errors import SyncBusyError, error_message, sync_busy
from .guard import RECORD_LOCK_KEYS, Guard
from .invoices import InvoiceSync
from .journal import Journal
from .kinds import ContactKind, ContactPersonKind
from .links import Links, batches
from .product_kind import ProductKind
from .pull import Pull
from .push import Push
from .reconcile import Pairs
from .records import RecordSync
from .vocabulary import CONTACT_PERSON, COUNTERS, FAILED, INVOICE, PRODUCT
from .walk import Walk

LOCK_NAMESPACE = 0x42494C4C  # "BILL": advisory lock of a company's sync runs
# steps between two checkpoints (and commits of an automatic run): a record's work and Billy's
# answer to it are a step each
BATCH_SIZE = 1000
# a bulk sync's parts, in their order: persons need their companies' links, invoices the
# partners' and products'
PARTS = ("contacts", "contact_persons", "products", "invoices")


class SyncRun:
    """One run for one company; `log` (billy.sync.log) collects its counts and lines.

    `wrap_client` (the preview's RecordingClient) wraps the company's Billy client.
    """

    def __init__(self, company, trigger="manual", wrap_client=None):
        self.company = company.sudo()
        self.env = self.company.env
        self.trigger = trigger
        self.direction = self.company.billy_sync_direction
        self.priority = self.company.billy_priority
        self.wrap_client = wrap_client
        # every batch_size steps a checkpoint writes what is buffered and empties the ORM
        # cache, so memory does not grow with the book; an automatic run also commits there,
        # as Odoo's crons do: a crash loses at most one batch, never a link (Billy's side is
        # matched again)
        self.batch_size = BATCH_SIZE
        self.commits = False
        self._since_checkpoint = 0
        self.log = self.ctx = self.journal = None
        self.watched = None  # the company's client: did Billy answer? (connection status)
        self.connection_error = None  # the BillyError that stopped the run
        self.stopped = False  # the run was aborted (_abort): answers in flight still come
        self.links = Links(self.company, self.batch_size)
        self.guard = Guard(self)
        self.bulk = Bulk(self)
        self.walk = Walk(self)
        self.pairs = Pairs(self)
        self.push = Push(self)
        self.pull = Pull(self)
        self.records = RecordSync(self)
        self.invoices = InvoiceSync(self)
        self.reviews = self.env["billy.match.review"]  # match reviews this run wrote or met

    @property
    def counts(self):
        return self.journal.counts

    @property
    def outcomes(self):
        return self.journal.outcomes

    # --- entry points ---------------------------------------------------------------------

    def run_all(self):
        """Sync every record kind of the company; returns the billy.sync.log."""
        self._start(per_record=False)
        self.guard.dispatcher = Dispatcher(self.company.billy_requests_in_flight)
        self.bulk.size = self.company.billy_bulk_size
        self.commits = self.trigger == "cron" and not modules.module.current_test
        locked = False
        try:
            self._lock_company(exclusive=True)
            locked = True
            self.guard.locks_records = False  # the company lock excludes every other sync
            self._sync_parts(PARTS)
            self.guard.dispatcher.drain()
        except (BillyError, UserError, SyncBusyError) as error:
            self._abort(error)
        finally:
            self.guard.dispatcher.close()
            if self.commits and locked:
                self.env.cr.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", (LOCK_NAMESPACE, self.company.id)
                )
        return self._finish()

    def run_part(self, log, part, reraise=()):
        """One part of a bulk sync (one of PARTS) into `log`, an open billy.sync.log whose
        counts it adds to: the work of one queued job (billy_connector_queue). It runs in the
        caller's transaction, under the company's exclusive lock, and never commits. Errors of
        the `reraise` types are raised (the job retries the part, its work rolled back); any
        other Billy or user error fails the log, as in run_all. `close_log` ends the log."""
        self.guard.dispatcher = Dispatcher(self.company.billy_requests_in_flight)
        self.bulk.size = self.company.billy_bulk_size
        try:
            self._start(per_record=False, log=log)
            self._lock_company(exclusive=True)
            self.guard.locks_records = False
            self._sync_parts([part])
            self.guard.dispatcher.drain()
        except reraise:
            raise
        except (BillyError, UserError, SyncBusyError) as error:
            self._abort(error)
        finally:
            self.guard.dispatcher.close()
        self.journal.flush()
        return self.log

    def close_log(self, log):
        """End `log` after its parts ran (run_part): its state from the summed counts."""
        self.log = log
        self.journal = Journal(log, keeps_outcomes=False)
        self.journal.counts = {name: log[name] for name in COUNTERS if log[name]}
        return self._finish()

    def _sync_parts(self, parts):
        contacts = None
        for part in parts:
            if part == "contacts":
                contacts = ContactKind(self.ctx)
                self.walk.sync_kind(contacts)
            elif part == "contact_persons":
                persons = ContactPersonKind(
                    self.ctx, contacts.company_persons if contacts else [], self.links.parents()
                )
                if contacts is None:  # a part of its own: Billy's contacts are read again
                    persons = persons.reread()[0]
                self.walk.sync_kind(persons)
            elif part == "products":
                self.walk.sync_kind(ProductKind(self.ctx))
            elif part == "invoices":
                self.invoices.sync_all()
            else:
                raise ValueError(f"unknown part of a Billy sync: {part}")

    def run_records(self, records):
        """Sync the given partners, products or invoices only (the Sync with Billy button)."""
        self._start(per_record=True)
        try:
            self._lock_company(exclusive=False)
            for record in records:
                self.sync_record(record)
        except (BillyError, UserError, SyncBusyError) as error:
            self._abort(error)
        return self._finish()

    def run_payment_registration(self, moves):
        """Register in Odoo the payments Billy has of these invoices (the Billy tab's button)."""
        self._start(per_record=True)
        try:
            self._lock_company(exclusive=False)
            for move in moves:
                self.guard.guarded(move, INVOICE, lambda m=move: self.invoices.register_payments(m))
        except (BillyError, UserError, SyncBusyError) as error:
            self._abort(error)
        return self._finish()

    def run_billy_record(self, kind, billy_id):
        """Create one Billy record in Odoo (a match review decided so)."""
        self._start(per_record=True)
        try:
            self._lock_company(exclusive=False)
            if kind == PRODUCT:
                handler = ProductKind(self.ctx)
            elif kind == CONTACT_PERSON:
                handler = ContactPersonKind(self.ctx, [], self.links.parents())
            else:
                handler = ContactKind(self.ctx)
            flat = handler.flatten(handler.fetch_billy(billy_id))
            self.guard.guarded(None, kind, lambda: self.pull.create_in_odoo(handler, kind, flat))
        except (BillyError, UserError, SyncBusyError) as error:
            self._abort(error)
        return self._finish()

    def sync_record(self, record):
        """One Odoo record, in its savepoint (an invoice by the invoices, others by records)."""
        if record._name == "account.move":
            self.guard.guarded(record, INVOICE, lambda: self.invoices.sync_move(record))
        else:
            self.records.sync_one(record)

    # --- checkpoints ----------------------------------------------------------------------

    def step(self):
        """Between records. A checkpoint that is due waits for the next batch (batch_start),
        so that a batch keeps what was read for it at once; a loop without batches gets it
        after twice the steps (see __init__)."""
        self._since_checkpoint += 1
        if self._since_checkpoint >= 2 * self.batch_size:
            self._checkpoint()

    def batch_start(self):
        """Before a batch (or a page) of records: the checkpoint, when one is due."""
        if self._since_checkpoint >= self.batch_size:
            self._checkpoint()

    def batches(self, records):
        """The records a batch at a time (links.batches), a due checkpoint before each."""
        for batch in batches(records, self.batch_size):
            self.batch_start()
            yield batch

    def _checkpoint(self):
        # requests still in flight finish in the next batch: a crash in between leaves a
        # Billy record without its link, which the next run finds again (matching keys,
        # the invoice's externalId), as after any lost answer
        self.journal.flush()
        if self.commits:
            self.env["ir.cron"]._commit_progress(processed=self._since_checkpoint)
        self.env.invalidate_all()
        self._since_checkpoint = 0

    # --- start and end --------------------------------------------------------------------

    def open_log(self):
        """A new billy.sync.log for this run (run_part's parts fill one in)."""
        return self.env["billy.sync.log"].create(
            {
                "company_id": self.company.id,
                "trigger": self.trigger,
                "direction": self.direction,
                "user_id": self.env.uid if self.trigger != "cron" else False,
            }
        )

    def _start(self, per_record, log=None):
        self.log = log or self.open_log()
        self.journal = Journal(self.log, keeps_outcomes=per_record)
        if log:  # a part of a queued sync: its counts add to the earlier parts'
            self.journal.counts = {name: log[name] for name in COUNTERS if log[name]}
        client = self.watched = WatchedClient(self.company._billy_client())
        if self.wrap_client:
            client = self.wrap_client(client)
        self.ctx = SyncContext(self.env, self.company, client, self._excluded_partner_ids())

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
        if not self.env.cr.fetchone()[0]:
            raise sync_busy(self.env, self.company.name)

    def _abort(self, error):
        self.stopped = True
        if isinstance(error, BillyError):
            self.connection_error = error
        if is_connection_error(error):  # once, what is wrong and where to fix it
            message = connection_message(self.env, error)
        else:
            message = error_message(self.env, error)
        self.log._billy_set_message(message)  # a code, not a text
        self.log.state = FAILED

    def record_connection(self):
        """The company's connection status: what this run found (see sync/connection.py)."""
        if self.connection_error is not None:
            self.company._billy_record_connection(error=self.connection_error)
        elif self.watched and self.watched.answered:
            self.company._billy_record_connection()

    def _finish(self):
        self.guard.dispatcher.drain()
        self.journal.flush()
        for model in RECORD_LOCK_KEYS:
            self.env[model].invalidate_model(
                ["billy_id", "billy_sync_state", "billy_sync_error", "billy_last_sync"]
            )
        values = {"end": fields.Datetime.now()}
        if self.log.state != FAILED:
            values["state"] = "partial" if self.counts.get("failed") else "done"
        self.log.write(values)
        self.record_connection()
        if self.trigger == "cron" and self.log.state in (FAILED, "partial"):
            self._notify_managers()
        if self._nothing_happened():
            self.log.unlink()  # a button press that changed nothing leaves no log
            self.log = self.log.browse()
        return self.log

    def _nothing_happened(self):
        """A per-record run that found everything up to date: no line, no count but that."""
        return (
            self.journal.keeps_outcomes
            and self.log.state == "done"
            and not self.log.message
            and not self.log.line_ids
            and not any(count for key, count in self.counts.items() if key != "unchanged")
        )

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
