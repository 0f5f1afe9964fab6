"""Running one probe step: a failing step becomes an ERROR check, the run goes on."""

from billy_api import BillyError

from .report import ERROR, OK, QUIRK, Check
from .session import ProbeStepError


def attempt(report, name, fact, step):
    """Run ``step(check)`` for a new check; Billy errors and unusable answers become ERROR."""
    check = report.add(Check(name=name, fact=fact))
    try:
        step(check)
    except (BillyError, ProbeStepError) as exc:
        check.status = ERROR
        check.outcome = f"could not check: {exc}"
        check.quirk = None
    return check


def verdict(check, shows_quirk, quirk, outcome):
    """Set ``check`` to QUIRK (naming ``quirk``) or OK, with ``outcome``."""
    check.status = QUIRK if shows_quirk else OK
    check.quirk = quirk if shows_quirk else None
    check.outcome = outcome


def described(error):
    """``HTTP 422 (errorCode)`` for a Billy error."""
    code = f" {error.error_code}" if error.error_code else ""
    return f"HTTP {error.status}{code}"
