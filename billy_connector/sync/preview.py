"""A dry run of a bulk sync: what would be created, updated, linked or in conflict.

The preview runs the ordinary SyncRun (run.py) with two changes, so that it can't drift from
the real thing and changes nothing on either side:

* Billy: the run's client is wrapped by `RecordingClient`, which passes reads through and
  records writes instead of sending them, answering with the record Billy would have saved
  (the sent values over the current record, with made-up ids for new records);
* Odoo: the run happens inside a savepoint that is rolled back; its log lines are read
  before the rollback and handed back as plain values.
"""

import itertools
import threading

from billy_api import BillyBulkResult, BillyError, BillyWriteResult

from .connection import is_connection_error
from .run import SyncRun

PREVIEW_PREFIX = "preview-"
# the plural name under which Billy answers the records embedded in a write
EMBEDDED = {"contactPersons": "contactPersons", "prices": "productPrices", "lines": "invoiceLines"}
LINE_FIELDS = ("record_kind", "res_model", "res_id", "record_name", "billy_id", "direction")
LINE_FIELDS += ("action", "message_code", "message_params")


class RecordingClient:
    """A BillyClient stand-in: reads go to Billy, writes are only recorded."""

    def __init__(self, client):
        self._client = client
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._made = {}  # id -> record "created" by this preview
        self.writes = []  # (method, resource, id)

    def __getattr__(self, name):
        return getattr(self._client, name)

    def _record(self, method, resource, record_id):
        with self._lock:
            self.writes.append((method, resource, record_id))

    def _new_id(self, resource):
        with self._lock:
            return f"{PREVIEW_PREFIX}{resource}-{next(self._ids)}"

    def _saved(self, resource, record_id, values):
        """The record as Billy would answer it, and the embedded records it would change."""
        record = dict(values, id=record_id)
        changed = {resource: [record]}
        parent_key = f"{resource[:-1]}Id"  # contacts -> contactId
        for key, plural in EMBEDDED.items():
            children = values.get(key)
            if isinstance(children, list) and all(isinstance(c, dict) for c in children):
                record[key] = [
                    {"id": self._new_id(plural), **child, parent_key: record_id}
                    for child in children
                ]
                changed[plural] = record[key]
        with self._lock:
            self._made[record_id] = record
        return BillyWriteResult(record=dict(record), changed=changed)

    def get(self, resource, record_id, include=None):
        with self._lock:
            made = self._made.get(record_id)
        if made is not None:
            return dict(made)
        return self._client.get(resource, record_id, include=include)

    def create(self, resource, record):  # pylint: disable=method-required-super
        record_id = self._new_id(resource)
        self._record("POST", resource, record_id)
        return self._saved(resource, record_id, record)

    def update(self, resource, record_id, values):
        self._record("PUT", resource, record_id)
        try:
            current = self.get(resource, record_id)
        except BillyError as error:
            if is_connection_error(error):
                raise
            current = {}
        return self._saved(resource, record_id, {**current, **values})

    def delete(self, resource, record_id):
        self._record("DELETE", resource, record_id)
        return BillyWriteResult(record=None, deleted={resource: [str(record_id)]})

    def bulk_save(self, resource, records):
        """Each record recorded as its own create or update would be."""
        results = [
            self.update(resource, record["id"], {k: v for k, v in record.items() if k != "id"})
            if record.get("id")
            else self.create(resource, record)
            for record in records
        ]
        changed = {}
        for result in results:
            for plural, changed_records in result.changed.items():
                changed.setdefault(plural, []).extend(changed_records)
        return BillyBulkResult(records=[result.record for result in results], changed=changed)

    def request(self, method, path, params=None, body=None):
        if str(method).upper() == "GET":
            return self._client.request(method, path, params=params, body=body)
        self._record(str(method).upper(), path, None)
        return {"meta": {"success": True}}


def preview_sync(company):
    """Dry-run a bulk sync of `company`; nothing changes in Odoo or in Billy.

    Returns a dict: `state` and `message` of the run (and its `message_code` and
    `message_params`, to show it in the reader's language), `counts` (the sync log's counters),
    `lines` (one dict a record, the fields of billy.sync.log.line) and `writes` (the Billy
    requests that would have been sent: method, resource, id).
    """
    env = company.env
    run = SyncRun(company, trigger="manual", wrap_client=RecordingClient)
    savepoint = env.cr.savepoint()
    try:
        log = run.run_all()
        lines = [{name: line[name] for name in LINE_FIELDS} for line in log.line_ids.sorted("id")]
        for line in lines:
            if (line["billy_id"] or "").startswith(PREVIEW_PREFIX):
                line["billy_id"] = False
            if line["action"] == "created" and line["direction"] == "to_odoo":
                # a record the preview created in Odoo disappears with the rollback
                line["res_id"] = False
        result = {
            "state": log.state,
            "message": log.message or False,
            "message_code": log.message_code or False,
            "message_params": log.message_params or False,
            "counts": dict(run.counts),
            "lines": lines,
            "writes": list(run.ctx.client.writes if run.ctx else []),
        }
    finally:
        savepoint.close(rollback=True)
        env.invalidate_all()
        run.record_connection()  # what the preview found of Billy outlives the rollback
    return result
