"""Fault injection and request statistics.

A rule (docs/billy_api_contract.md)::

    {"kind": "latency"|"error"|"rate_limit"|"lost_response"|"malformed",
     "rate": 0..1 or "count": N, "method": "POST"?, "path": "regex"?,
     "ms": N, "status": 503, "retry_after": 1}

``rate`` is the share of matching requests hit (drawn from a seeded random), ``count`` hits the
next N matching requests (with both, at most N at that rate; with neither, every match). Rules
are checked in order for each ``/v2`` request: every matching latency rule adds its delay, the
first matching error / rate_limit / lost_response rule decides the outcome.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field

KINDS = ("latency", "error", "rate_limit", "lost_response", "malformed")


class FaultRuleError(ValueError):
    pass


@dataclass
class Rule:
    kind: str
    rate: float | None = None
    count: int | None = None
    method: str | None = None
    path: re.Pattern | None = None
    ms: int = 0
    status: int = 503
    retry_after: float | None = 1
    spec: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict) -> Rule:
        if not isinstance(data, dict):
            raise FaultRuleError("a fault rule must be an object")
        kind = data.get("kind")
        if kind not in KINDS:
            raise FaultRuleError(f"unknown fault kind {kind!r} (one of {', '.join(KINDS)})")
        try:
            rate = None if data.get("rate") is None else float(data["rate"])
            count = None if data.get("count") is None else int(data["count"])
            path = re.compile(data["path"]) if data.get("path") else None
            ms = int(data.get("ms") or 0)
            status = int(data.get("status") or (429 if kind == "rate_limit" else 503))
        except (TypeError, ValueError, re.error) as exc:
            raise FaultRuleError(f"invalid fault rule {data!r}: {exc}") from exc
        if rate is not None and not 0 <= rate <= 1:
            raise FaultRuleError("rate must be between 0 and 1")
        method = data.get("method")
        return cls(
            kind=kind,
            rate=rate,
            count=count,
            method=method.upper() if isinstance(method, str) and method else None,
            path=path,
            ms=ms,
            status=status,
            retry_after=data.get("retry_after", 1),
            spec=dict(data),
        )


@dataclass
class Decision:
    latency_ms: int = 0
    fault: Rule | None = None  # error, rate_limit or lost_response


class FaultInjector:
    def __init__(self, seed: int | None = None):
        self._lock = threading.Lock()
        self._rules: list[Rule] = []
        self._random = random.Random(seed)

    def set_rules(self, rules, seed: int | None = None) -> None:
        parsed = [Rule.from_dict(r) for r in (rules or [])]
        with self._lock:
            self._rules = parsed
            if seed is not None:
                self._random = random.Random(seed)

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def rules(self) -> list[dict]:
        with self._lock:
            return [
                {**r.spec, **({"count": r.count} if r.count is not None else {})}
                for r in self._rules
            ]

    def decide(self, method: str, path: str) -> Decision:
        decision = Decision()
        with self._lock:
            for rule in self._rules:
                if rule.count is not None and rule.count <= 0:
                    continue
                if rule.method and rule.method != method:
                    continue
                if rule.path and not rule.path.search(path):
                    continue
                if rule.kind != "latency" and decision.fault is not None:
                    continue
                if rule.rate is not None and self._random.random() >= rule.rate:
                    continue
                if rule.count is not None:
                    rule.count -= 1
                if rule.kind == "latency":
                    decision.latency_ms += rule.ms
                else:
                    decision.fault = rule
        return decision


_ID_SEGMENT = re.compile(r"^[A-Za-z0-9_-]{16,}$")


def path_template(path: str) -> str:
    """``/v2/contacts/Ab3…`` → ``/v2/contacts/:id`` (every segment after the resource)."""
    parts = path.rstrip("/").split("/")
    if len(parts) >= 3 and parts[1] == "v2":
        head = parts[:3]
        tail = [":id" if (_ID_SEGMENT.match(p) or i == 0) else p for i, p in enumerate(parts[3:])]
        if parts[2] == "downloads":
            return "/v2/downloads/" + "/".join(parts[3:4] + [":id"] * min(1, len(parts) - 4))
        return "/".join(head + tail)
    return path


class Stats:
    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.total = 0
            self.requests: dict[str, int] = {}
            self.faults: dict[str, int] = dict.fromkeys(KINDS, 0)

    def count_request(self, method: str, path: str) -> None:
        key = f"{method} {path_template(path)}"
        with self._lock:
            self.total += 1
            self.requests[key] = self.requests.get(key, 0) + 1

    def count_fault(self, kind: str) -> None:
        with self._lock:
            self.faults[kind] = self.faults.get(kind, 0) + 1

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "total": self.total,
                "requests": dict(self.requests),
                "faults": dict(self.faults),
            }
