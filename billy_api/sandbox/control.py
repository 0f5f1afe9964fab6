"""``/_sandbox``: the control endpoint (no token) — reset, tokens, seed records, faults, stats,
quirks, and what happens in Billy outside the API (a user voids an invoice, a late fee is
added)."""

from __future__ import annotations

import time

from werkzeug.wrappers import Request, Response

from . import billing
from .bodies import changes_body
from .faults import FaultRuleError
from .http import ApiError, json_object, json_response
from .quirks import UnknownQuirk
from .resources.records import Changes
from .resources.specs import SEED_ORDER
from .resources.writer import Writer


class Control:
    """The control calls; ``app`` is the SandboxApp (store, faults, stats, tokens, persist)."""

    def __init__(self, app):
        self.app = app
        self.store = app.store

    def __call__(self, request: Request) -> Response:
        parts = [p for p in request.path.split("/")[2:] if p]
        method = request.method
        data = {}
        if method in ("POST", "PUT"):
            invalid = ApiError(400, "INVALID_REQUEST_BODY", "Body must be a JSON object.")
            data = json_object(request, invalid, empty="{}")
        app = self.app
        route = (method, tuple(parts[:1]))
        if route == ("GET", ()):
            return json_response(
                {"tokens": self._tokens(), "seed": app.seed, "faults": app.faults.rules()}
            )
        if route == ("POST", ("reset",)):
            app.reset()
            return json_response({"ok": True})
        if route == ("GET", ("tokens",)):
            return json_response({"tokens": self._tokens()})
        if route == ("POST", ("tokens",)):
            return self.add_token(data)
        if route == ("POST", ("seed",)):
            return self.load_seed(request, data)
        if parts == ["faults"]:
            return self.faults(method, data)
        if parts == ["quirks"] and method in ("GET", "POST"):
            return self.quirks(method, data)
        if parts == ["stats"] and method in ("GET", "DELETE"):
            if method == "DELETE":
                app.stats.reset()
            return json_response(app.stats.snapshot())
        if method == "POST" and len(parts) == 3 and parts[0] == "invoices":
            if parts[2] == "void":
                return self.on_invoice(request, parts[1], self._void)
            if parts[2] == "late-fee":
                return self.on_invoice(request, parts[1], self._late_fee(data))
        raise ApiError(404, "UNKNOWN_RESOURCE", f"Unknown control call {method} {request.path}.")

    def _tokens(self) -> dict:
        with self.store.lock:
            return dict(self.store.tokens)

    def add_token(self, data: dict) -> Response:
        token, name = data.get("token"), data.get("name") or "Billy Sandbox ApS"
        if not isinstance(token, str) or not token:
            raise ApiError(400, "INVALID_REQUEST_BODY", "`token` is required.")
        org_id = self.app.add_token(token, name)
        with self.store.lock:
            organization = dict(self.store.orgs[org_id].organization)
        return json_response({"organizationId": org_id, "organization": organization})

    def faults(self, method: str, data: dict) -> Response:
        injector = self.app.faults
        if method == "PUT":
            try:
                injector.set_rules(data.get("rules") or [], data.get("seed"))
            except FaultRuleError as exc:
                raise ApiError(400, "INVALID_FAULT_RULE", str(exc)) from exc
        elif method == "DELETE":
            injector.clear()
        elif method != "GET":
            raise ApiError(404, "UNKNOWN_RESOURCE", f"Unknown control call {method} /faults.")
        return json_response({"rules": injector.rules()})

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
                body = changes_body(request, primary, changes, started)
        finally:
            # Not atomic: records loaded before a failing one stay (and are saved).
            if changes.changed:
                self.app.persist()
        return json_response(body)

    def quirks(self, method: str, data: dict) -> Response:
        """GET: every quirk, and which are on; POST ``{"on": [...], "off": [...]}``."""
        if method == "POST":
            try:
                self.app.quirks.switch(data.get("on") or (), data.get("off") or ())
            except UnknownQuirk as exc:
                raise ApiError(400, "INVALID_QUIRK", str(exc)) from exc
        return json_response(self.app.quirks.describe())

    def on_invoice(self, request: Request, invoice_id: str, action) -> Response:
        """``action(writer, invoice)`` on the invoice of any organization; the changes."""
        started = time.perf_counter()
        quirks = self.app.quirks.active
        with self.store.lock:
            for org in self.store.orgs.values():
                invoice = org.tables["invoices"].get(invoice_id)
                if invoice is not None:
                    changes = Changes()
                    action(Writer(self.store, org, changes, quirks), invoice)
                    body = changes_body(request, "invoices", changes, started, quirks)
                    break
            else:
                raise ApiError(404, "RECORD_NOT_FOUND", f"No invoice with id `{invoice_id}`.")
        self.app.persist()
        return json_response(body)

    @staticmethod
    def _void(writer: Writer, invoice: dict) -> None:
        writer.void_invoice(invoice)

    @staticmethod
    def _late_fee(data: dict):
        amount = data.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount <= 0:
            raise ApiError(400, "INVALID_REQUEST_BODY", "`amount` must be a positive number.")

        def add(writer: Writer, invoice: dict) -> None:
            writer.add_late_fee(invoice, billing.dec(amount))

        return add
