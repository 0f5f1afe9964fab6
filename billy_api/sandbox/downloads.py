"""Invoice PDFs: ``downloadUrl`` as answered, and the download itself.

Stored invoices keep a stable path; with the quirk ``rotating-download-url`` (on by default,
fact F3 of the contract: two captures of one invoice show two URLs) each answer gets a fresh
signed token in its place, and every token handed out keeps serving the PDF.
"""

from __future__ import annotations

import hashlib
import secrets

from werkzeug.wrappers import Response

from billy_api.resources import INVOICE_TYPE_CREDIT_NOTE

from .http import ApiError
from .pdf import make_pdf
from .resources.totals import download_digest

_NONCE_CHARS = 10  # 10 hex characters of nonce + 40 of signature: 50, as Billy's URLs have


def _signed(invoice_id: str, org_id: str, nonce: str) -> str:
    signature = hashlib.sha1(f"{invoice_id}:{org_id}:{nonce}".encode()).hexdigest()
    return nonce + signature


def rotated(path: str) -> str:
    """The stored download path with a fresh token instead of its stable digest."""
    parts = path.split("/")
    # ["", "v2", "downloads", "invoices", <invoiceId>, <organizationId>, <digest>, <file>]
    if len(parts) != 8:
        return path
    parts[6] = _signed(parts[4], parts[5], secrets.token_hex(_NONCE_CHARS // 2))
    return "/".join(parts)


def _valid(digest: str, invoice_id: str, org_id: str) -> bool:
    if digest == download_digest(invoice_id, org_id):
        return True
    nonce = digest[:_NONCE_CHARS]
    return len(digest) == _NONCE_CHARS + 40 and digest == _signed(invoice_id, org_id, nonce)


def download(store, segments: list[str]) -> Response:
    """``/v2/downloads/invoices/<invoiceId>/<organizationId>/<token>/<file>.pdf``"""
    if len(segments) != 6 or segments[1] != "invoices" or not segments[5].endswith(".pdf"):
        raise ApiError(404, "UNKNOWN_RESOURCE", "Unknown download.")
    _, _, invoice_id, org_id, digest, _filename = segments
    with store.lock:
        org = store.orgs.get(org_id)
        invoice = org.tables["invoices"].get(invoice_id) if org else None
        if invoice is None or not _valid(digest, invoice_id, org_id):
            raise ApiError(404, "RECORD_NOT_FOUND", "No such file.")
        contact = org.tables["contacts"].get(invoice["contactId"]) or {}
        title = "Kreditnota" if invoice["type"] == INVOICE_TYPE_CREDIT_NOTE else "Faktura"
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
