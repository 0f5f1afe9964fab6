"""Billy's envelopes: the records of a read, the pages of a list, what a write changed."""

from dataclasses import dataclass, field

from .answers import malformed
from .resources import PLURAL, singular

MAX_PAGE_SIZE = 1000  # Billy's maximum (and default) pageSize


@dataclass
class BillyPage:
    """One page of a list call."""

    records: list
    sideloaded: dict = field(default_factory=dict)  # plural -> list of records
    page: int = 1
    page_count: int = 1
    page_size: int = MAX_PAGE_SIZE
    total: int = 0


@dataclass
class BillyWriteResult:
    """What a POST, PUT or DELETE changed."""

    record: dict | None  # the written record of the resource (None when Billy sent none)
    changed: dict = field(default_factory=dict)  # plural -> list of changed records
    deleted: dict = field(default_factory=dict)  # plural -> list of deleted ids


@dataclass
class BillyBulkResult:
    """What a bulk save changed; ``records[i]`` is Billy's record of the i-th record sent."""

    records: list
    changed: dict = field(default_factory=dict)  # plural -> list of changed records
    deleted: dict = field(default_factory=dict)  # plural -> list of deleted ids


def pick(records, record_id):
    """The record with ``record_id`` if given and present, else the first one (or None)."""
    if not records:
        return None
    if record_id is not None:
        for record in records:
            if isinstance(record, dict) and str(record.get("id")) == str(record_id):
                return record
    return records[0]


def record_list(data, key, method, path, maybe_applied=False):
    """``data[key]`` checked to be a list of records."""
    records = data[key]
    if not isinstance(records, list):
        raise malformed(method, path, f"`{key}` is not a list", maybe_applied=maybe_applied)
    if not all(isinstance(record, dict) for record in records):
        raise malformed(
            method,
            path,
            f"`{key}` holds something else than records",
            maybe_applied=maybe_applied,
        )
    return records


def single_record(data, resource, method, path, record_id=None):
    """The record of ``resource`` in a GET answer: singular root, or first of the plural."""
    envelope = singular(resource)
    if envelope in data:
        record = data[envelope]
        if not isinstance(record, dict):
            raise malformed(method, path, f"`{envelope}` is not an object")
        return record
    if resource in data:
        return pick(record_list(data, resource, method, path), record_id)
    return None


def _paging_int(paging, key, default):
    value = paging.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.isdigit():
            return int(value)
        raise ValueError(f"`meta.paging.{key}` is not a number")
    return value


def parse_page(data, resource, path, requested_page, page_size):
    if resource not in data:
        raise malformed("GET", path, f"the answer has no `{resource}` list")
    records = record_list(data, resource, "GET", path)
    sideloaded = {
        key: value
        for key, value in data.items()
        if key not in ("meta", resource) and isinstance(value, list)
    }
    meta = data.get("meta")
    if meta is not None and not isinstance(meta, dict):
        raise malformed("GET", path, "`meta` is not an object")
    paging = (meta or {}).get("paging")
    if not isinstance(paging, dict):
        # No paging meta: Billy sent everything in one answer.
        return BillyPage(
            records=records,
            sideloaded=sideloaded,
            page=requested_page,
            page_count=requested_page,
            page_size=page_size,
            total=(requested_page - 1) * page_size + len(records),
        )
    try:
        page = _paging_int(paging, "page", requested_page)
        page_count = _paging_int(paging, "pageCount", page)
        size = _paging_int(paging, "pageSize", page_size)
        total = _paging_int(paging, "total", (page - 1) * size + len(records))
    except ValueError as exc:
        raise malformed("GET", path, str(exc)) from None
    return BillyPage(
        records=records,
        sideloaded=sideloaded,
        page=page,
        page_count=page_count,
        page_size=size,
        total=total,
    )


class Sideloads(dict):
    """plural -> records of a write answer. A bulk answer sideloads the children of every
    record it saved: `children` groups a plural's records by their parent once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._groups = {}

    def children(self, plural, parent_key, parent_id, orphans=False):
        """The records of `plural` whose `parent_key` is `parent_id`, in the answer's order;
        with `orphans`, those without a parent too (a single write may leave it out)."""
        key = (plural, parent_key)
        if key not in self._groups:
            groups = {}
            for position, record in enumerate(self.get(plural) or ()):
                groups.setdefault(record.get(parent_key), []).append((position, record))
            self._groups[key] = groups
        found = list(self._groups[key].get(parent_id, ()))
        if orphans and parent_id is not None:
            found = sorted(found + self._groups[key].get(None, []), key=lambda pair: pair[0])
        return [record for _position, record in found]


def children(changed, plural, parent_key, parent_id, orphans=False):
    """Sideloads.children of any plural -> records mapping."""
    if not isinstance(changed, Sideloads):
        changed = Sideloads(changed)
    return changed.children(plural, parent_key, parent_id, orphans)


def changed_records(data, resource):
    """plural -> records of a write answer: the plural arrays, and singular roots too."""
    changed = Sideloads()
    for key, value in data.items():
        if key == "meta":
            continue
        if isinstance(value, list):
            changed[key] = value
        elif isinstance(value, dict) and (key == singular(resource) or key in PLURAL):
            # UNCONFIRMED: one report saw PUT answer with a singular root ({"invoice": {}})
            # instead of the documented plural arrays; accept both shapes.
            changed.setdefault(PLURAL.get(key, resource), []).append(value)
    return changed


def deleted_ids(data):
    """plural -> ids from ``meta.deletedRecords`` (Billy's own ``_clientIds`` left out)."""
    meta = data.get("meta")
    deleted = {}
    raw_deleted = meta.get("deletedRecords") if isinstance(meta, dict) else None
    if isinstance(raw_deleted, dict):
        for key, ids in raw_deleted.items():
            if key.startswith("_") or not isinstance(ids, list):
                continue
            deleted[key] = [str(value) for value in ids]
    return deleted


def write_result(data, resource, method, path, record_id=None):
    changed = changed_records(data, resource)
    records = record_list(changed, resource, method, path, True) if resource in changed else []
    return BillyWriteResult(
        record=pick(records, record_id), changed=changed, deleted=deleted_ids(data)
    )


def bulk_result(data, resource, sent, path):
    """The saved record of each record ``sent`` (each with its ``_clientId``), in that order.

    Billy's data layer matches an answer's records by ``_clientId``, else by ``id``
    (billy-data ``store.js``); when neither matches and the answer holds exactly one record per
    record sent, they are taken in order. A record that cannot be told apart means the save
    went through unread: the error says it may have been applied, so nothing is retried."""
    changed = changed_records(data, resource)
    answered = record_list(changed, resource, "PATCH", path, True) if resource in changed else []
    by_client_id = {r["_clientId"]: r for r in answered if r.get("_clientId") is not None}
    by_id = {str(r.get("id")): r for r in answered}
    records = []
    for position, record in enumerate(sent):
        found = by_client_id.get(record["_clientId"])
        if found is None and record.get("id") is not None:
            found = by_id.get(str(record["id"]))
        if found is None and not by_client_id and len(answered) == len(sent):
            found = answered[position]
        if found is None:
            raise malformed(
                "PATCH",
                path,
                f"the answer has no record for the {resource} record at index {position}",
                maybe_applied=True,
            )
        records.append(found)
    return BillyBulkResult(records=records, changed=changed, deleted=deleted_ids(data))
