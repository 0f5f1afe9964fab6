"""The WSGI application: Billy's v2 API under ``/v2`` and the control endpoint ``/_sandbox``.

Order of checks for ``/v2`` (spec §1.3, §3.2, §12): route (404 ``UNKNOWN_RESOURCE``), method
(405 ``METHOD_NOT_ALLOWED``), body (400 ``INVALID_REQUEST_BODY``), token (401), then the handler.
Fault rules are applied before all that, stats count every ``/v2`` request.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import socket
import time
from collections.abc import Callable
from urllib.parse import urlencode

from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Request, Response

from . import seed as seeding
from .faults import FaultInjector, FaultRuleError, Stats
from .listing import Includer, paginate, parse_include, select
from .pdf import make_pdf
from .resources import (
    NOT_ALLOWED,
    SEED_ORDER,
    SINGULAR,
    SPECS,
    VALIDATION_ERROR_CODE,
    Changes,
    MethodNotAllowed,
    ValidationFailed,
    Writer,
    download_digest,
)
from .store import OrgData, Store

HELP_URL = "https://www.billy.dk/support/"
URL_FIELDS = {"invoices": ("downloadUrl",), "organizations": ("url",)}
ERROR_CODES_5XX = {
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, extra: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra or {}


def json_response(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    return Response(
        json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        status=status,
        mimetype="application/json",
        headers=headers,
    )


def error_body(status: int, code: str, message: str, extra: dict | None = None) -> dict:
    """Billy's error envelope (spec §3.1)."""
    body = {
        "meta": {"statusCode": status, "success": False},
        "errorMessage": message,
        "errorCode": code,
        "helpUrl": HELP_URL,
        "errorTime": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
    }
    body.update(extra or {})
    return body


def error_response(status, code, message, extra=None, headers=None) -> Response:
    return json_response(error_body(status, code, message, extra), status, headers)


def validation_response(exc: ValidationFailed) -> Response:
    return error_response(422, VALIDATION_ERROR_CODE, exc.message, {"validationErrors": exc.errors})


class _DroppedConnection:
    """A response body whose iteration tells werkzeug the peer went away (no HTTP answer)."""

    def __iter__(self):
        raise ConnectionResetError("sandbox fault: lost_response")


class SandboxApp:
    def __init__(
        self,
        store: Store,
        faults: FaultInjector | None = None,
        stats: Stats | None = None,
        seed: str = "danish",
        state_file: str | None = None,
        latency_ms: int = 0,
    ):
        self.store = store
        self.faults = faults or FaultInjector()
        self.stats = stats or Stats()
        self.seed = seed
        self.state_file = state_file
        self.latency_ms = latency_ms

    # -- organizations and tokens -------------------------------------------------------------
    def add_token(self, token: str, name: str) -> str:
        with self.store.lock:
            if token in self.store.tokens:
                return self.store.tokens[token]
            org_id = seeding.create_org(self.store, name, self.seed)
            self.store.tokens[token] = org_id
            self.store.token_names[token] = name
        self.persist()
        return org_id

    def reset(self) -> None:
        """Back to the seed; tokens and organization ids are kept."""
        with self.store.lock:
            self.store.orgs = {}
            seeding.seed_reference(self.store)
            for token, org_id in self.store.tokens.items():
                name = self.store.token_names.get(token) or "Billy Sandbox ApS"
                if org_id not in self.store.orgs:
                    seeding.create_org(self.store, name, self.seed, org_id=org_id)
        self.persist()

    def persist(self) -> None:
        if self.state_file:
            self.store.save(self.state_file)

    # -- WSGI -----------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        path = request.path
        if path == "/_sandbox" or path.startswith("/_sandbox/"):
            response = self._safe(lambda: self.control(request))
            return response(environ, start_response)
        if not (path == "/v2" or path.startswith("/v2/")):
            response = error_response(404, "UNKNOWN_RESOURCE", f"Unknown resource `{path}`.")
            return response(environ, start_response)

        method = request.method
        self.stats.count_request(method, path)
        decision = self.faults.decide(method, path)
        delay = self.latency_ms + decision.latency_ms
        if decision.latency_ms:
            self.stats.count_fault("latency")
        if delay:
            time.sleep(delay / 1000.0)
        fault = decision.fault
        if fault is not None and fault.kind == "error":
            self.stats.count_fault("error")
            status = fault.status
            code = ERROR_CODES_5XX.get(status, "INTERNAL_ERROR" if status >= 500 else "ERROR")
            message = fault.spec.get("message") or "Something happened on the server (injected)."
            response = error_response(status, fault.spec.get("error_code") or code, message)
            return response(environ, start_response)
        if fault is not None and fault.kind == "rate_limit":
            self.stats.count_fault("rate_limit")
            headers = {}
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
            # UNCONFIRMED (spec §8): Billy documents no rate limit; code and text are guesses.
            response = error_response(
                fault.status,
                "RATE_LIMIT_EXCEEDED",
                "Too many requests. Please slow down and retry later.",
                headers=headers,
            )
            return response(environ, start_response)

        response = self._safe(lambda: self.api(request))
        if fault is not None and fault.kind == "malformed":
            # The request has been applied; the answer arrives cut off (a proxy, a crash).
            self.stats.count_fault("malformed")
            body = response.get_data()
            truncated = Response(
                body[: max(1, len(body) // 2)], status=200, content_type="application/json"
            )
            return truncated(environ, start_response)
        if fault is not None and fault.kind == "lost_response":
            # The write has been applied; now drop the connection without any HTTP answer.
            self.stats.count_fault("lost_response")
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            start_response("500 Lost", [("Content-Length", "0")])
            return _DroppedConnection()
        return response(environ, start_response)

    def _safe(self, handler: Callable[[], Response]) -> Response:
        try:
            return handler()
        except ApiError as exc:
            return error_response(exc.status, exc.code, exc.message, exc.extra)
        except ValidationFailed as exc:
            return validation_response(exc)
        except Exception as exc:  # the sandbox must answer like a server, not crash
            return error_response(500, "INTERNAL_ERROR", f"Sandbox error: {exc!r}")

    # -- /v2 --------------------------------------------------------------------------------------
    def api(self, request: Request) -> Response:
        started = time.perf_counter()
        segments = [s for s in request.path.split("/")[2:] if s]
        method = request.method
        if not segments:
            raise ApiError(404, "UNKNOWN_RESOURCE", "Unknown resource `/v2`.")
        if segments[0] == "downloads":
            return self.download(segments)
        if segments == ["organization"]:
            if method != "GET":
                raise self._not_allowed(method, request.path)
            org = self.authenticate(request)
            with self.store.lock:
                org = self._current(org)
                return self.single(request, org, "organizations", org.org_id, started)
        plural = segments[0]
        if plural not in SPECS or len(segments) > 2:
            raise ApiError(404, "UNKNOWN_RESOURCE", f"Unknown resource `{request.path}`.")
        record_id = segments[1] if len(segments) == 2 else None
        allowed = {"GET", "POST", "DELETE"} if record_id is None else {"GET", "PUT", "DELETE"}
        if method not in allowed or (plural, method) in NOT_ALLOWED:
            raise self._not_allowed(method, request.path)
        payload = None
        if method in ("POST", "PUT"):
            payload = self.body(request, SINGULAR[plural])
        org = self.authenticate(request)
        if method == "GET":
            with self.store.lock:
                org = self._current(org)
                if record_id is None:
                    return self.listing(request, org, plural, started)
                return self.single(request, org, plural, record_id, started)
        return self.write(request, org, plural, record_id, payload, started)

    @staticmethod
    def _not_allowed(method: str, path: str) -> ApiError:
        return ApiError(405, "METHOD_NOT_ALLOWED", f"The method {method} is not allowed on {path}.")

    @staticmethod
    def body(request: Request, singular: str) -> dict:
        invalid = ApiError(
            400,
            "INVALID_REQUEST_BODY",
            "Request body should consist of a JSON document with an object as root.",
        )
        try:
            data = json.loads(request.get_data(as_text=True) or "null")
        except (ValueError, BadRequest) as exc:
            raise invalid from exc
        if not isinstance(data, dict):
            raise invalid
        record = data.get(singular)
        if not isinstance(record, dict):
            raise ApiError(
                400,
                "INVALID_REQUEST_BODY",
                f"Request body should contain a `{singular}` object.",
            )
        return record

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

    def _current(self, org: OrgData) -> OrgData:
        """The organization's data now (a concurrent reset replaces the OrgData objects)."""
        return self.store.orgs.get(org.org_id, org)

    def serialize(self, request: Request) -> Callable[[str, dict], dict]:
        host = request.host_url.rstrip("/")

        def serialize(plural: str, record: dict) -> dict:
            output = dict(record)
            # URLs are stored as paths; the host is the sandbox's own, whatever its port.
            for name in URL_FIELDS.get(plural, ()):
                value = output.get(name)
                if isinstance(value, str) and value.startswith("/"):
                    output[name] = host + value
            return output

        return serialize

    @staticmethod
    def meta(started: float, **extra) -> dict:
        meta = {"statusCode": 200, "success": True, "time": round(time.perf_counter() - started, 6)}
        meta.update(extra)
        return meta

    def _find(self, org: OrgData, plural: str, record_id: str) -> dict:
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
        record = self._find(org, plural, record_id)
        serialize = self.serialize(request)
        output = serialize(plural, record)
        includer = Includer(self.store, org, parse_include(request.args.get("include")), serialize)
        includer.apply(plural, [output])
        body = {"meta": None, SINGULAR[plural]: output, **includer.roots()}
        body["meta"] = self.meta(started)
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
        serialize = self.serialize(request)
        outputs = [serialize(plural, r) for r in page]
        includer = Includer(self.store, org, parse_include(params.get("include")), serialize)
        includer.apply(plural, outputs)
        body = {"meta": None, plural: outputs, **includer.roots()}
        body["meta"] = self.meta(started, paging=paging)
        return json_response(body)

    def changes_body(self, request, primary: str, changes: Changes, started) -> dict:
        serialize = self.serialize(request)
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
        body["meta"] = self.meta(started, **extra)
        return body

    def write(self, request, org, plural, record_id, payload, started) -> Response:
        with self.store.lock:
            org = self._current(org)
            changes = Changes()
            writer = Writer(self.store, org, changes)
            try:
                if request.method == "POST":
                    writer.create(plural, payload)
                elif request.method == "PUT":
                    self._find(org, plural, record_id)
                    if plural == "organizations" and record_id != org.org_id:
                        raise ApiError(404, "RECORD_NOT_FOUND", "No such organization.")
                    writer.update(plural, record_id, payload)
                else:
                    ids = [record_id] if record_id else request.args.getlist("ids[]")
                    if not ids:
                        raise ApiError(
                            400,
                            "INVALID_DELETE_ID_ARRAY",
                            f"Use DELETE /{plural}?ids[]=123&ids[]=456 to delete records.",
                        )
                    for one in ids:
                        writer.delete(plural, one)
                        # Idempotent: a missing id still answers 200 and is reported deleted.
                        if one not in changes.deleted.get(plural, []):
                            changes.deleted.setdefault(plural, []).append(one)
            except MethodNotAllowed as exc:
                raise self._not_allowed(request.method, request.path) from exc
            body = self.changes_body(request, plural, changes, started)
        self.persist()
        return json_response(body)

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

    # -- /_sandbox --------------------------------------------------------------------------------
    def control(self, request: Request) -> Response:
        parts = [p for p in request.path.split("/")[2:] if p]
        method = request.method
        data = {}
        if method in ("POST", "PUT"):
            try:
                data = json.loads(request.get_data(as_text=True) or "{}")
            except ValueError as exc:
                raise ApiError(400, "INVALID_REQUEST_BODY", "Body must be JSON.") from exc
            if not isinstance(data, dict):
                raise ApiError(400, "INVALID_REQUEST_BODY", "Body must be a JSON object.")
        route = (method, tuple(parts[:1]))
        if route == ("GET", ()):
            with self.store.lock:
                tokens = dict(self.store.tokens)
            return json_response(
                {"tokens": tokens, "seed": self.seed, "faults": self.faults.rules()}
            )
        if route == ("POST", ("reset",)):
            self.reset()
            return json_response({"ok": True})
        if route == ("GET", ("tokens",)):
            with self.store.lock:
                tokens = dict(self.store.tokens)
            return json_response({"tokens": tokens})
        if route == ("POST", ("tokens",)):
            token, name = data.get("token"), data.get("name") or "Billy Sandbox ApS"
            if not isinstance(token, str) or not token:
                raise ApiError(400, "INVALID_REQUEST_BODY", "`token` is required.")
            org_id = self.add_token(token, name)
            with self.store.lock:
                organization = dict(self.store.orgs[org_id].organization)
            return json_response({"organizationId": org_id, "organization": organization})
        if route == ("POST", ("seed",)):
            return self.load_seed(request, data)
        if parts == ["faults"]:
            if method == "GET":
                return json_response({"rules": self.faults.rules()})
            if method == "PUT":
                try:
                    self.faults.set_rules(data.get("rules") or [], data.get("seed"))
                except FaultRuleError as exc:
                    raise ApiError(400, "INVALID_FAULT_RULE", str(exc)) from exc
                return json_response({"rules": self.faults.rules()})
            if method == "DELETE":
                self.faults.clear()
                return json_response({"rules": []})
        if parts == ["stats"]:
            if method == "GET":
                return json_response(self.stats.snapshot())
            if method == "DELETE":
                self.stats.reset()
                return json_response(self.stats.snapshot())
        if method == "POST" and len(parts) == 3 and parts[0] == "invoices" and parts[2] == "void":
            return self.void(request, parts[1])
        raise ApiError(404, "UNKNOWN_RESOURCE", f"Unknown control call {method} {request.path}.")

    def load_seed(self, request: Request, data: dict) -> Response:
        started = time.perf_counter()
        token = data.get("token")
        records = data.get("records") or {}
        if not isinstance(records, dict):
            raise ApiError(400, "INVALID_REQUEST_BODY", "`records` must be an object.")
        with self.store.lock:
            if token is None and len(self.store.tokens) == 1:
                token = next(iter(self.store.tokens))
            org = self.store.org_for_token(token) if isinstance(token, str) else None
            if org is None:
                raise ApiError(400, "INVALID_REQUEST_BODY", f"Unknown token {token!r}.")
            unknown = set(records) - set(SEED_ORDER)
            if unknown:
                raise ApiError(
                    400,
                    "INVALID_REQUEST_BODY",
                    f"Can't seed {', '.join(sorted(unknown))}; one of {', '.join(SEED_ORDER)}.",
                )
        changes = Changes()
        try:
            with self.store.lock:
                writer = Writer(self.store, org, changes)
                for plural in SEED_ORDER:
                    for index, record in enumerate(records.get(plural) or []):
                        if not isinstance(record, dict):
                            raise ApiError(400, "INVALID_REQUEST_BODY", f"{plural}[{index}]")
                        writer.create(plural, record, allow_id=True)
                primary = next(iter(records), "contacts")
                body = self.changes_body(request, primary, changes, started)
        finally:
            # Not atomic: records loaded before a failing one stay (and are saved).
            if changes.changed:
                self.persist()
        return json_response(body)

    def void(self, request: Request, invoice_id: str) -> Response:
        started = time.perf_counter()
        with self.store.lock:
            for org in self.store.orgs.values():
                invoice = org.tables["invoices"].get(invoice_id)
                if invoice is not None:
                    changes = Changes()
                    Writer(self.store, org, changes).void_invoice(invoice)
                    body = self.changes_body(request, "invoices", changes, started)
                    break
            else:
                raise ApiError(404, "RECORD_NOT_FOUND", f"No invoice with id `{invoice_id}`.")
        self.persist()
        return json_response(body)
