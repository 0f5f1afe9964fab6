"""Bulk save: ``PATCH /v2/<plural>`` with ``{"<plural>": [{...}, {...}]}``, the form Billy's
own data layer sends (billysbilling/billy-data ``rest-adapter.js`` ``commitTransactionBulk``;
docs/billy_api_contract.md, "Bulk save").

Each record is saved as its own POST (no ``id``) or PUT (with the ``id`` of an existing record)
would be, with the same validation. The answer is the changed-records envelope of a write: the
saved records first, in request order, each with the ``_clientId`` it was sent with. UNCONFIRMED
(no source shows how Billy answers an invalid record in a bulk): all or nothing — one invalid
record refuses the whole batch, nothing is saved, and ``validationErrors`` names each bad record
by its ``_clientId``, or by its index in the list when it has none (each entry also carries the
``index``). At most 1000 records a call (an assumed limit, like ``pageSize``).
"""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from .bodies import changes_body
from .http import ApiError, json_object, json_response, not_allowed
from .resources.records import Changes
from .resources.specs import SINGULAR
from .resources.validation import ValidationFailed, refusal
from .resources.writer import MethodNotAllowed, Writer, allows
from .store import OrgData

MAX_BULK = 1000


def _records(request: Request, plural: str) -> list[dict]:
    invalid = ApiError(
        400, "INVALID_REQUEST_BODY", f"Request body should contain a `{plural}` list of records."
    )
    items = json_object(request, invalid).get(plural)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise invalid
    if len(items) > MAX_BULK:
        raise ApiError(
            400,
            "INVALID_REQUEST_BODY",
            f"A bulk save takes at most {MAX_BULK} records, not {len(items)}.",
        )
    return items


def _save(writer: Writer, plural: str, item: dict, key: str) -> dict:
    record_id = item.get("id")
    if record_id is None:
        return writer.create(plural, item)
    if not isinstance(record_id, str) or record_id not in writer.tables[plural]:
        message = f"No `{SINGULAR[plural]}` record with id `{record_id}` was found."
        raise refusal(key, message, {"id": message})
    return writer.update(plural, record_id, item)


def _rekeyed(errors: dict, plural: str, key: str, index: int) -> dict:
    """An item's ``validationErrors`` under its bulk key (children under ``<key>/<name>``)."""
    own = {key, SINGULAR[plural]}
    return {
        (key if name in own else f"{key}/{name}"): {**entry, "index": index}
        for name, entry in errors.items()
    }


def _snapshot(org: OrgData) -> dict:
    return {plural: [dict(r) for r in table.values()] for plural, table in org.tables.items()}


def bulk_save(api, request: Request, plural: str, started: float, quirks) -> Response:
    if "no-bulk" in quirks or not (allows(plural, "POST") or allows(plural, "PUT")):
        raise not_allowed("PATCH", request.path)
    items = _records(request, plural)
    org = api.authenticate(request)
    with api.store.lock:
        org = api.current(org)
        snapshot = _snapshot(org)
        changes = Changes()
        writer = Writer(api.store, org, changes, quirks)
        errors, saved = {}, []
        for index, item in enumerate(items):
            client_id = item.get("_clientId")
            key = client_id if isinstance(client_id, str) and client_id else str(index)
            try:
                record = _save(writer, plural, item, key)
            except ValidationFailed as exc:
                errors.update(_rekeyed(exc.errors, plural, key, index))
                continue
            except MethodNotAllowed:
                message = (
                    f"A `{SINGULAR[plural]}` can't be {'updated' if item.get('id') else 'created'}."
                )
                errors[key] = {"message": message, "attributes": {}, "index": index}
                continue
            saved.append(record["id"])
            if key == client_id:
                changes.client_ids[(plural, record["id"])] = client_id
        if errors:
            api.store.orgs[org.org_id] = OrgData.from_json(org.org_id, snapshot)
            bad = sorted({entry["index"] for entry in errors.values()})
            first = next(iter(errors.values()))
            raise ValidationFailed(
                errors,
                f"The bulk save was refused and nothing was saved: {len(bad)} of {len(items)} "
                f"records are invalid (indexes {', '.join(map(str, bad))}); record "
                f"{first['index']}: {first.get('message') or 'invalid'}",
            )
        body = changes_body(request, plural, changes, started, quirks, first=saved)
    if saved:
        api.persist()
    return json_response(body)
