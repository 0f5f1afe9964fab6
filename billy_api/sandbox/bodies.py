"""What the sandbox answers: records as serialized (URLs with the sandbox's host, a rotating
``downloadUrl``), ``meta``, and the answer to a write."""

from __future__ import annotations

import time
from collections.abc import Callable

from werkzeug.wrappers import Request

from .downloads import rotated
from .resources.records import Changes
from .resources.specs import SINGULAR

URL_FIELDS = {"invoices": ("downloadUrl",), "organizations": ("url",)}


def serializer(request: Request, quirks=frozenset()) -> Callable[[str, dict], dict]:
    """Records as answered: stored URL paths get the sandbox's own host, whatever its port."""
    host = request.host_url.rstrip("/")
    rotate = "rotating-download-url" in quirks

    def serialize(plural: str, record: dict) -> dict:
        output = dict(record)
        for name in URL_FIELDS.get(plural, ()):
            value = output.get(name)
            if isinstance(value, str) and value.startswith("/"):
                if rotate and name == "downloadUrl":
                    value = rotated(value)
                output[name] = host + value
        return output

    return serialize


def meta(started: float, **extra) -> dict:
    result = {"statusCode": 200, "success": True, "time": round(time.perf_counter() - started, 6)}
    result.update(extra)
    return result


def changes_body(
    request: Request, primary: str, changes: Changes, started: float, quirks=frozenset(), first=()
) -> dict:
    """The answer to a write: every changed record (the written resource first, the ids in
    ``first`` at its head, in that order), and the ids of deleted ones in
    ``meta.deletedRecords``."""
    serialize = serializer(request, quirks)
    body: dict = {"meta": None}
    order = [primary] + [p for p in changes.changed if p != primary]
    for plural in order:
        records = changes.changed.get(plural)
        if not records:
            continue
        if plural == primary and first:
            records = {**{i: records[i] for i in first if i in records}, **records}
        outputs = []
        for record_id, record in records.items():
            output = serialize(plural, record)
            client_id = changes.client_ids.get((plural, record_id))
            if client_id is not None:
                output["_clientId"] = client_id
            outputs.append(output)
        body[plural] = outputs
    extra = {}
    if changes.deleted:
        extra["deletedRecords"] = {p: list(ids) for p, ids in changes.deleted.items()}
    body["meta"] = meta(started, **extra)
    return body


def singular_body(request: Request, plural: str, record: dict, started: float, quirks) -> dict:
    """The answer to a write under the quirk ``singular-root``: the written record alone."""
    output = serializer(request, quirks)(plural, record)
    return {"meta": meta(started), SINGULAR[plural]: output}
