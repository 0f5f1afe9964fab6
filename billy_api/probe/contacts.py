"""Probe steps on contacts: validation errors, write answers, q, bulk save, PUT id, DELETE."""

from billy_api import BillyError, BillyValidationError

from .report import INFO, OK
from .session import record_in
from .steps import attempt, described, verdict


def probe_contacts(session, report):
    """Make two probe contacts and run the contact checks; returns their ids (may be empty)."""
    attempt(
        report,
        "validation-status",
        "validation error: 422 or 400 INVALID_RECORD?",
        lambda check: _validation(session, check),
    )
    ids = []
    for suffix in ("a", "b"):
        name = f"{session.prefix}-{suffix}"
        record, _ = session.create(
            "contacts", {"name": name, "countryId": "DK", "isCustomer": True}, f"contact {name}"
        )
        ids.append(record["id"])
    attempt(
        report,
        "q-filter",
        "GET /contacts?q= filters (or returns everything)?",
        lambda check: _q_filter(session, check),
    )
    attempt(
        report,
        "bulk-save",
        "bulk save PATCH /contacts {contacts: [...]} works?",
        lambda check: _bulk_save(session, check, ids),
    )
    attempt(
        report,
        "put-id-mismatch",
        "PUT with a body id other than the URL's is refused?",
        lambda check: _put_id_mismatch(session, check, ids),
    )
    attempt(
        report,
        "delete-missing",
        "DELETE of a missing id answers 200?",
        lambda check: _delete_missing(session, check),
    )
    attempt(
        report,
        "contact-persons-unfiltered",
        "GET /contactPersons without contactId?",
        lambda check: _contact_persons(session, check),
    )
    attempt(
        report,
        "city-id",
        "Danish contacts with cityId and an empty cityText?",
        lambda check: _city_id(session, check),
    )
    return ids


def _validation(session, check):
    body = {"contact": {"organizationId": session.org_id, "countryId": "DK"}}  # no name
    try:
        answer = session.client.request("POST", "/contacts", body=body)
    except BillyValidationError as exc:
        fields = ", ".join(sorted(_error_fields(exc.validation_errors))) or "no field named"
        verdict(
            check,
            exc.status == 400,
            "validation-400",
            f"{described(exc)}; validationErrors: {fields}",
        )
        return
    except BillyError as exc:
        check.status = INFO
        check.outcome = f"refused, but not as a validation error: {described(exc)}"
        return
    record = record_in(answer, "contacts")
    if record and record.get("id"):
        session.created.append(("contacts", record["id"], "contact without a name"))
    check.status = INFO
    check.outcome = "a contact without a name was accepted (no validation error to see)"


def _error_fields(errors):
    for value in errors.values():
        if isinstance(value, dict):
            yield from (value.get("attributes") or {})


def _q_filter(session, check):
    wanted = f"{session.prefix}-a"
    page = session.first_page("contacts", {"q": wanted})
    names = [str(record.get("name") or "") for record in page.records]
    others = [name for name in names if wanted.lower() not in name.lower()]
    found = len(names) - len(others)
    verdict(
        check,
        bool(others),
        "q-ignored",
        f"q={wanted!r} gave {len(names)} contact(s) on page 1 (total {page.total}), "
        f"{found} matching, {len(others)} not",
    )


def _bulk_save(session, check, ids):
    renamed = {
        record_id: f"{session.prefix}-{suffix}-bulk"
        for record_id, suffix in zip(ids, ("a", "b"), strict=True)
    }
    body = {"contacts": [{"id": record_id, "name": name} for record_id, name in renamed.items()]}
    try:
        answer = session.client.request("PATCH", "/contacts", body=body)
    except BillyError as exc:
        verdict(check, True, "no-bulk", f"PATCH refused: {described(exc)}")
        return
    stored = {record_id: session.get("contacts", record_id).get("name") for record_id in ids}
    done = [record_id for record_id in ids if stored[record_id] == renamed[record_id]]
    roots = ", ".join(sorted(key for key in answer if key != "meta")) or "nothing"
    verdict(
        check,
        len(done) != len(ids),
        "no-bulk",
        f"PATCH answered with {roots}; {len(done)} of {len(ids)} records changed",
    )


def _put_id_mismatch(session, check, ids):
    first, second = ids
    body = {"contact": {"id": second, "name": f"{session.prefix}-a-mismatch"}}
    try:
        session.client.request("PUT", f"/contacts/{first}", body=body)
    except BillyError as exc:
        check.status = OK
        check.outcome = f"refused: {described(exc)}"
        return
    check.status = INFO
    names = {record_id: session.get("contacts", record_id).get("name") for record_id in ids}
    changed = [record_id for record_id in ids if str(names[record_id]).endswith("-a-mismatch")]
    check.outcome = f"accepted; renamed: {', '.join(changed) or 'nothing'}"


def _delete_missing(session, check):
    missing = f"{session.prefix}-missing"
    try:
        session.client.request("DELETE", f"/contacts/{missing}")
    except BillyError as exc:
        check.status = INFO
        check.outcome = f"refused: {described(exc)}"
        return
    check.status = OK
    check.outcome = "200"


def _contact_persons(session, check):
    check.status = INFO
    try:
        page = session.first_page("contactPersons", {}, page_size=5)
    except BillyError as exc:
        check.outcome = f"refused: {described(exc)}"
        return
    check.outcome = f"answered: {page.total} contact person(s) in the organization"


def _city_id(session, check):
    page = session.first_page("contacts", {"countryId": "DK"}, page_size=1000)
    with_city = [r for r in page.records if r.get("cityId")]
    empty_text = [r for r in with_city if not r.get("cityText")]
    check.status = INFO
    check.outcome = (
        f"{len(page.records)} Danish contact(s) read, {len(with_city)} with cityId, "
        f"{len(empty_text)} of them with an empty cityText"
    )
