"""The probe's conversation with one Billy: raw writes (their answer shape is a finding), the
records it made, and their removal."""

import datetime
import secrets

from billy_api import BillyError

PREFIX = "billy-probe-"

SINGULAR = {
    "contacts": "contact",
    "products": "product",
    "invoices": "invoice",
    "invoiceLines": "invoiceLine",
    "invoiceLateFees": "invoiceLateFee",
}

# What can be removed how: DELETE first; a record Billy will not delete is archived instead.
ARCHIVABLE = frozenset({"contacts", "products"})


def record_in(answer, plural, record_id=None):
    """The record of ``plural`` in a write answer: from the plural array, or a singular root."""
    records = answer.get(plural)
    if isinstance(records, list):
        for record in records:
            if isinstance(record, dict) and (record_id is None or record.get("id") == record_id):
                return record
        return None
    record = answer.get(SINGULAR.get(plural, plural[:-1]))
    return record if isinstance(record, dict) else None


def answer_shape(answer, plural):
    """``plural`` (documented), ``singular`` (the quirk) or ``none`` (no record came back)."""
    if isinstance(answer.get(plural), list):
        return "plural"
    if isinstance(answer.get(SINGULAR.get(plural, plural[:-1])), dict):
        return "singular"
    return "none"


class ProbeSession:
    """One probe run against one organization."""

    def __init__(self, client, organization, today=None):
        self.client = client
        self.organization = organization
        self.org_id = organization.get("id")
        self.currency = organization.get("baseCurrencyId") or "DKK"
        self.today = (today or datetime.date.today()).isoformat()
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%S")
        self.prefix = f"{PREFIX}{stamp}-{secrets.token_hex(2)}"
        self.created = []  # (plural, id, label), in creation order
        self.write_shapes = []  # (call, shape) of every POST/PUT of one record
        self.credit_note_type = None  # the credit-note literal Billy accepted, once known

    # -- writes -------------------------------------------------------------------------------
    def write(self, method, plural, body, record_id=None):
        """POST ``/<plural>`` or PUT ``/<plural>/<id>`` with ``body``; the raw answer."""
        path = f"/{plural}" if record_id is None else f"/{plural}/{record_id}"
        answer = self.client.request(method, path, body=body)
        self.write_shapes.append((f"{method} /{plural}", answer_shape(answer, plural)))
        return answer

    def create(self, plural, values, label):
        """Create one record (remembered for cleanup); returns (record, raw answer)."""
        values = dict(values, organizationId=self.org_id)
        answer = self.write("POST", plural, {SINGULAR[plural]: values})
        record = record_in(answer, plural)
        if record is None or not record.get("id"):
            raise ProbeStepError(f"POST /{plural} answered without the new record")
        self.created.append((plural, record["id"], label))
        return record, answer

    def update(self, plural, record_id, values):
        answer = self.write("PUT", plural, {SINGULAR[plural]: values}, record_id)
        return record_in(answer, plural, record_id), answer

    def get(self, plural, record_id, include=None):
        return self.client.get(plural, record_id, include=include)

    def first_page(self, plural, params, page_size=100):
        params = dict(params, organizationId=self.org_id)
        return next(iter(self.client.iter_pages(plural, params=params, page_size=page_size)))

    def forget(self, plural, record_id):
        self.created = [item for item in self.created if item[:2] != (plural, record_id)]

    # -- cleanup ------------------------------------------------------------------------------
    def cleanup(self, report):
        """Remove what this run made, newest first; never raises."""
        for plural, record_id, label in reversed(self.created):
            outcome = self._remove(plural, record_id)
            report.cleanup.append(f"{label} ({plural}/{record_id}): {outcome}")
            if not outcome.startswith(("deleted", "archived")):
                report.left_in_billy.append(f"{label} ({plural}/{record_id}): {outcome}")
        self.created = []

    def _remove(self, plural, record_id):
        try:
            self.client.delete(plural, record_id)
            return "deleted"
        except BillyError as exc:
            refusal = exc
        if plural not in ARCHIVABLE:
            return f"not removed: {refusal}"
        try:
            self.client.update(plural, record_id, {"isArchived": True})
            return f"archived (DELETE refused: HTTP {refusal.status})"
        except BillyError as exc:
            return f"not removed: {exc}"


class ProbeStepError(Exception):
    """A probe step got an answer it cannot use."""
