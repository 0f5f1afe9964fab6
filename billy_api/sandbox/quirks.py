"""Quirks: plausible behaviours of the real Billy that no public source settles, each switchable
per run (``SandboxServer(quirks=...)``, ``--quirk``) and at runtime (``/_sandbox/quirks``), so the
connector can be tested under each. ``README.md`` says why each one is plausible.
"""

from __future__ import annotations

import threading

QUIRKS = {
    "singular-root": 'POST and PUT answer {"<singular>": {...}}: the written record only, '
    "without child records or other changed records.",
    "external-id-dropped": "externalId is accepted on write but not stored, so it reads back "
    "null and the externalId filter finds nothing.",
    "q-ignored": "the q filter on contacts and products is ignored: every record comes back.",
    "lines-frozen": "lines may not be sent when updating an invoice that exists (a validation "
    "error); lines change through /v2/invoiceLines only.",
    "rotating-download-url": "every read of an invoice gives another downloadUrl (each one "
    "serves the PDF).",
    "no-bulk": "bulk save (PATCH /v2/<plural>) is refused with 405.",
    "validation-400": "validation errors answer 400 INVALID_RECORD instead of 422.",
}

DEFAULT_QUIRKS = frozenset({"rotating-download-url"})


class UnknownQuirk(ValueError):
    pass


def check(names) -> frozenset:
    """``names`` as a set, every one a known quirk (else UnknownQuirk)."""
    if isinstance(names, str) or not all(isinstance(name, str) for name in names):
        raise UnknownQuirk("quirks must be a list of names")
    unknown = sorted(set(names) - set(QUIRKS))
    if unknown:
        raise UnknownQuirk(
            f"unknown quirk {', '.join(unknown)} (one of {', '.join(sorted(QUIRKS))})"
        )
    return frozenset(names)


class Quirks:
    """The quirks switched on; thread-safe. ``active`` is a frozen snapshot for one request."""

    def __init__(self, on=(), off=()):
        self._lock = threading.Lock()
        self._on = (DEFAULT_QUIRKS | check(on)) - check(off)

    @property
    def active(self) -> frozenset:
        with self._lock:
            return self._on

    def switch(self, on=(), off=()) -> frozenset:
        on, off = check(on), check(off)
        with self._lock:
            self._on = (self._on | on) - off
            return self._on

    def describe(self) -> dict:
        active = self.active
        return {
            "on": sorted(active),
            "quirks": {
                name: {"on": name in active, "default": name in DEFAULT_QUIRKS, "about": about}
                for name, about in QUIRKS.items()
            },
        }
