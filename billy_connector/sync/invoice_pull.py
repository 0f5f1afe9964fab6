"""Billy → Odoo: a Billy invoice that Odoo lacks is created (and posted when approved)."""

from billy_api import CREDIT_NOTE_TYPES

from .errors import MappingError, RecordFailure
from .invoice_money import INVOICE_INCLUDE
from .messages import Message
from .sanitize import clean_values
from .vocabulary import INVOICE, TO_ODOO


class InvoicePull:
    def __init__(self, run, payload, status):
        self.run = run
        self.env = run.env
        self.company = run.company
        self.payload = payload  # InvoicePayload
        self.status = status  # InvoiceStatus
        self._tax_rates = None

    def pull(self, billy_id):
        run = self.run
        invoice = run.ctx.client.get(
            "invoices", billy_id, include=f"invoice.lines:embed,{INVOICE_INCLUDE}"
        )
        if invoice.get("state") == "voided":
            return
        # Billy's credit-note literal: "creditNote", or "credit_note" (fact F4): never an invoice
        move_type = "out_refund" if invoice.get("type") in CREDIT_NOTE_TYPES else "out_invoice"
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", invoice.get("currencyId"))], limit=1)
        )
        if not currency.active:
            raise MappingError(Message(self.env, "inactive_currency", invoice.get("currencyId")))
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
            vals["reversed_entry_id"] = run.links.record_of("account.move", credited).id or False
        move = self.env["account.move"].with_context(billy_sync=True).create(clean_values(vals))
        if invoice.get("state") == "approved":
            move.with_context(billy_sync=True).action_post()
        link = run.links.of(move, INVOICE)
        self.status.store(move, link, invoice, self._safe_payload(move))
        run.journal.count("created_odoo")
        run.journal.line(INVOICE, move, billy_id, TO_ODOO, "created", link.error or "")
        run.journal.note(move, self.env._("Created from Billy (%s).", billy_id))

    def _safe_payload(self, move):
        try:
            return self.payload.payload(move)
        except (MappingError, RecordFailure):
            return {"billy_id": move.id}

    def _odoo_partner(self, invoice):
        links = self.run.links
        att = invoice.get("attContactPersonId")
        if att and self.company.billy_invoice_partner_priority == "contact":
            person = links.record_of("res.partner", att)
            if person:
                return person
        contact = links.record_of("res.partner", invoice.get("contactId"))
        if not contact:
            raise RecordFailure(Message(self.env, "contact_not_in_odoo", invoice.get("contactId")))
        return contact

    def _odoo_line(self, line, invoice):
        product = self.run.links.record_of("product.template", line.get("productId"))
        quantity = line.get("quantity") or 0.0
        price = line.get("unitPrice") or 0.0
        return {
            "product_id": product.product_variant_id.id if product else False,
            "name": line.get("description") or (product.name if product else "/"),
            "quantity": quantity,
            "price_unit": price,
            "discount": odoo_discount(line, quantity, price),
            "tax_ids": [(6, 0, self._odoo_taxes(line, invoice).ids)],
        }

    def _odoo_taxes(self, line, invoice):
        if self._tax_rates is None:
            self._tax_rates = {
                r["id"]: r.get("rate") or 0.0 for r in self.run.ctx.client.list("taxRates")
            }
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
                Message(
                    self.env,
                    "no_sales_tax",
                    rate=rate,
                    mode=Message(self.env, "including" if included else "excluding"),
                )
            )
        return preferred[:1]


def odoo_discount(line, quantity, price):
    """Odoo's discount percentage of a Billy invoice line (percent or cash discount)."""
    value = line.get("discountValue") or 0.0
    if line.get("discountMode") == "percent":
        return value
    if line.get("discountMode") == "cash" and quantity * price:
        return value / (quantity * price) * 100
    return 0.0
