"""Customer invoices and credit notes.

Invoices are accounting documents: Odoo pushes a posted invoice once (found again by its
`externalId` after a retry or a lost answer), Billy's status (number, state, paid, balance,
PDF) flows back on every run, and an invoice approved in Billy is never changed again.
Billy invoices that Odoo lacks are created in Odoo.
"""

from decimal import ROUND_HALF_UP, Decimal

from odoo import fields

from billy_api import INVOICE_TYPE_CREDIT_NOTE, INVOICE_TYPE_INVOICE

from .errors import RecordFailure
from .fingerprint import fingerprint
from .mapping import MappingError
from .sanitize import clean_values

CENT = Decimal("0.01")
MOVE_TYPES = {"out_invoice": INVOICE_TYPE_INVOICE, "out_refund": INVOICE_TYPE_CREDIT_NOTE}
# a Billy invoice's mutable fields: what a push may change on a Billy draft
UPDATABLE = (
    "attContactPersonId",
    "taxMode",
    "paymentTermsMode",
    "paymentTermsDays",
    "exchangeRate",
    "lines",
)


def money(value):
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


class InvoiceSync:
    """The invoice part of a SyncRun (`run`), sharing its context, log and links."""

    def __init__(self, run):
        self.run = run
        self.env = run.env
        self.company = run.company
        self.ctx = run.ctx
        self.client = run.ctx.client
        self._tax_rates = None

    # --- bulk -----------------------------------------------------------------------------

    def run_all(self):
        links = self.env["billy.link"].search_fetch(
            [("company_id", "=", self.company.id), ("res_model", "=", "account.move")],
            ["res_id", "billy_id"],
        )
        link_ids = {link.billy_id: link.id for link in links if link.billy_id}
        res_ids = {link.id: link.res_id for link in links}
        linked_move_ids = {link.res_id for link in links if link.billy_id}
        moves = self.env["account.move"]
        existing = set(moves.browse(list(res_ids.values())).exists().ids)
        by_external_id, unlinked = {}, []
        for page in self.client.iter_pages("invoices"):
            pairs = []
            for invoice in page.records:
                if invoice["id"] in link_ids:
                    pairs.append((link_ids[invoice["id"]], invoice))
                elif (invoice.get("externalId") or "").startswith(self._external_prefix()):
                    by_external_id[invoice["externalId"]] = invoice
                else:
                    unlinked.append(invoice["id"])
            for link, move, invoice in self.run._page_pairs(moves, pairs, res_ids, existing):
                self._sync_linked(move, link, invoice)
        if self.run.direction != "billy_to_odoo":
            self._push_unlinked(linked_move_ids, by_external_id)
        if self.run.direction != "odoo_to_billy":
            for billy_id in unlinked:
                self.run._guarded(None, "invoice", lambda b=billy_id: self.pull(b))

    def _sync_linked(self, move, link, invoice):
        if move and self._unchanged(move, link, invoice):
            self.run._count("unchanged")
            self.run._step()
        elif move:
            self.run._guarded(
                move, "invoice", lambda m=move, i=invoice, k=link: self._linked(m, k, i), link
            )

    def _push_unlinked(self, linked_ids, by_external_id):
        moves = self.env["account.move"].search_fetch(self._move_domain(), ["state", "move_type"])
        to_push = moves.filtered(lambda m: m.id not in linked_ids and m.state == "posted")
        # invoices first: a credit note needs the Billy id of the invoice it credits
        by_type = [to_push.filtered(lambda m, t=t: m.move_type == t) for t in MOVE_TYPES]
        self.run._ensure_links(to_push, lambda move: "invoice")
        for of_type in by_type:
            for chunk in self.run._chunks(of_type):
                for move in chunk:
                    known = by_external_id.pop(self._external_id(move), None)
                    self.run._guarded(move, "invoice", lambda m=move, b=known: self.push(m, b))
            self.run.dispatcher.drain()

    def _move_domain(self):
        return [
            ("company_id", "=", self.company.id),
            ("move_type", "in", list(MOVE_TYPES)),
            ("state", "=", "posted"),
        ]

    def _odoo_unchanged(self, move, link):
        """Not written since its last sync (a posted invoice rarely is): no payload to build."""
        return (
            link.state == "synced"
            and link.last_sync
            and move.write_date
            and move.write_date <= link.last_sync
        )

    def _unchanged(self, move, link, invoice):
        """Nothing to do on either side; decided without a savepoint or a payload."""
        return (
            self._odoo_unchanged(move, link)
            and link.billy_fingerprint == fingerprint(self._status(invoice))
            and not self._missing_payment(move, invoice)
        )

    def _linked(self, move, link, invoice):
        """A linked pair: push Odoo's changes to a Billy draft, else refresh Billy's status."""
        if (
            move.state == "posted"
            and self.run.direction != "billy_to_odoo"
            and not self._odoo_unchanged(move, link)
            and link.odoo_fingerprint != fingerprint(self.payload(move))
        ):
            self.push(move, invoice)
            return
        self.refresh(move, link, invoice)
        self.run._count("unchanged")

    # --- one record (the button) ----------------------------------------------------------

    def sync_move(self, move):
        link = self.run._link_for(move, "invoice")
        if link.billy_id:
            invoice = self.client.get("invoices", link.billy_id)
            self._linked(move, link, invoice)
            self.run._outcome(move, self.env._("Billy status refreshed"))
        elif move.state != "posted":
            raise RecordFailure(
                self.env._("Only posted invoices are sent to Billy; post it first.")
            )
        elif self.run.direction == "billy_to_odoo":
            raise RecordFailure(
                self.env._("The sync direction is Billy → Odoo: invoices are not sent to Billy.")
            )
        else:
            self.push(move, self._find_by_external_id(move))

    # --- Odoo → Billy ---------------------------------------------------------------------

    def _external_prefix(self):
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        return f"odoo-{uuid[:8]}-"

    def _external_id(self, move):
        return f"{self._external_prefix()}{move.id}"

    def _find_by_external_id(self, move):
        external_id = self._external_id(move)
        params = {"externalId": external_id, "pageSize": 100}
        # Billy may ignore a filter: the answer is checked before it is trusted
        for invoice in self.client.list("invoices", params=params):
            if invoice.get("externalId") == external_id:
                return invoice
        return None

    def push(self, move, known=None):
        link = self.run._link_for(move, "invoice")
        payload = self.payload(move)
        if known is None and link.billy_id:
            known = self.client.get("invoices", link.billy_id)
        if known and known.get("state") != "draft":
            raise RecordFailure(
                self.env._(
                    "%(name)s changed in Odoo after Billy approved it (no. %(number)s); Billy "
                    "keeps approved invoices as they are: issue a credit note.",
                    name=move.name,
                    number=known.get("invoiceNo"),
                )
            )
        action = "updated" if known else "created"
        request = self._push_request(payload, known)
        note = self._skipped_note(move)

        def finish(invoice):
            self.run._count(f"{action}_billy")
            self.run._line("invoice", move, invoice["id"], "to_billy", action, note)
            self.run._chatter(move, self.env._("Sent to Billy (%s).", invoice["id"]))
            self.run._outcome(
                move,
                self.env._("created in Billy")
                if action == "created"
                else self.env._("updated in Billy"),
            )
            self._store(move, link, invoice, payload)

        self.run._send(move, "invoice", request, finish, link)

    def _push_request(self, payload, known):
        """Create (or update the Billy draft), then approve when the company wants that."""
        client = self.client
        approve = self.company.billy_invoice_state == "approved"
        changes = {key: payload[key] for key in UPDATABLE if key in payload}

        def request():
            if known:
                invoice = client.update("invoices", known["id"], changes).record
            else:
                invoice = client.create("invoices", payload).record
            if approve and invoice.get("state") == "draft":
                invoice = client.update("invoices", invoice["id"], {"state": "approved"}).record
            return invoice

        return request

    def _store(self, move, link, invoice, payload=None):
        """Link, status and the totals check: Billy must agree with Odoo to the cent."""
        mismatch = self._totals_mismatch(move, invoice)
        link.write(
            {
                "billy_id": invoice["id"],
                "odoo_fingerprint": fingerprint(payload or self.payload(move)),
                "billy_fingerprint": fingerprint(self._status(invoice)),
                "state": "failed" if mismatch else "synced",
                "error": mismatch or False,
                "last_sync": fields.Datetime.now(),
            }
        )
        self._write_status(move, invoice)

    def _totals_mismatch(self, move, invoice):
        odoo = (move.amount_untaxed, move.amount_tax, move.amount_total)
        billy = (invoice.get("amount"), invoice.get("tax"), invoice.get("grossAmount"))
        if all(money(o) == money(b) for o, b in zip(odoo, billy, strict=True)):
            return None
        return self.env._(
            "Totals differ. Odoo: untaxed %(o1)s, VAT %(o2)s, total %(o3)s. Billy: amount "
            "%(b1)s, tax %(b2)s, gross %(b3)s.",
            o1=money(odoo[0]),
            o2=money(odoo[1]),
            o3=money(odoo[2]),
            b1=money(billy[0]),
            b2=money(billy[1]),
            b3=money(billy[2]),
        )

    def _status(self, invoice):
        keys = ("invoiceNo", "state", "isPaid", "balance", "downloadUrl")
        return {key: invoice.get(key) for key in keys}

    def _write_status(self, move, invoice):
        link = self.run._link_for(move, "invoice")
        values = {
            "billy_invoice_no": invoice.get("invoiceNo") or False,
            "billy_state": invoice.get("state") or False,
            "billy_is_paid": bool(invoice.get("isPaid")),
            "billy_balance": invoice.get("balance") or 0.0,
            "billy_pdf_url": invoice.get("downloadUrl") or False,
        }
        changed = {key: value for key, value in values.items() if link[key] != value}
        if changed:
            link.write(changed)
            move.invalidate_recordset(list(values))

    def refresh(self, move, link, invoice):
        """Billy's status on the Odoo invoice; payments made in Billy registered if wanted."""
        status_fp = fingerprint(self._status(invoice))
        if status_fp != link.billy_fingerprint or link.state != "synced":
            previous, problem = link.error, self._voided(move, invoice)
            if not problem and "grossAmount" in invoice:
                problem = self._totals_mismatch(move, invoice)
            link.write(
                {
                    "billy_fingerprint": status_fp,
                    "state": "failed" if problem else "synced",
                    "error": problem or False,
                    "last_sync": fields.Datetime.now(),
                }
            )
            if problem and problem != previous:
                self.run._line("invoice", move, invoice["id"], "to_odoo", "failed", problem)
        self._write_status(move, invoice)
        self._register_payment(move, invoice)

    def _voided(self, move, invoice):
        """Voided in Billy while still open in Odoo: the accountant must settle it in Odoo."""
        if invoice.get("state") != "voided" or move.state == "cancel":
            return None
        if move.payment_state == "reversed":
            return None
        return self.env._(
            "%s was voided in Billy; cancel it or issue a credit note in Odoo as well.", move.name
        )

    def _missing_payment(self, move, invoice):
        """What Billy says was paid and Odoo has not registered yet (when it should)."""
        if invoice.get("state") == "voided":
            return 0  # a voided invoice's balance is 0 without any payment
        journal = self.company.billy_payment_journal_id
        if not (self.company.billy_register_payments and journal and move.state == "posted"):
            return 0
        if move.payment_state in ("paid", "in_payment", "reversed"):
            return 0
        paid_in_billy = money(invoice.get("grossAmount")) - money(invoice.get("balance"))
        paid_in_odoo = money(move.amount_total) - money(move.amount_residual)
        return max(paid_in_billy - paid_in_odoo, 0)

    def _register_payment(self, move, invoice):
        journal = self.company.billy_payment_journal_id
        missing = self._missing_payment(move, invoice)
        if not missing:
            return
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(
                {
                    "journal_id": journal.id,
                    "amount": float(missing),
                    "payment_date": fields.Date.context_today(move),
                    "communication": self.env._(
                        "Paid in Billy (%s)", move.billy_invoice_no or move.name
                    ),
                }
            )
        )
        wizard.action_create_payments()
        self.run._line(
            "invoice",
            move,
            invoice["id"],
            "to_odoo",
            "updated",
            self.env._("Payment of %s registered from Billy.", missing),
        )
        self.run._chatter(move, self.env._("Payment of %s registered from Billy.", missing))

    # --- the Billy invoice of an Odoo invoice ---------------------------------------------

    def payload(self, move):
        lines, tax_mode = self._lines(move)
        contact_id, att_id = self._contact(move)
        payload = {
            "organizationId": self.ctx.organization["id"],
            "type": MOVE_TYPES[move.move_type],
            "contactId": contact_id,
            "entryDate": fields.Date.to_string(move.invoice_date),
            "currencyId": move.currency_id.name,
            "taxMode": tax_mode,
            "paymentTermsMode": "net",
            "paymentTermsDays": (
                (move.invoice_date_due or move.invoice_date) - move.invoice_date
            ).days,
            "externalId": self._external_id(move),
            "lines": lines,
        }
        if att_id:
            payload["attContactPersonId"] = att_id
        if move.currency_id != self.company.currency_id:
            # Billy: 1 unit of the invoice currency in the organization's base currency
            rate = move.invoice_currency_rate
            payload["exchangeRate"] = round(1 / rate, 6) if rate else None
        if move.move_type == "out_refund" and move.reversed_entry_id:
            payload["creditedInvoiceId"] = self._billy_id_of(move.reversed_entry_id)
        return payload

    def _billy_id_of(self, record, kind=None):
        """The Billy id of a partner, product or invoice, syncing it first when unlinked."""
        link = self.run._link_for(record, kind or self.run._kind_name(record))
        if not link.billy_id:
            with self.run.synchronous():
                if record._name == "account.move":
                    self.sync_move(record)
                else:
                    self.run._sync_one(record)
            link = self.run._link_for(record, kind or self.run._kind_name(record))
        if not link.billy_id:
            raise RecordFailure(
                self.env._(
                    "%(name)s could not be synced with Billy first: %(error)s",
                    name=record.display_name,
                    error=link.error or self.env._("unknown reason"),
                )
            )
        return link.billy_id

    def _contact(self, move):
        partner = move.partner_id
        commercial = partner.commercial_partner_id
        person_of_company = partner != commercial and not partner.is_company
        if not person_of_company:
            return self._billy_id_of(commercial), None
        if self.company.billy_invoice_partner_priority == "organization":
            return self._billy_id_of(commercial), self._billy_id_of(partner, "contact_person")
        return self._own_contact(partner), None

    def _own_contact(self, person):
        """With contact priority a person of a company is invoiced as a Billy contact of its own."""
        self._billy_id_of(person, "contact_person")
        link = self.run._link_for(person, "contact_person")
        if link.billy_own_contact_id:
            return link.billy_own_contact_id
        country = person.country_id or person.commercial_partner_id.country_id
        if not country:
            raise MappingError(
                self.env._(
                    "Billy needs a country for every contact: set the country of %s.",
                    person.display_name,
                )
            )
        contact = self.client.create(
            "contacts",
            {
                "organizationId": self.ctx.organization["id"],
                "type": "person",
                "name": person.name,
                "countryId": country.code,
                "isCustomer": True,
                "contactPersons": [
                    {"name": person.name, "email": person.email or None, "isPrimary": True}
                ],
            },
        ).record
        link.billy_own_contact_id = contact["id"]
        return contact["id"]

    def _lines(self, move):
        lines, modes = [], set()
        product_lines = move.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        if not product_lines:
            raise MappingError(self.env._("%s has no invoice line Billy can take.", move.name))
        for priority, line in enumerate(product_lines, start=1):
            taxes = self.ctx.sale_taxes(line.tax_ids)
            modes.update("incl" if tax.price_include else "excl" for tax in taxes)
            lines.append(self._line(line, priority))
        if len(modes) > 1:
            raise MappingError(
                self.env._(
                    "%s mixes prices with and without VAT included; Billy takes one tax "
                    "mode per invoice.",
                    move.name,
                )
            )
        return lines, (modes.pop() if modes else "excl")

    def _line(self, line, priority):
        name = line.move_id.name
        ruleset = self.ctx.ruleset_of(line.tax_ids, name)
        product_id = None
        if line.product_id:
            template = line.product_id.product_tmpl_id
            own_ruleset = self.ctx.ruleset_for_taxes(
                template.taxes_id, template.display_name, False
            )
            if own_ruleset == ruleset.billy_id:
                product_id = self._billy_id_of(template, "product")
        billy_line = {
            "productId": product_id or self._ruleset_product(ruleset),
            "description": line.name or (line.product_id.display_name if line.product_id else ""),
            "quantity": line.quantity,
            "unitPrice": line.price_unit,
            "priority": priority,
        }
        billy_line.update(self._discount(line))
        return billy_line

    def _discount(self, line):
        """Billy's discount that gives exactly Odoo's line amount (spec §7.1 rounding)."""
        included = any(tax.price_include for tax in line.tax_ids)
        target = money(line.price_total if included else line.price_subtotal)
        gross = money(Decimal(str(line.quantity)) * Decimal(str(line.price_unit)))
        if line.discount:
            percent = Decimal(str(line.discount))
            if gross - money(gross * percent / 100) == target:
                return {"discountMode": "percent", "discountValue": line.discount}
        if gross != target:
            # Odoo rounds the discounted line once, Billy rounds the discount: send the amount
            return {"discountMode": "cash", "discountValue": float(gross - target)}
        return {}

    def _ruleset_product(self, ruleset):
        """The Billy product for lines of this VAT rate that have no product of their own."""
        if ruleset.billy_product_id:
            return ruleset.billy_product_id
        number = f"ODOO-VAT-{ruleset.rate:g}"
        existing = [
            p
            for p in self.client.list("products", params={"q": number, "pageSize": 100})
            if p.get("productNo") == number
        ]
        if existing:
            product = existing[0]
        else:
            product = self.client.create(
                "products",
                {
                    "organizationId": self.ctx.organization["id"],
                    "name": self.env._("Sale (%s)", ruleset.name),
                    "productNo": number,
                    "salesTaxRulesetId": ruleset.billy_id,
                },
            ).record
        ruleset.sudo().billy_product_id = product["id"]
        return product["id"]

    def _skipped_note(self, move):
        skipped = move.invoice_line_ids.filtered(
            lambda line: line.display_type in ("line_section", "line_note")
        )
        if not skipped:
            return False
        return self.env._(
            "Billy has no section or note lines; left out: %s", " / ".join(skipped.mapped("name"))
        )

    # --- Billy → Odoo ---------------------------------------------------------------------

    def pull(self, billy_id):
        invoice = self.client.get("invoices", billy_id, include="invoice.lines:embed")
        if invoice.get("state") == "voided":
            return
        move_type = (
            "out_refund" if invoice.get("type") == INVOICE_TYPE_CREDIT_NOTE else "out_invoice"
        )
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", invoice.get("currencyId"))], limit=1)
        )
        if not currency.active:
            raise MappingError(
                self.env._(
                    "Activate the currency %s in Odoo to receive this Billy invoice.",
                    invoice.get("currencyId"),
                )
            )
        vals = {
            "move_type": move_type,
            "company_id": self.company.id,
            "partner_id": self._odoo_partner(invoice).id,
            "invoice_date": invoice.get("entryDate"),
            "invoice_date_due": invoice.get("dueDate") or invoice.get("entryDate"),
            "currency_id": currency.id,
            "invoice_line_ids": [
                (0, 0, self._odoo_line(line, invoice))
                for line in sorted(
                    invoice.get("lines") or [], key=lambda item: item.get("priority") or 0
                )
            ],
        }
        credited = invoice.get("creditedInvoiceId")
        if credited:
            origin = self.env["billy.link"].search(
                [
                    ("company_id", "=", self.company.id),
                    ("res_model", "=", "account.move"),
                    ("billy_id", "=", credited),
                ]
            )
            vals["reversed_entry_id"] = origin.res_id or False
        move = self.env["account.move"].with_context(billy_sync=True).create(clean_values(vals))
        if invoice.get("state") == "approved":
            move.with_context(billy_sync=True).action_post()
        link = self.run._link_for(move, "invoice")
        self._store(move, link, invoice, self._safe_payload(move))
        self.run._count("created_odoo")
        self.run._line("invoice", move, billy_id, "to_odoo", "created", link.error or "")
        self.run._chatter(move, self.env._("Created from Billy (%s).", billy_id))

    def _safe_payload(self, move):
        try:
            return self.payload(move)
        except (MappingError, RecordFailure):
            return {"billy_id": move.id}

    def _odoo_partner(self, invoice):
        Link = self.env["billy.link"]
        domain = [("company_id", "=", self.company.id), ("res_model", "=", "res.partner")]
        att = invoice.get("attContactPersonId")
        if att and self.company.billy_invoice_partner_priority == "contact":
            person = Link.search([*domain, ("billy_id", "=", att)])
            if person:
                return self.env["res.partner"].browse(person.res_id)
        contact = Link.search([*domain, ("billy_id", "=", invoice.get("contactId"))])
        if not contact:
            raise RecordFailure(
                self.env._(
                    "The Billy contact %s of this invoice is not in Odoo yet.",
                    invoice.get("contactId"),
                )
            )
        return self.env["res.partner"].browse(contact.res_id)

    def _odoo_line(self, line, invoice):
        product = self._odoo_product(line.get("productId"))
        quantity = line.get("quantity") or 0.0
        price = line.get("unitPrice") or 0.0
        vals = {
            "product_id": product.product_variant_id.id if product else False,
            "name": line.get("description") or (product.name if product else "/"),
            "quantity": quantity,
            "price_unit": price,
            "discount": self._odoo_discount(line, quantity, price),
            "tax_ids": [(6, 0, self._odoo_taxes(line, invoice).ids)],
        }
        return vals

    def _odoo_product(self, billy_product_id):
        link = self.env["billy.link"].search(
            [
                ("company_id", "=", self.company.id),
                ("res_model", "=", "product.template"),
                ("billy_id", "=", billy_product_id),
            ]
        )
        return self.env["product.template"].browse(link.res_id) if link else None

    @staticmethod
    def _odoo_discount(line, quantity, price):
        value = line.get("discountValue") or 0.0
        if line.get("discountMode") == "percent":
            return value
        if line.get("discountMode") == "cash" and quantity * price:
            return value / (quantity * price) * 100
        return 0.0

    def _odoo_taxes(self, line, invoice):
        if self._tax_rates is None:
            self._tax_rates = {r["id"]: r.get("rate") or 0.0 for r in self.client.list("taxRates")}
        rate = 100 * self._tax_rates.get(line.get("taxRateId"), 0.0)
        if not rate:
            return self.env["account.tax"]
        included = invoice.get("taxMode") == "incl"
        taxes = self.env["account.tax"].search(
            [
                ("company_id", "=", self.company.id),
                ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"),
                ("amount", "=", rate),
            ]
        )
        preferred = taxes.filtered(lambda tax: bool(tax.price_include) == included)
        if not preferred:
            raise MappingError(
                self.env._(
                    "Odoo has no %(rate)s %% sales tax with prices %(mode)s VAT.",
                    rate=rate,
                    mode=self.env._("including") if included else self.env._("excluding"),
                )
            )
        return preferred[:1]
