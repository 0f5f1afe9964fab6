from odoo import fields, models
from odoo.exceptions import UserError

from ..sync.invoice_pdf import invoice_pdf
from ..sync.links import link_domain, link_values
from ..sync.vocabulary import CHANGED, INVOICE

INVOICE_WATCHED_FIELDS = {
    "partner_id",
    "invoice_date",
    "invoice_date_due",
    "currency_id",
    "invoice_line_ids",
    "line_ids",
    "state",
}


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "billy.linked.mixin"]
    _billy_kinds = ("invoice",)

    # kept on the invoice's billy.link: writing an account.move resyncs its journal items
    billy_invoice_no = fields.Char(
        string="Billy invoice no.", compute="_compute_billy_link", compute_sudo=True
    )
    billy_state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved"), ("voided", "Voided")],
        string="Invoice state in Billy",
        compute="_compute_billy_link",
        compute_sudo=True,
    )
    billy_is_paid = fields.Boolean(
        string="Paid in Billy", compute="_compute_billy_link", compute_sudo=True
    )
    billy_balance = fields.Monetary(
        string="Billy balance",
        currency_field="currency_id",
        compute="_compute_billy_link",
        compute_sudo=True,
        help="What is still owed according to Billy.",
    )
    billy_late_fees = fields.Monetary(
        string="Billy late fees",
        currency_field="currency_id",
        compute="_compute_billy_link",
        compute_sudo=True,
        help="Reminder fees Billy added to the invoice: part of Billy's balance, not of the "
        "invoice's total, and no payment.",
    )

    def _billy_links(self):
        # an invoice belongs to one company: its link is that company's, whatever the
        # current company is
        return self.env["billy.link"].sudo().search(link_domain(None, self._name, res_id=self.ids))

    def _billy_show_link(self, link):
        result = super()._billy_show_link(link)
        self.billy_invoice_no = link.billy_invoice_no if link else False
        self.billy_state = link.billy_state if link else False
        self.billy_is_paid = link.billy_is_paid if link else False
        self.billy_balance = link.billy_balance if link else 0.0
        self.billy_late_fees = link.billy_late_fees if link else 0.0
        return result

    def _billy_watched_fields(self):
        return INVOICE_WATCHED_FIELDS

    def _billy_link_outdated(self, link, contexts=None):
        # an invoice's payload (invoice_payload) is built with Billy's ids of its partner
        # and products: a watched field written is a change, as before
        return True

    def _billy_is_customer_document(self):
        return self.move_type in ("out_invoice", "out_refund")

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        if not self.env.context.get("billy_sync"):
            posted._billy_queue_push()
        return posted

    def _billy_queue_push(self):
        """In automatic mode a posted customer invoice is pushed by the next cron run, soon."""
        to_push = self.filtered(
            lambda move: (
                move._billy_is_customer_document()
                and move.company_id.billy_sync_mode == "auto"
                and move.company_id.billy_sync_direction != "billy_to_odoo"
            )
        )
        if not to_push:
            return
        Link = self.env["billy.link"].sudo()
        for move in to_push:
            link = Link.search(link_domain(None, move._name, res_id=move.id))
            if link:
                link.state = CHANGED
            else:
                Link.create(link_values(move.company_id.id, move, INVOICE, state=CHANGED))
        self.env.ref("billy_connector.ir_cron_billy_sync").sudo()._trigger()

    def button_draft(self):
        approved = self.filtered(lambda move: move.billy_id and move.billy_state == "approved")
        if approved:
            raise UserError(
                self.env._(
                    "%(names)s is approved in Billy (invoice no. %(numbers)s) and can't be "
                    "changed any more. Issue a credit note instead.",
                    names=", ".join(approved.mapped("name")),
                    numbers=", ".join(approved.mapped("billy_invoice_no")),
                )
            )
        return super().button_draft()

    def action_billy_open_pdf(self):
        """Billy's PDF of the invoice, kept as an attachment of it (fetched when first needed,
        and again once Billy's invoice changed)."""
        self.ensure_one()
        self.check_access("read")
        attachment = invoice_pdf(self)
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "new",
        }

    def action_billy_sync(self):
        others = self.filtered(lambda move: not move._billy_is_customer_document())
        if others:
            raise UserError(
                self.env._("Only customer invoices and credit notes are synced with Billy.")
            )
        return super().action_billy_sync()
