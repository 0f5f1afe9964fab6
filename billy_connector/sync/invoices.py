"""Customer invoices and credit notes.

Invoices are accounting documents: Odoo pushes a posted invoice once (found again by its
`externalId` after a retry or a lost answer), Billy's status (number, state, paid, balance,
PDF) flows back on every run, and an invoice approved in Billy is never changed again.
Billy invoices that Odoo lacks are created in Odoo. The payload is built by invoice_payload,
the status kept by invoice_status, Billy's invoices pulled by invoice_pull.
"""

from billy_api import BillyValidationError

from .errors import RecordFailure
from .fingerprint import fingerprint
from .invoice_bulk import InvoiceBulk
from .invoice_money import INVOICE_INCLUDE
from .invoice_payload import MOVE_TYPES, PAYLOAD_LINE_FIELDS, InvoicePayload
from .invoice_pull import InvoicePull
from .invoice_status import InvoiceStatus, status_of
from .invoice_twins import Twins
from .messages import Message
from .vocabulary import BILLY_TO_ODOO, INVOICE, ODOO_TO_BILLY, SYNCED, TO_BILLY
from .walk import page_pairs

# a Billy invoice's mutable fields: what a push may change on a Billy draft
UPDATABLE = (
    "attContactPersonId",
    "taxMode",
    "paymentTermsMode",
    "paymentTermsDays",
    "exchangeRate",
    "lines",
)


class InvoiceSync:
    """The invoices of a run, through the run's journal, links and guard."""

    def __init__(self, run):
        self.run = run
        self.env = run.env
        self.company = run.company
        self.payloads = InvoicePayload(run, self.sync_move)
        self.status = InvoiceStatus(run)
        self.pulls = InvoicePull(run, self.payloads, self.status)
        self.bulk = InvoiceBulk(self)

    # --- bulk -----------------------------------------------------------------------------

    def sync_all(self):
        run = self.run
        links = run.links.fetch("account.move")
        link_ids = {link.billy_id: link.id for link in links if link.billy_id}
        res_ids = {link.id: link.res_id for link in links}
        linked_move_ids = {link.res_id for link in links if link.billy_id}
        moves = self.env["account.move"]
        existing = set(moves.browse(list(res_ids.values())).exists().ids)
        prefix = self.payloads.external_prefix()
        by_external_id, unlinked, twins = {}, [], Twins()
        for page in run.ctx.client.iter_pages("invoices", include=INVOICE_INCLUDE):
            run.batch_start()
            pairs = []
            for invoice in page.records:
                if invoice["id"] in link_ids:
                    pairs.append((link_ids[invoice["id"]], invoice))
                elif (invoice.get("externalId") or "").startswith(prefix):
                    by_external_id[invoice["externalId"]] = invoice
                else:
                    unlinked.append(invoice["id"])
                    twins.add(invoice)
            for link, move, invoice in page_pairs(self.env, moves, pairs, res_ids, existing):
                self._sync_linked(move, link, invoice)
        if run.direction != BILLY_TO_ODOO:
            self._push_unlinked(linked_move_ids, by_external_id, twins)
        if run.direction != ODOO_TO_BILLY:
            for billy_id in unlinked:
                if not twins.taken(billy_id):
                    run.guard.guarded(None, INVOICE, lambda b=billy_id: self.pulls.pull(b))

    def _sync_linked(self, move, link, invoice):
        if move and self._unchanged(move, link, invoice):
            self.run.journal.count("unchanged")
            self.run.step()
        elif move:
            self.run.guard.guarded(
                move, INVOICE, lambda m=move, i=invoice, k=link: self._linked(m, k, i), link
            )

    def _push_unlinked(self, linked_ids, by_external_id, twins):
        run = self.run
        domain = [
            ("company_id", "=", self.company.id),
            ("move_type", "in", list(MOVE_TYPES)),
            ("state", "=", "posted"),
        ]
        moves = self.env["account.move"].search_fetch(domain, ["state", "move_type"])
        to_push = moves.filtered(lambda m: m.id not in linked_ids and m.state == "posted")
        # invoices first: a credit note needs the Billy id of the invoice it credits
        by_type = [to_push.filtered(lambda m, t=t: m.move_type == t) for t in MOVE_TYPES]
        run.links.ensure(to_push)
        for of_type in by_type:
            self.bulk.forget()
            # new drafts go in bulk saves (invoice_bulk.py), all answered before credit notes
            with run.bulk.batching():
                for batch in run.batches(of_type):
                    self._warm_links(batch)
                    for move in batch:
                        known = by_external_id.pop(self.payloads.external_id(move), None)
                        run.guard.guarded(
                            move, INVOICE, lambda m=move, b=known: self.push(m, b, twins.take)
                        )
            run.guard.dispatcher.drain()

    def _warm_links(self, moves):
        """What a batch's payloads read, at once: the invoices' lines with their taxes and
        products (a line's recordset, filtered, would read them one invoice at a time), and
        the links of the invoices, their contacts and their products."""
        links = self.run.links
        lines = moves.invoice_line_ids
        lines.fetch(PAYLOAD_LINE_FIELDS)
        templates = lines.product_id.product_tmpl_id
        templates.fetch(["taxes_id", "name", "default_code"])
        partners = moves.partner_id
        links.warm(moves)
        links.warm(partners | partners.commercial_partner_id)
        links.warm(templates)

    def _odoo_unchanged(self, move, link):
        """Not written since its last sync (a posted invoice rarely is): no payload to build."""
        return (
            link.state == SYNCED
            and link.last_sync
            and move.write_date
            and move.write_date <= link.last_sync
        )

    def _unchanged(self, move, link, invoice):
        """Nothing to do on either side; decided without a savepoint or a payload."""
        return (
            self._odoo_unchanged(move, link)
            and link.billy_figures_known  # a link older than the field: read them once
            and link.billy_fingerprint == fingerprint(status_of(invoice))
            and not self.status.missing_payment(move, invoice)
        )

    def _linked(self, move, link, invoice):
        """A linked pair: push Odoo's changes to a Billy draft, else refresh Billy's status."""
        if (
            move.state == "posted"
            and self.run.direction != BILLY_TO_ODOO
            and not self._odoo_unchanged(move, link)
            and link.odoo_fingerprint != fingerprint(self.payloads.payload(move))
        ):
            self.push(move, invoice)
            return
        self.status.refresh(move, link, invoice)
        self.run.journal.count("unchanged")

    # --- one invoice (the button, or a credit note's invoice) -----------------------------

    def sync_move(self, move):
        run = self.run
        link = run.links.of(move, INVOICE)
        if link.billy_id:
            invoice = run.ctx.client.get("invoices", link.billy_id, include=INVOICE_INCLUDE)
            self._linked(move, link, invoice)
            run.journal.outcome(move, self.env._("Billy status refreshed"))
        elif move.state != "posted":
            raise RecordFailure(Message(self.env, "not_posted"))
        elif run.direction == BILLY_TO_ODOO:
            raise RecordFailure(Message(self.env, "pull_only"))
        else:
            self.push(move, self._find_by_external_id(move), self._twin_in_billy)

    def _twin_in_billy(self, payload, gross_amount):
        """The unlinked Billy invoice of the payload's contact with its identity, if any."""
        twins = Twins()
        params = {"contactId": payload["contactId"]}
        for invoice in self.run.ctx.client.list("invoices", params=params, include=INVOICE_INCLUDE):
            if not self.run.links.is_linked("account.move", invoice["id"]):
                twins.add(invoice)
        return twins.take(payload, gross_amount)

    def register_payments(self, move):
        """Register in Odoo what Billy received for the invoice and Odoo lacks, whatever the
        setting (the Billy tab's button): Billy read afresh, the difference only."""
        link = self.run.links.of(move, INVOICE)
        if not link.billy_id:
            raise RecordFailure(self.env._("%s is not in Billy yet: sync it first.", move.name))
        invoice = self.run.ctx.client.get("invoices", link.billy_id, include=INVOICE_INCLUDE)
        registered = self.status.refresh(move, link, invoice, asked=True)
        self.run.journal.outcome(
            move,
            self.env._("payment of %s registered from Billy", registered)
            if registered
            else self.env._("Odoo has registered every payment Billy has"),
        )

    def _find_by_external_id(self, move):
        external_id = self.payloads.external_id(move)
        params = {"externalId": external_id, "pageSize": 100}
        # Billy may ignore a filter: the answer is checked before it is trusted
        for invoice in self.run.ctx.client.list("invoices", params=params, include=INVOICE_INCLUDE):
            if invoice.get("externalId") == external_id:
                return invoice
        return None

    # --- Odoo → Billy ---------------------------------------------------------------------

    def push(self, move, known=None, find_twin=None):
        """Send an Odoo invoice: update its Billy draft, or create it in Billy. `known`: its
        Billy invoice when already found; `find_twin(payload, gross)`: a Billy invoice with
        its identity, when Billy did not keep the externalId of an earlier try."""
        run = self.run
        link = run.links.of(move, INVOICE)
        payload = self.payloads.payload(move)
        if known is None and link.billy_id:
            known = run.ctx.client.get("invoices", link.billy_id, include=INVOICE_INCLUDE)
        elif known is None and find_twin is not None:
            known = find_twin(payload, move.amount_total)
        if known and known.get("state") != "draft" and not link.billy_id:
            # sent before, its answer lost after Billy approved it: link it as it is (the
            # totals check flags any difference)
            self.status.store(move, link, known, payload)
            run.journal.count("linked")
            run.journal.line(INVOICE, move, known["id"], False, "linked")
            run.journal.outcome(move, self.env._("linked to an existing Billy record"))
            return
        if known and known.get("state") != "draft":
            raise RecordFailure(
                Message(
                    self.env,
                    "approved_changed",
                    name=move.name,
                    number=known.get("invoiceNo"),
                )
            )
        action = "updated" if known else "created"
        note = self.payloads.skipped_note(move)

        def on_answer(invoice):
            run.journal.count(f"{action}_billy")
            run.journal.line(INVOICE, move, invoice["id"], TO_BILLY, action, note)
            run.journal.note(move, self.env._("Sent to Billy (%s).", invoice["id"]))
            run.journal.outcome(
                move,
                self.env._("created in Billy")
                if action == "created"
                else self.env._("updated in Billy"),
            )
            self.status.store(move, link, invoice, payload)

        if self.bulk.takes(known, link):
            self.bulk.add(move, link, payload, on_answer)
        else:
            run.guard.send(move, INVOICE, self._push_request(payload, known), on_answer, link)

    def _push_request(self, payload, known):
        """Create (or update the Billy draft), then approve when the company wants that."""
        client = self.run.ctx.client
        approve = self.company.billy_invoice_state == "approved"
        changes = {key: payload[key] for key in UPDATABLE if key in payload}

        def request():
            if known:
                invoice = self._update_draft(client, known["id"], changes)
            else:
                invoice = client.create("invoices", payload).record
            if approve and invoice.get("state") == "draft":
                invoice = client.update("invoices", invoice["id"], {"state": "approved"}).record
            return invoice

        return request

    @staticmethod
    def _update_draft(client, billy_id, changes):
        """Update a Billy draft; its lines through /v2/invoiceLines when Billy refuses `lines`
        on an existing invoice (quirk lines-frozen: Billy's docs say both)."""
        try:
            return client.update("invoices", billy_id, changes).record
        except BillyValidationError:
            if "lines" not in changes:
                raise
        header = {key: value for key, value in changes.items() if key != "lines"}
        if header:
            client.update("invoices", billy_id, header)
        # the new lines first: Billy refuses to delete an invoice's last line
        old_lines = list(client.list("invoiceLines", params={"invoiceId": billy_id}))
        for line in changes["lines"]:
            client.create("invoiceLines", dict(line, invoiceId=billy_id))
        for line in old_lines:
            client.delete("invoiceLines", line["id"])
        return client.get("invoices", billy_id, include=INVOICE_INCLUDE)
