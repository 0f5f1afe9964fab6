"""What every write shares: the changes it made and the helpers of one organization's records.

Each write (create, update, delete) runs against one organization under the store lock, first
validates everything (raising ``ValidationFailed``, nothing applied), then applies the change and
records every changed or deleted record in a :class:`Changes`, which becomes the answer: Billy's
answer to a write holds every record the request changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..store import OrgData, Store, new_id, now_str
from .fields import clean
from .specs import SINGULAR, SPECS, Spec
from .validation import BLANK, IMMUTABLE, Errors, blank, refusal

MISSING = object()


@dataclass
class Changes:
    """Every record a write changed (plural → id → record) and deleted (plural → ids)."""

    changed: dict[str, dict[str, dict]] = field(default_factory=dict)
    deleted: dict[str, list[str]] = field(default_factory=dict)
    client_ids: dict[tuple[str, str], str] = field(default_factory=dict)

    def touch(self, plural: str, record: dict, client_id: str | None = None) -> None:
        self.changed.setdefault(plural, {})[record["id"]] = record
        if client_id is not None:
            self.client_ids[(plural, record["id"])] = client_id

    def delete(self, plural: str, record_id: str) -> None:
        self.changed.get(plural, {}).pop(record_id, None)
        ids = self.deleted.setdefault(plural, [])
        if record_id not in ids:
            ids.append(record_id)


@dataclass(frozen=True)
class Children:
    """A has-many written inside its parent's body (a contact's ``contactPersons``)."""

    plural: str
    parent_field: str
    read: Callable  # (ctx, body, errors) -> [(values, _clientId)] or None when not sent


class Context:
    """One organization's records during a write; use under the store lock."""

    def __init__(self, store: Store, org: OrgData, changes=None, quirks=frozenset()):
        self.store = store
        self.org = org
        self.changes = changes or Changes()
        self.quirks = quirks  # the names of the quirks on for this request

    @property
    def tables(self) -> dict[str, dict[str, dict]]:
        return self.org.tables

    def exists(self, plural: str, record_id) -> bool:
        if not isinstance(record_id, str):
            return False
        if plural in self.store.reference:
            return record_id in self.store.reference[plural]
        return record_id in self.org.tables[plural]

    def check_refs(self, spec: Spec, values: dict, errors: Errors, key: str, skip=()) -> None:
        """An error for each reference of ``values`` to a record that does not exist."""
        for name, target in spec.refs.items():
            value = values.get(name)
            if name not in skip and value is not None and not self.exists(target, value):
                errors.attr(key, name, f"No `{SINGULAR[target]}` record with id `{value}` exists.")

    def new_record(self, spec: Spec, values: dict, record_id: str | None = None) -> dict:
        record = {"id": record_id or new_id()}
        if not spec.child:
            record["organizationId"] = self.org.org_id
        for name, definition in spec.fields.items():
            record[name] = values.get(name, definition.default)
        record.update(spec.readonly)
        if spec.created_time:
            record["createdTime"] = now_str()
        return record

    def insert(self, plural: str, record: dict, client_id: str | None = None) -> dict:
        self.org.insert(plural, record)
        self.changes.touch(plural, record, client_id)
        return record

    def remove(self, plural: str, record_id: str) -> None:
        if self.org.remove(plural, record_id) is not None:
            self.changes.delete(plural, record_id)

    @staticmethod
    def key_for(body: dict, spec: Spec) -> str:
        client_id = body.get("_clientId")
        return client_id if isinstance(client_id, str) and client_id else spec.singular

    @staticmethod
    def given_id(body: dict, allow_id: bool) -> str | None:
        if allow_id and isinstance(body.get("id"), str) and body["id"]:
            return body["id"]
        return None

    @staticmethod
    def check_immutable(spec: Spec, record: dict, values: dict, errors, key) -> None:
        for name in spec.immutable:
            if name in values and values[name] != record.get(name):
                errors.attr(key, name, IMMUTABLE)

    # -- embedded children (contact persons, prices, lines, rules) ---------------------------
    @staticmethod
    def embedded(body, name, errors: Errors, key, parse: Callable, message="Must be a list."):
        """``[(values, _clientId)]`` for the list ``body[name]``; None when it is not sent."""
        items = body.get(name, MISSING)
        if items is MISSING or items is None:
            return None
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            errors.attr(key, name, message)
            return None
        return [(parse(item), item.get("_clientId")) for item in items]

    def replace_children(self, plural: str, parent_field: str, parent: dict, items, prepare=None):
        """Delete the parent's children of ``plural`` and insert ``items`` in their place."""
        spec = SPECS[plural]
        for old in self.org.children(plural, parent_field, parent["id"]):
            self.remove(plural, old["id"])
        for position, (values, client_id) in enumerate(items, start=1):
            record = self.new_record(spec, {**values, parent_field: parent["id"]})
            if prepare is not None:
                prepare(record, position)
            self.insert(plural, record, client_id)

    # -- resources with no rule of their own -------------------------------------------------
    def simple_create(self, plural, body, allow_id, required=("name",), extra=None) -> dict:
        spec = SPECS[plural]
        errors = Errors()
        key = self.key_for(body, spec)
        values = clean(spec.fields, body, errors, key)
        errors.require(key, values, required)
        self.check_refs(spec, values, errors, key)
        if extra:
            extra(values, errors, key, None)
        errors.raise_if_any()
        record = self.new_record(spec, values, self.given_id(body, allow_id))
        return self.insert(plural, record, body.get("_clientId"))

    def simple_update(self, plural, record, body, required=("name",), extra=None) -> dict:
        spec = SPECS[plural]
        errors = Errors()
        key = self.key_for(body, spec)
        values = clean(spec.fields, body, errors, key)
        for name in required:
            if name in values and blank(values[name]):
                errors.attr(key, name, BLANK)
        self.check_refs(spec, values, errors, key)
        self.check_immutable(spec, record, values, errors, key)
        if extra:
            extra(values, errors, key, record)
        errors.raise_if_any()
        record.update(values)
        self.changes.touch(plural, record)
        return record

    # -- resources with embedded children ----------------------------------------------------
    def _read_children(self, children: Children, body: dict):
        errors = Errors()
        items = children.read(self, body, errors)
        errors.raise_if_any()
        return items

    def write_children(self, children: Children, parent: dict, items) -> None:
        if items is not None:
            self.replace_children(children.plural, children.parent_field, parent, items)

    def create_with(self, children: Children, plural, body, allow_id) -> dict:
        items = self._read_children(children, body)
        record = self.simple_create(plural, body, allow_id)
        self.write_children(children, record, items)
        return record

    def update_with(self, children: Children, plural, record, body, extra=None) -> dict:
        items = self._read_children(children, body)
        self.simple_update(plural, record, body, extra=extra)
        self.write_children(children, record, items)
        return record

    def delete_with(self, children: Children, plural, record, used_by=None, refusal_text=""):
        """Delete ``record`` and its children; refused while a ``used_by`` (plural, field)
        index holds it (UNCONFIRMED: Billy's exact refusal; such a record can be archived)."""
        if used_by is not None and self.org.indices[used_by].get(record["id"]):
            raise refusal(SINGULAR[plural], refusal_text)
        self.write_children(children, record, [])
        self.remove(plural, record["id"])


def voided_now(ctx: Context, spec: Spec, plural: str, record: dict, body: dict, noun: str) -> bool:
    """An update that may only void ``record`` (false to true, for good); True when it did."""
    errors = Errors()
    key = ctx.key_for(body, spec)
    values = clean(spec.fields, body, errors, key)
    if record["isVoided"] and values.get("isVoided") is False:
        errors.attr(key, "isVoided", f"A voided {noun} can't be restored.")
    errors.raise_if_any()
    ctx.changes.touch(plural, record)
    if values.get("isVoided") and not record["isVoided"]:
        record["isVoided"] = True
        return True
    return False
