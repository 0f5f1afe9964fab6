"""The Billy invoice of an Odoo invoice: its payload, contact, lines, VAT and rounding."""

from decimal import Decimal

from odoo import fields

from billy_api import INVOICE_TYPE_CREDIT_NOTE, INVOICE_TYPE_INVOICE

from .errors import MappingError
from .invoice_amounts import OdooLine, cents, plan
from .messages import Message
from .vocabulary import CONTACT_PERSON, PRODUCT

MOVE_TYPES = {"out_invoice": INVOICE_TYPE_INVOICE, "out_refund": INVOICE_TYPE_CREDIT_NOTE}
# what a payload reads of an invoice line (prefetched for a batch of invoices at once)
PAYLOAD_LINE_FIELDS = [
    "move_id",
    "display_type",
    "name",
    "product_id",
    "tax_ids",
    "price_unit",
    "quantity",
    "discount",
    "price_subtotal",
    "price_total",
]


class InvoicePayload:
    """`sync_move` syncs an Odoo invoice (a credit note needs its invoice in Billy first)."""

    def __init__(self, run, sync_move):
        self.run = run
        self.env = run.env
        self.company = run.company
        self.sync_move = sync_move

    def payload(self, move):
        ctx = self.run.ctx
        lines, tax_mode = self._lines(move)
        contact_id, att_id = self._contact(move)
        payload = {
            "organizationId": ctx.organization["id"],
            "type": MOVE_TYPES[move.move_type],
            "contactId": contact_id,
            "entryDate": fields.Date.to_string(move.invoice_date),
            "currencyId": move.currency_id.name,
            "taxMode": tax_mode,
            "paymentTermsMode": "net",
            "paymentTermsDays": (
                (move.invoice_date_due or move.invoice_date) - move.invoice_date
            ).days,
            "externalId": self.external_id(move),
            "lines": lines,
        }
        if att_id:
            payload["attContactPersonId"] = att_id
        if move.currency_id != self.company.currency_id:
            # Billy: 1 unit of the invoice currency in the organization's base currency
            rate = move.invoice_currency_rate
            payload["exchangeRate"] = round(1 / rate, 6) if rate else None
        if move.move_type == "out_refund" and move.reversed_entry_id:
            payload["creditedInvoiceId"] = self.run.records.billy_id_of(
                move.reversed_entry_id, sync=self.sync_move
            )
        return payload

    def external_prefix(self):
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        return f"odoo-{uuid[:8]}-"

    def external_id(self, move):
        """The invoice's externalId in Billy: how a retry finds what an earlier try sent."""
        return f"{self.external_prefix()}{move.id}"

    def skipped_note(self, move):
        skipped = move.invoice_line_ids.filtered(
            lambda line: line.display_type in ("line_section", "line_note")
        )
        if not skipped:
            return False
        return Message(self.env, "skipped_lines", " / ".join(skipped.mapped("name")))

    # --- contact --------------------------------------------------------------------------

    def _contact(self, move):
        billy_id_of = self.run.records.billy_id_of
        partner = move.partner_id
        commercial = partner.commercial_partner_id
        person_of_company = partner != commercial and not partner.is_company
        if not person_of_company:
            return billy_id_of(commercial), None
        if self.company.billy_invoice_partner_priority == "organization":
            return billy_id_of(commercial), billy_id_of(partner, CONTACT_PERSON)
        return self._own_contact(partner), None

    def _own_contact(self, person):
        """With contact priority a person of a company is invoiced as a Billy contact of its own."""
        run = self.run
        run.records.billy_id_of(person, CONTACT_PERSON)
        link = run.links.of(person, CONTACT_PERSON)
        if link.billy_own_contact_id:
            return link.billy_own_contact_id
        country = person.country_id or person.commercial_partner_id.country_id
        contact = run.ctx.client.create(
            "contacts",
            {
                "organizationId": run.ctx.organization["id"],
                "type": "person",
                "name": person.name,
                "countryId": run.ctx.billy_country(country, person.display_name),
                "isCustomer": True,
                "contactPersons": [
                    {"name": person.name, "email": person.email or None, "isPrimary": True}
                ],
            },
        ).record
        link.billy_own_contact_id = contact["id"]
        return contact["id"]

    # --- lines ----------------------------------------------------------------------------

    def _lines(self, move):
        lines, modes, amounts = [], set(), []
        product_lines = move.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        if not product_lines:
            raise MappingError(Message(self.env, "no_invoice_line", move.name))
        for priority, line in enumerate(product_lines, start=1):
            taxes = self.run.ctx.sale_taxes(line.tax_ids)
            modes.update("incl" if tax.price_include else "excl" for tax in taxes)
            lines.append(self._line(line, priority))
            amounts.append(self._amounts(line, taxes))
        if len(modes) > 1:
            raise MappingError(Message(self.env, "mixed_tax_modes", move.name))
        preferred = modes.pop() if modes else "excl"
        mode, billy, _matches = plan(amounts, move.amount_untaxed, move.amount_tax, preferred)
        for line, values in zip(lines, billy, strict=True):
            line.update(values)
        return lines, mode

    def _line(self, line, priority):
        ctx = self.run.ctx
        ruleset = ctx.ruleset_of(line.tax_ids, line.move_id.name)
        product_id = None
        if line.product_id:
            template = line.product_id.product_tmpl_id
            own_ruleset = ctx.ruleset_for_taxes(template.taxes_id, template.display_name, False)
            if own_ruleset == ruleset.billy_id:
                product_id = self.run.records.billy_id_of(template, PRODUCT)
        return {
            "productId": product_id or self._ruleset_product(ruleset),
            "description": line.name or (line.product_id.display_name if line.product_id else ""),
            "priority": priority,
        }

    @staticmethod
    def _amounts(line, taxes):
        """The line as invoice_amounts.plan reads it: Odoo's prices and rounded amounts."""
        rate = sum((Decimal(str(tax.amount)) for tax in taxes), Decimal(0)) / 100
        price = Decimal(str(line.price_unit))
        included = any(tax.price_include for tax in taxes)
        return OdooLine(
            quantity=Decimal(str(line.quantity)),
            price_excl=price / (1 + rate) if included else price,
            price_incl=price if included else price * (1 + rate),
            percent=Decimal(str(line.discount or 0)),
            net=cents(line.price_subtotal),
            gross=cents(line.price_total),
            rate=rate,
        )

    def _ruleset_product(self, ruleset):
        """The Billy product for lines of this VAT rate that have no product of their own."""
        if ruleset.billy_product_id:
            return ruleset.billy_product_id
        client = self.run.ctx.client
        number = f"ODOO-VAT-{ruleset.rate:g}"
        existing = [
            p
            for p in client.list("products", params={"q": number, "pageSize": 100})
            if p.get("productNo") == number
        ]
        if existing:
            product = existing[0]
        else:
            product = client.create(
                "products",
                {
                    "organizationId": self.run.ctx.organization["id"],
                    "name": self.env._("Sale (%s)", ruleset.name),
                    "productNo": number,
                    "salesTaxRulesetId": ruleset.billy_id,
                },
            ).record
        ruleset.sudo().billy_product_id = product["id"]
        return product["id"]
