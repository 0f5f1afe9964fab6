"""One probe run: read the organization, make the probe records, check, and clean up."""

from billy_api import BillyClient, BillyError

from .bookings import probe_bookings, skip_bookings
from .contacts import probe_contacts
from .invoices import make_product, probe_invoices
from .report import ERROR, Check, ProbeReport
from .session import ProbeSession, ProbeStepError
from .steps import attempt, verdict


def run_probe(client, allow_bookings=False, today=None):
    """Probe the organization of ``client`` (a :class:`billy_api.BillyClient`).

    Authentication and connection errors on the first read propagate (nothing was made yet);
    after that every failure is reported as a check, and what the probe made is removed (or
    archived) even when a step fails.
    """
    report = ProbeReport(base_url=client.base_url)
    organization = client.get_organization()
    report.organization_id = organization.get("id")
    session = ProbeSession(client, organization, today=today)
    try:
        _probe(session, report, allow_bookings)
    except (BillyError, ProbeStepError) as exc:
        # A record every later step needs could not be made: stop, report, clean up.
        stopped = Check(name="stopped", fact="the probe ran to the end?", status=ERROR)
        stopped.outcome = f"stopped early: {exc}"
        report.add(stopped)
    finally:
        session.cleanup(report)
    return report


def probe_url(token, base_url, allow_bookings=False, **client_options):
    """:func:`run_probe` with a client of its own for ``token`` at ``base_url``."""
    with BillyClient(token, base_url=base_url, **client_options) as client:
        return run_probe(client, allow_bookings=allow_bookings)


def _probe(session, report, allow_bookings):
    contact_ids = probe_contacts(session, report)
    product_id = make_product(session)
    probe_invoices(session, report, contact_ids[0], product_id)
    if allow_bookings:
        probe_bookings(session, report, contact_ids[0], product_id)
    else:
        skip_bookings(report)
    attempt(
        report,
        "write-answer-root",
        "write answers: plural arrays or a singular root?",
        lambda check: _answer_roots(session, check),
    )


def _answer_roots(session, check):
    singular = sorted({call for call, shape in session.write_shapes if shape == "singular"})
    plural = sorted({call for call, shape in session.write_shapes if shape == "plural"})
    outcome = f"plural: {', '.join(plural) or '-'}; singular: {', '.join(singular) or '-'}"
    verdict(check, bool(singular), "singular-root", outcome)
