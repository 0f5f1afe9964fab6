import logging

from odoo import api, models
from odoo.exceptions import UserError

from ..sync.invoice_pdf import invoice_pdf

_logger = logging.getLogger(__name__)


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _get_invoice_extra_attachments(self, move):
        """Billy's PDF of a synced invoice goes with it when Odoo sends the invoice: the kept
        one, or fetched now with a fresh URL (sync/invoice_pdf.py). The chatter asks too, in
        a read-only request: it gets the kept one, and nothing is fetched or written."""
        attachments = super()._get_invoice_extra_attachments(move)
        if not move.billy_state:
            return attachments
        try:
            return attachments | invoice_pdf(move, fetch=not self.env.cr.readonly)
        except UserError as error:
            # sending must not fail because Billy can't be reached: Odoo's own PDF still goes
            _logger.info("Billy's PDF of %s not attached: %s", move.display_name, error)
            return attachments
