"""``SandboxServer``: the sandbox on a real port, in a background thread.

::

    with SandboxServer(tokens={"tok": "Nordisk Demo ApS"}, port=0) as sandbox:
        sandbox.url          # http://127.0.0.1:<port>/v2
"""

from __future__ import annotations

import json
import threading
import urllib.request

from werkzeug.serving import WSGIRequestHandler, make_server

from . import seed as seeding
from .app import SandboxApp
from .faults import FaultInjector, Stats
from .quirks import Quirks
from .store import Store

DEFAULT_TOKENS = {"sandbox-token": "Billy Sandbox ApS"}


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request (errors are still logged)."""

    def log_request(self, code="-", size="-") -> None:
        pass


class SandboxServer:
    def __init__(
        self,
        tokens: dict[str, str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: str = "danish",
        state_file: str | None = None,
        latency_ms: int = 0,
        quirks=(),
        without_quirks=(),
    ):
        """``quirks`` are switched on besides the default ones (``quirks.DEFAULT_QUIRKS``),
        ``without_quirks`` off; see ``quirks.QUIRKS``."""
        if seed not in seeding.SEEDS:
            raise ValueError(f"unknown seed {seed!r} (one of {', '.join(seeding.SEEDS)})")
        self.host = host
        self.port = port
        self.store = Store()
        self.faults = FaultInjector()
        self.stats_counter = Stats()
        self.app = SandboxApp(
            self.store,
            self.faults,
            self.stats_counter,
            seed=seed,
            state_file=state_file,
            latency_ms=latency_ms,
            quirks=Quirks(quirks, without_quirks),
        )
        if state_file:
            self.store.load(state_file)
        # Reference data is the sandbox's own, fixed: a state file of an older sandbox gets
        # what it lacks (cities).
        seeding.seed_reference(self.store)
        for token, name in (tokens if tokens is not None else DEFAULT_TOKENS).items():
            self.app.add_token(token, name)
        self._server = None
        self._thread: threading.Thread | None = None

    # -- life cycle -----------------------------------------------------------------------------
    def start(self) -> SandboxServer:
        if self._server is not None:
            return self
        self._server = make_server(
            self.host, self.port, self.app, threaded=True, request_handler=_QuietHandler
        )
        self._server.daemon_threads = True
        self.port = self._server.server_port
        server = self._server
        self._thread = threading.Thread(
            target=lambda: server.serve_forever(poll_interval=0.05),
            name="billy-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def serve_forever(self) -> None:
        """Run in the calling thread (the CLI)."""
        self.start()
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(timeout=0.5)
        finally:
            self.stop()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- addresses ------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host = self.host if self.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base_url}/v2"

    @property
    def control_url(self) -> str:
        return f"{self.base_url}/_sandbox"

    # -- control --------------------------------------------------------------------------------
    def set_faults(self, rules, seed: int | None = None) -> None:
        if isinstance(rules, dict):
            rules = [rules]
        self.faults.set_rules(rules, seed)

    def clear_faults(self) -> None:
        self.faults.clear()

    def stats(self) -> dict:
        return self.stats_counter.snapshot()

    def reset_stats(self) -> None:
        self.stats_counter.reset()

    def reset(self) -> None:
        self.app.reset()

    def add_token(self, token: str, org_name: str) -> str:
        return self.app.add_token(token, org_name)

    def org_id(self, token: str) -> str:
        return self.store.org_id(token)

    def set_quirks(self, on=(), off=()) -> frozenset:
        """Switch quirks on and off while the sandbox runs; the quirks now on."""
        return self.app.quirks.switch(on, off)

    @property
    def quirks(self) -> frozenset:
        return self.app.quirks.active

    def _control(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(
            f"{self.control_url}{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def void_invoice(self, invoice_id: str) -> dict:
        """What a Billy user voiding an approved invoice does (``POST .../void``)."""
        return self._control(f"/invoices/{invoice_id}/void", {})

    def add_late_fee(self, invoice_id: str, amount) -> dict:
        """A late fee on an approved invoice (``POST .../late-fee``): its balance rises."""
        return self._control(f"/invoices/{invoice_id}/late-fee", {"amount": amount})
