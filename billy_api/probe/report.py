"""What the probe found: one :class:`Check` per fact or quirk, and what it made and cleaned up."""

import json
from dataclasses import asdict, dataclass, field

# The quirks the probe can name, in the order it reports them (docs/billy_api_contract.md,
# "Readings no source settles").
QUIRKS = (
    "singular-root",
    "external-id-dropped",
    "q-ignored",
    "lines-frozen",
    "rotating-download-url",
    "no-bulk",
    "validation-400",
)

OK = "ok"  # Billy did what the docs say
QUIRK = "quirk"  # Billy showed the quirk named in Check.quirk
INFO = "info"  # a fact read from Billy, nothing to compare
SKIPPED = "skipped"  # not run (needs --allow-bookings, or an earlier step failed)
ERROR = "error"  # the check could not be made (the detail says why)


@dataclass
class Check:
    """One fact or quirk and what this Billy did about it."""

    name: str  # short key, e.g. "validation-status"
    fact: str  # the question, e.g. "validation errors: 422 or 400 INVALID_RECORD?"
    status: str = INFO
    outcome: str = ""  # what this Billy did, one line
    quirk: str | None = None  # the quirk shown, when status is QUIRK


@dataclass
class ProbeReport:
    """Everything one probe run learnt."""

    base_url: str
    organization_id: str | None = None
    checks: list = field(default_factory=list)
    cleanup: list = field(default_factory=list)  # one line per record the probe made
    left_in_billy: list = field(default_factory=list)  # records that could not be removed

    def add(self, check):
        self.checks.append(check)
        return check

    @property
    def quirks(self):
        shown = {check.quirk for check in self.checks if check.status == QUIRK}
        return [name for name in QUIRKS if name in shown]

    def as_dict(self):
        return {
            "baseUrl": self.base_url,
            "organizationId": self.organization_id,
            "quirks": self.quirks,
            "checks": [asdict(check) for check in self.checks],
            "cleanup": list(self.cleanup),
            "leftInBilly": list(self.left_in_billy),
        }

    def to_json(self):
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)

    def format_table(self):
        rows = [(check.fact, check.status, check.outcome) for check in self.checks]
        width = max([len("fact")] + [len(fact) for fact, _, _ in rows])
        lines = [f"Billy probe of {self.base_url} (organization {self.organization_id})", ""]
        lines.append(f"{'fact'.ljust(width)}  {'status'.ljust(7)}  what this Billy did")
        lines.append(f"{'-' * width}  {'-' * 7}  {'-' * 19}")
        lines += [
            f"{fact.ljust(width)}  {status.ljust(7)}  {outcome}" for fact, status, outcome in rows
        ]
        lines += ["", "quirks: " + (", ".join(self.quirks) or "none")]
        if self.cleanup:
            lines += ["", "cleanup:"] + [f"  {line}" for line in self.cleanup]
        if self.left_in_billy:
            lines += ["", "left in Billy (remove by hand if you wish):"]
            lines += [f"  {line}" for line in self.left_in_billy]
        return "\n".join(lines)
