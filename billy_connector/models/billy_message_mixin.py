from odoo import api, fields, models

from ..sync.messages import render, stored
from ..sync.sanitize import clean_values


class BillyMessageMixin(models.AbstractModel):
    """A stored message (sync/messages.py) shown in the reader's language: `message`.

    Writing `message` (a Message or a plain text) stores its code and parameters.
    """

    _name = "billy.message.mixin"
    _description = "Billy message"

    message_code = fields.Char("Message code", readonly=True, copy=False)
    message_params = fields.Json("Message parameters", readonly=True, copy=False)
    message = fields.Text(compute="_compute_message", inverse="_inverse_message", readonly=True)

    @api.depends("message_code", "message_params")
    @api.depends_context("lang")
    def _compute_message(self):
        for record in self:
            record.message = render(record.env, record.message_code, record.message_params)

    def _inverse_message(self):
        for record in self:
            record._billy_set_message(record.message)

    def _billy_set_message(self, message):
        """Store `message` (a Message keeps its code: use this rather than `message =`)."""
        code, params = stored(message)
        self.write({"message_code": code, "message_params": clean_values(params)})

    @api.model
    def _billy_message_values(self, vals_list):
        """`vals_list` with each `message` value turned into its code and parameters (the
        cache would keep only its text)."""
        result = []
        for vals in vals_list:
            if "message" in vals:
                vals = dict(vals)
                code, params = stored(vals.pop("message"))
                vals.update(message_code=code, message_params=clean_values(params))
            result.append(vals)
        return result
