"""New Billy drafts in bulk saves (bulk.py): an Odoo invoice created in Billy with its lines
embedded, as its single create sends them, a batch of invoices a request.

What a bulk answer does not confirm goes one request an invoice (`redo`):

* Billy kept the invoice but its answer lacks the lines (a Billy that drops embedded children
  in a bulk save): the draft is known from the answer, and is updated with its lines;
* Billy named it invalid: it is sent alone, and that answer is Billy's word on it;
* the answer was lost (or the batch refused for another record): it may have been saved, so it
  is looked for first among Billy's invoices read afresh, by its externalId, else by its
  identity (invoice_twins.py); found, it is linked (or its draft updated); else it is created.

Invoices to approve at once stay one request each (create, then approve).
"""

from billy_api import children

from .invoice_money import INVOICE_INCLUDE
from .invoice_twins import Twins
from .vocabulary import INVOICE


class InvoiceKind:
    """What bulk.py asks of a kind, for invoices."""

    billy_resource = "invoices"
    single_when_alone = True  # a batch of one goes as the single create it is

    @staticmethod
    def created(billy_record, changed):
        """The written invoice with the lines the answer carries for it."""
        if billy_record.get("lines"):
            return billy_record
        own = children(changed, "invoiceLines", "invoiceId", billy_record.get("id"))
        return dict(billy_record, lines=own)


class InvoiceBulk:
    """The bulk creates of one InvoiceSync, and their single requests when not confirmed."""

    def __init__(self, invoices):
        self.invoices = invoices  # InvoiceSync: its push(), payloads and run
        self.run = invoices.run
        self.kind = InvoiceKind()
        self._fresh = None  # (externalId → invoice, Twins) of Billy read again, for one pass

    def takes(self, known, link):
        """Whether this push goes in a bulk save: a new draft, not one to approve."""
        run = self.run
        return (
            not known
            and not link.billy_id
            and run.company.billy_invoice_state != "approved"
            and run.bulk.takes(self.kind)
        )

    def add(self, move, link, payload, on_answer):
        self.run.bulk.add_create(self.kind, INVOICE, move, link, payload, on_answer, self.redo)

    def forget(self):
        """A new pass (invoices, then credit notes): Billy is read again when needed."""
        self._fresh = None

    def redo(self, item, rematch):
        """One invoice a request, in its own savepoint (bulk.py)."""
        move = item.record
        if item.answer is not None:
            known = item.answer  # saved without its lines: the draft gets them
        elif rematch:
            known = self._find_again(move, item.body)
        else:
            known = None
        self.invoices.push(move, known)

    def _find_again(self, move, payload):
        if self._fresh is None:
            self._fresh = self._read_billy()
        by_external_id, twins = self._fresh
        known = by_external_id.pop(payload.get("externalId"), None)
        return known or twins.take(payload, move.amount_total)

    def _read_billy(self):
        """Billy's invoices that no link holds: by externalId, and by identity."""
        linked = {
            link.billy_id for link in self.run.links.fetch("account.move", billy_id=("!=", False))
        }
        prefix = self.invoices.payloads.external_prefix()
        by_external_id, twins = {}, Twins()
        for page in self.run.ctx.client.iter_pages("invoices", include=INVOICE_INCLUDE):
            for invoice in page.records:
                if invoice["id"] in linked:
                    continue
                if (invoice.get("externalId") or "").startswith(prefix):
                    by_external_id[invoice["externalId"]] = invoice
                else:
                    twins.add(invoice)
        return by_external_id, twins
