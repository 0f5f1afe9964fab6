"""The WSGI application: Billy's v2 API under ``/v2`` (``api``) and the control endpoint
``/_sandbox`` (``control``). Fault rules are applied before the API sees a request; stats count
every ``/v2`` request.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable

from werkzeug.wrappers import Request, Response

from . import seed as seeding
from .api import Api
from .control import Control
from .faults import FaultInjector, Stats
from .http import ApiError, error_response, validation_response
from .quirks import Quirks
from .resources.validation import ValidationFailed
from .store import Store

ERROR_CODES_5XX = {
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
}


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
        quirks: Quirks | None = None,
    ):
        self.store = store
        self.faults = faults or FaultInjector()
        self.stats = stats or Stats()
        self.seed = seed
        self.state_file = state_file
        self.latency_ms = latency_ms
        self.quirks = quirks or Quirks()
        self.api = Api(store, self.persist, self.quirks)
        self.control = Control(self)

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
            # UNCONFIRMED: Billy documents no rate limit; code and text are guesses.
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
            return validation_response(exc, "validation-400" in self.quirks.active)
        except Exception as exc:  # the sandbox must answer like a server, not crash
            return error_response(500, "INTERNAL_ERROR", f"Sandbox error: {exc!r}")
