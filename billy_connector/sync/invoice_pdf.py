"""Billy's PDF of an invoice, kept on the Odoo invoice as an attachment.

Billy's downloadUrl changes on every read and may expire (fact F3 of
docs/billy_api_contract.md), so no URL is stored: the PDF is fetched with a fresh one when it is
first needed, and again once Billy's invoice changed (its status fingerprint moved on), never in
a bulk run.
"""

from odoo.exceptions import UserError

from billy_api import BillyError
from billy_api.download import download

from .fingerprint import fingerprint
from .invoice_money import INVOICE_INCLUDE
from .invoice_status import status_of
from .links import link_domain


def invoice_pdf(move, fetch=True):
    """The ir.attachment holding Billy's current PDF of ``move`` (a linked invoice). Without
    `fetch` (a read-only request, such as the chatter's), only the one kept, if any."""
    env = move.env
    link = env["billy.link"].sudo().search(link_domain(None, move._name, res_id=move.id), limit=1)
    if not link.billy_id:
        raise UserError(env._("%s is not in Billy yet: sync it first.", move.display_name))
    fresh = link.billy_pdf_fingerprint == link.billy_fingerprint
    if (link.billy_pdf_id and fresh) or not fetch:
        return link.billy_pdf_id
    company = link.company_id
    try:
        client = company._billy_client()
        invoice = client.get("invoices", link.billy_id, include=INVOICE_INCLUDE)
        content = download(client, invoice.get("downloadUrl"))
    except BillyError as error:
        raise UserError(env._("Billy's PDF could not be fetched: %s", error.user_message)) from None
    number = invoice.get("invoiceNo") or move.name
    attachment = (
        env["ir.attachment"]
        .sudo()
        .create(
            {
                "name": f"Billy {number}.pdf",
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": move._name,
                "res_id": move.id,
                "company_id": company.id,
            }
        )
    )
    stale = link.billy_pdf_id
    link.write(
        {
            "billy_pdf_id": attachment.id,
            # the PDF shows the invoice as Billy has it now; the next sync may store the same
            "billy_pdf_fingerprint": fingerprint(status_of(invoice)),
        }
    )
    stale.unlink()
    return attachment
