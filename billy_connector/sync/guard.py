"""One record's work: in one savepoint, under its record lock; any failure fails that record
alone (its link and a log line say why) and the run goes on, except a failure of the connection
(sync/connection.py): the first one stops the run, and no record is marked failed for it.

Billy requests go through the dispatcher (billy_api.dispatch). An answer that comes at once
(one request at a time: the per-record runs) is handled inside the record's savepoint; one
that comes after other records (a bulk run) is handled in a savepoint of its own.
"""

import logging
from contextlib import contextmanager

from odoo.exceptions import UserError, ValidationError

from billy_api import BillyError
from billy_api.dispatch import Dispatcher

from .connection import is_connection_error
from .errors import MappingError, RecordFailure, error_message, is_integrity_error
from .messages import Message
from .vocabulary import TO_ODOO

_logger = logging.getLogger(__name__)

RECORD_LOCK_KEYS = {
    "res.partner": 0x42494C50,
    "product.template": 0x42494C51,
    "account.move": 0x42494C52,
}
KNOWN_ERRORS = (BillyError, MappingError, UserError, ValidationError)


class Guard:
    def __init__(self, run):
        self.env = run.env
        self.run = run  # its journal, links and step() (a checkpoint every few steps)
        self.dispatcher = Dispatcher(1)
        self.locks_records = True  # False under the bulk run's exclusive company lock
        self._depth = 0  # nesting of guarded(): a record's work may sync another first

    def guarded(self, record, kind, work, link=None):
        """Run `work()` for `record` (None: a Billy record not in Odoo) in a savepoint."""
        if not self._depth:
            self.between_records()
        self._in_savepoint(record, kind, work, link, lock=True)

    def between_records(self):
        """Send the full bulk batches and handle what Billy has answered so far, then count a
        step (see SyncRun.step)."""
        self.run.bulk.send_full()
        self.dispatcher.make_room()
        self.run.step()

    def send(self, record, kind, request, on_answer, link=None):
        """Send `request()` (Billy calls only); `on_answer(result)` runs when Billy answers."""
        self.dispatcher.submit(
            request, lambda outcome: self.answered(record, kind, link, on_answer, outcome)
        )

    @contextmanager
    def synchronous(self):
        """Billy requests answered at once, for work that needs the result right away."""
        dispatcher, self.dispatcher = self.dispatcher, Dispatcher(1)
        try:
            yield
        finally:
            self.dispatcher = dispatcher

    def fail(self, record, kind, message, link=None):
        """Mark the record failed: its link, a log line and its outcome say why."""
        journal, links = self.run.journal, self.run.links
        journal.count("failed")
        if record is None:
            journal.line(kind, None, None, TO_ODOO, "failed", message)
            return
        if link is None or not link.exists():
            link = links.of(record, kind)
        links.fail(link, message)
        journal.line(kind, record, link.billy_id, False, "failed", message)
        journal.outcome(record, self.env._("failed: %s", message))

    def lock_record(self, record):
        if not self.locks_records:
            return
        key = RECORD_LOCK_KEYS[record._name]
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (key, record.id))
        if not self.env.cr.fetchone()[0]:
            raise RecordFailure(Message(self.env, "locked", record.display_name))

    def answered(self, record, kind, link, on_answer, outcome):
        """Billy's answer `outcome` (result, error) to a request of `record`: `on_answer`."""
        result, error = outcome
        if error is not None:  # nothing was written for this answer: no savepoint to undo
            self._failed(record, kind, error, link)
        elif self._depth:  # answered at once: inside the record's own savepoint
            on_answer(result)
        else:
            self._in_savepoint(record, kind, lambda: on_answer(result), link, lock=False)
            self.run.step()

    def answered_together(self, answers):
        """Billy's answers to one bulk save, each (record, kind, link, on_answer, result), in
        one savepoint: its writes are flushed together. When one fails, each answer is
        handled again in its own savepoint, so that one bad record fails alone."""
        if self._depth or len(answers) < 2 or not self._in_one_savepoint(answers):
            for record, kind, link, on_answer, result in answers:
                self.answered(record, kind, link, on_answer, (result, None))
            return
        for _answer in answers:
            self.run.step()

    def _in_one_savepoint(self, answers):
        """Whether every answer went through; when one did not, nothing is kept of any: the
        savepoint is rolled back, with what the journal and the links noted in it."""
        journal, links = self.run.journal, self.run.links
        journal_mark, links_mark = journal.mark(), links.mark()
        self._depth += 1
        try:
            with self.env.cr.savepoint():
                for _record, _kind, _link, on_answer, result in answers:
                    on_answer(result)
            return True
        except Exception:  # each is handled again alone, where its error is reported
            journal.restore(journal_mark)
            links.forget_since(links_mark)
            return False
        finally:
            self._depth -= 1
            if not self._depth:
                links.settle()

    def _in_savepoint(self, record, kind, work, link, lock):
        links = self.run.links
        mark = links.mark()
        self._depth += 1
        try:
            with self.env.cr.savepoint():
                if record and lock:
                    self.lock_record(record)
                work()
        except Exception as error:  # any failure fails this record alone
            links.forget_since(mark)  # made in the rolled back savepoint: gone
            self._failed(record, kind, error, link)
        finally:
            self._depth -= 1
            if not self._depth:
                links.settle()

    def connection_failed(self, error):
        """A bad key or Billy unreachable: nothing is wrong with the record. The first such
        error stops the run (raised up to it, through the record's savepoint, which rolls
        back); answers still in flight after it leave their records as they were."""
        if not self.run.stopped:
            raise error
        self.run.connection_error = self.run.connection_error or error

    def _failed(self, record, kind, error, link):
        if is_connection_error(error):
            self.connection_failed(error)
            return
        what = record or "a Billy record"
        if isinstance(error, RecordFailure):
            pass
        elif isinstance(error, KNOWN_ERRORS) or is_integrity_error(error):
            _logger.info("Billy sync of %s failed: %s", what, error)
        else:
            _logger.warning("Billy sync of %s failed: %r", what, error, exc_info=error)
        self.fail(record, kind, error_message(self.env, error), link)
