"""``/v2``: Billy's API over the store — routing, authentication, reads, writes, downloads.

Order of checks: route (404 ``UNKNOWN_RESOURCE``), method (405 ``METHOD_NOT_ALLOWED``), body
(400 ``INVALID_REQUEST_BODY``), token (401), then the handler.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from .filters import paginate, select
from .http import ApiError, json_object, json_response, not_allowed
from .include import Includer, parse_include
from .pdf import make_pdf
from .resources.records import Changes
from .resources.specs import SINGULAR, SPECS
from .resources.totals import download_digest
from .resources.writer import MethodNotAllowed, Writer, allows
from .store import OrgData, Store

URL_FIELDS = {"invoices": ("downloadUrl",), "organizations": ("url",)}


def serializer(request: Request) -> Callable[[str, dict], dict]:
    """Records as answered: stored URL paths get the sandbox's own host, whatever its port."""
    host = request.host_url.rstrip("/")

    def serialize(plural: str, record: dict) -> dict:
        output = dict(record)
        for name in URL_FIELDS.get(plural, ()):
            value = output.get(name)
            if isinstance(value, str) and value.startswith("/"):
                output[name] = host + value
        return output

    return serialize


def meta(started: float, **extra) -> dict:
    result = {"statusCode": 200, "success": True, "time": round(time.perf_counter() - started, 6)}
    result.update(extra)
    return result


def changes_body(request: Request, primary: str, changes: Changes, started: float) -> dict:
    """The answer to a write: every changed record (the written resource first), and the ids
    of deleted ones in ``meta.deletedRecords``."""
    serialize = serializer(request)
    body: dict = {"meta": None}
    order = [primary] + [p for p in changes.changed if p != primary]
    for plural in order:
        records = changes.changed.get(plural)
        if not records:
            continue
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


def envelope(request: Request, singular: str) -> dict:
    """The record of a POST or PUT body ``{"<singular>": {...}}``."""
    data = json_object(
        request,
        ApiError(
            400,
            "INVALID_REQUEST_BODY",
            "Request body should consist of a JSON document with an object as root.",
        ),
    )
    record = data.get(singular)
    if not isinstance(record, dict):
        raise ApiError(
            400, "INVALID_REQUEST_BODY", f"Request body should contain a `{singular}` object."
        )
    return record


class Api:
    """The ``/v2`` endpoints; ``persist`` is called after every write."""

    def __init__(self, store: Store, persist: Callable[[], None]):
        self.store = store
        self.persist = persist

    def __call__(self, request: Request) -> Response:
        started = time.perf_counter()
        segments = [s for s in request.path.split("/")[2:] if s]
        method = request.method
        if not segments:
            raise ApiError(404, "UNKNOWN_RESOURCE", "Unknown resource `/v2`.")
        if segments[0] == "downloads":
            return self.download(segments)
        if segments == ["organization"]:
            if method != "GET":
                raise not_allowed(method, request.path)
            org = self.authenticate(request)
            with self.store.lock:
                org = self.current(org)
                return self.single(request, org, "organizations", org.org_id, started)
        plural = segments[0]
        if plural not in SPECS or len(segments) > 2:
            raise ApiError(404, "UNKNOWN_RESOURCE", f"Unknown resource `{request.path}`.")
        record_id = segments[1] if len(segments) == 2 else None
        allowed = {"GET", "POST", "DELETE"} if record_id is None else {"GET", "PUT", "DELETE"}
        if method not in allowed or (method != "GET" and not allows(plural, method)):
            raise not_allowed(method, request.path)
        payload = None
        if method in ("POST", "PUT"):
            payload = envelope(request, SINGULAR[plural])
        org = self.authenticate(request)
        if method == "GET":
            with self.store.lock:
                org = self.current(org)
                if record_id is None:
                    return self.listing(request, org, plural, started)
                return self.single(request, org, plural, record_id, started)
        return self.write(request, org, plural, record_id, payload, started)

    def authenticate(self, request: Request) -> OrgData:
        token = request.headers.get("X-Access-Token")
        if not token:
            raise ApiError(
                401,
                "AUTHENTICATION_REQUIRED",
                "You must use Basic auth or an OAuth access token to make requests to the API.",
            )
        with self.store.lock:
            org = self.store.org_for_token(token)
        if org is None:
            raise ApiError(401, "OAUTH_INVALID_ACCESS_TOKEN", "Invalid OAuth 2 access token.")
        return org

    def current(self, org: OrgData) -> OrgData:
        """The organization's data now (a concurrent reset replaces the OrgData objects)."""
        return self.store.orgs.get(org.org_id, org)

    def find(self, org: OrgData, plural: str, record_id: str) -> dict:
        if plural in self.store.reference:
            record = self.store.reference[plural].get(record_id)
        else:
            record = org.tables[plural].get(record_id)
        if record is None:
            raise ApiError(
                404,
                "RECORD_NOT_FOUND",
                f"No `{SINGULAR[plural]}` record with id `{record_id}` was found.",
            )
        return record

    def single(self, request, org, plural, record_id, started) -> Response:
        record = self.find(org, plural, record_id)
        serialize = serializer(request)
        output = serialize(plural, record)
        includer = Includer(self.store, org, parse_include(request.args.get("include")), serialize)
        includer.apply(plural, [output])
        body = {"meta": None, SINGULAR[plural]: output, **includer.roots()}
        body["meta"] = meta(started)
        return json_response(body)

    def listing(self, request, org, plural, started) -> Response:
        params = request.args
        records = select(self.store, org, plural, params)
        base = request.base_url

        def url_for(page_params: dict) -> str:
            query = {k: v for k, v in params.items() if k not in ("page", "pageSize", "offset")}
            query.update(page_params)
            return f"{base}?{urlencode(query)}"

        page, paging = paginate(records, params, url_for)
        serialize = serializer(request)
        outputs = [serialize(plural, r) for r in page]
        includer = Includer(self.store, org, parse_include(params.get("include")), serialize)
        includer.apply(plural, outputs)
        body = {"meta": None, plural: outputs, **includer.roots()}
        body["meta"] = meta(started, paging=paging)
        return json_response(body)

    def write(self, request, org, plural, record_id, payload, started) -> Response:
        with self.store.lock:
            org = self.current(org)
            changes = Changes()
            writer = Writer(self.store, org, changes)
            try:
                if request.method == "POST":
                    writer.create(plural, payload)
                elif request.method == "PUT":
                    self.find(org, plural, record_id)
                    if plural == "organizations" and record_id != org.org_id:
                        raise ApiError(404, "RECORD_NOT_FOUND", "No such organization.")
                    writer.update(plural, record_id, payload)
                else:
                    self._delete(request, writer, plural, record_id)
            except MethodNotAllowed as exc:
                raise not_allowed(request.method, request.path) from exc
            body = changes_body(request, plural, changes, started)
        self.persist()
        return json_response(body)

    @staticmethod
    def _delete(request, writer: Writer, plural: str, record_id: str | None) -> None:
        ids = [record_id] if record_id else request.args.getlist("ids[]")
        if not ids:
            raise ApiError(
                400,
                "INVALID_DELETE_ID_ARRAY",
                f"Use DELETE /{plural}?ids[]=123&ids[]=456 to delete records.",
            )
        deleted = writer.changes.deleted
        for one in ids:
            writer.delete(plural, one)
            # Idempotent: a missing id still answers 200 and is reported deleted.
            if one not in deleted.get(plural, []):
                deleted.setdefault(plural, []).append(one)

    def download(self, segments: list[str]) -> Response:
        # /v2/downloads/invoices/<invoiceId>/<organizationId>/<hash>/<file>.pdf
        if len(segments) != 6 or segments[1] != "invoices" or not segments[5].endswith(".pdf"):
            raise ApiError(404, "UNKNOWN_RESOURCE", "Unknown download.")
        _, _, invoice_id, org_id, digest, _filename = segments
        with self.store.lock:
            org = self.store.orgs.get(org_id)
            invoice = org.tables["invoices"].get(invoice_id) if org else None
            if invoice is None or digest != download_digest(invoice_id, org_id):
                raise ApiError(404, "RECORD_NOT_FOUND", "No such file.")
            contact = org.tables["contacts"].get(invoice["contactId"]) or {}
            title = "Kreditnota" if invoice["type"] == "credit_note" else "Faktura"
            number = invoice["invoiceNo"] if invoice["state"] != "draft" else "(kladde)"
            lines = [
                f"{org.organization['name']}",
                f"{title} {number}",
                f"Kunde: {contact.get('name', '')}",
                f"Dato: {invoice['entryDate']}   Forfald: {invoice.get('dueDate') or ''}",
                f"Beløb ekskl. moms: {invoice['amount']:.2f} {invoice['currencyId']}",
                f"Moms: {invoice['tax']:.2f} {invoice['currencyId']}",
                f"I alt: {invoice['grossAmount']:.2f} {invoice['currencyId']}",
                "Billy sandbox",
            ]
        return Response(make_pdf(lines), mimetype="application/pdf")
