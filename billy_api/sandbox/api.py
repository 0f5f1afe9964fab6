"""``/v2``: Billy's API over the store — routing, authentication, reads, writes, downloads.

Order of checks: route (404 ``UNKNOWN_RESOURCE``), method (405 ``METHOD_NOT_ALLOWED``), body
(400 ``INVALID_REQUEST_BODY``), token (401), then the handler.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from .bodies import changes_body, meta, serializer, singular_body
from .bulk import bulk_save
from .downloads import download
from .filters import paginate, select
from .http import ApiError, json_object, json_response, not_allowed
from .include import Includer, parse_include
from .quirks import Quirks
from .resources.records import Changes
from .resources.specs import SINGULAR, SPECS
from .resources.writer import MethodNotAllowed, Writer, allows
from .store import OrgData, Store

INVALID_BODY = "Request body should consist of a JSON document with an object as root."


def envelope(request: Request, singular: str) -> dict:
    """The record of a POST or PUT body ``{"<singular>": {...}}``."""
    data = json_object(request, ApiError(400, "INVALID_REQUEST_BODY", INVALID_BODY))
    record = data.get(singular)
    if not isinstance(record, dict):
        raise ApiError(
            400, "INVALID_REQUEST_BODY", f"Request body should contain a `{singular}` object."
        )
    return record


class Api:
    """The ``/v2`` endpoints; ``persist`` is called after every write."""

    def __init__(self, store: Store, persist: Callable[[], None], quirks: Quirks):
        self.store = store
        self.persist = persist
        self.quirks = quirks

    def __call__(self, request: Request) -> Response:
        started = time.perf_counter()
        quirks = self.quirks.active  # one set of quirks for the whole request
        segments = [s for s in request.path.split("/")[2:] if s]
        method = request.method
        if not segments:
            raise ApiError(404, "UNKNOWN_RESOURCE", "Unknown resource `/v2`.")
        if segments[0] == "downloads":
            return download(self.store, segments)
        if segments == ["organization"]:
            if method != "GET":
                raise not_allowed(method, request.path)
            org = self.authenticate(request)
            with self.store.lock:
                org = self.current(org)
                return self.single(request, org, "organizations", org.org_id, started, quirks)
        plural = segments[0]
        if plural not in SPECS or len(segments) > 2:
            raise ApiError(404, "UNKNOWN_RESOURCE", f"Unknown resource `{request.path}`.")
        record_id = segments[1] if len(segments) == 2 else None
        if method == "PATCH" and record_id is None:
            return bulk_save(self, request, plural, started, quirks)
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
                    return self.listing(request, org, plural, started, quirks)
                return self.single(request, org, plural, record_id, started, quirks)
        return self.write(request, org, plural, record_id, payload, started, quirks)

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

    def single(self, request, org, plural, record_id, started, quirks) -> Response:
        record = self.find(org, plural, record_id)
        serialize = serializer(request, quirks)
        output = serialize(plural, record)
        includer = Includer(self.store, org, parse_include(request.args.get("include")), serialize)
        includer.apply(plural, [output])
        body = {"meta": None, SINGULAR[plural]: output, **includer.roots()}
        body["meta"] = meta(started)
        return json_response(body)

    def listing(self, request, org, plural, started, quirks) -> Response:
        params = request.args
        if plural == "contactPersons" and not params.get("contactId"):
            # UNCONFIRMED (fact F8b of the contract): Billy lists a contact's persons only.
            raise ApiError(
                400,
                "INVALID_PARAMETERS",
                "contactPersons can only be listed for one contact: add contactId=<id>.",
            )
        records = select(self.store, org, plural, params, quirks)
        base = request.base_url

        def url_for(page_params: dict) -> str:
            query = {k: v for k, v in params.items() if k not in ("page", "pageSize", "offset")}
            query.update(page_params)
            return f"{base}?{urlencode(query)}"

        page, paging = paginate(records, params, url_for)
        serialize = serializer(request, quirks)
        outputs = [serialize(plural, r) for r in page]
        includer = Includer(self.store, org, parse_include(params.get("include")), serialize)
        includer.apply(plural, outputs)
        body = {"meta": None, plural: outputs, **includer.roots()}
        body["meta"] = meta(started, paging=paging)
        return json_response(body)

    def write(self, request, org, plural, record_id, payload, started, quirks) -> Response:
        with self.store.lock:
            org = self.current(org)
            changes = Changes()
            writer = Writer(self.store, org, changes, quirks)
            written = None
            try:
                if request.method == "POST":
                    written = writer.create(plural, payload)
                elif request.method == "PUT":
                    self.find(org, plural, record_id)
                    if plural == "organizations" and record_id != org.org_id:
                        raise ApiError(404, "RECORD_NOT_FOUND", "No such organization.")
                    written = writer.update(plural, record_id, payload)
                else:
                    self._delete(request, writer, plural, record_id)
            except MethodNotAllowed as exc:
                raise not_allowed(request.method, request.path) from exc
            if written is not None and "singular-root" in quirks:
                body = singular_body(request, plural, written, started, quirks)
            else:
                body = changes_body(request, plural, changes, started, quirks)
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
