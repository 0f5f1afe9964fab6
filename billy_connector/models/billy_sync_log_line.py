from odoo import api, fields, models

from ..sync.sanitize import clean_values
from ..sync.vocabulary import LINE_DIRECTIONS, RECORD_KINDS


class BillySyncLogLine(models.Model):
    """What one record did in one run. Unchanged records leave no line."""

    _name = "billy.sync.log.line"
    _description = "Billy sync log line"
    _inherit = ["billy.message.mixin"]
    _order = "id"

    log_id = fields.Many2one("billy.sync.log", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="log_id.company_id", store=True)
    record_kind = fields.Selection(RECORD_KINDS)
    res_model = fields.Char()
    res_id = fields.Many2oneReference(model_field="res_model")
    record_name = fields.Char()
    billy_id = fields.Char()
    direction = fields.Selection(LINE_DIRECTIONS)
    action = fields.Selection(
        [
            ("created", "Created"),
            ("updated", "Updated"),
            ("linked", "Linked"),
            ("archived", "Archived"),
            ("unlinked", "Unlinked"),
            ("conflict", "Conflict"),
            ("review", "To review"),
            ("failed", "Failed"),
        ],
        required=True,
    )
    details = fields.Text(help="Both versions of a record in conflict.")

    @api.model_create_multi
    def create(self, vals_list):
        # messages and conflict details quote Billy: a NUL there would fail the whole run
        return super().create(clean_values(self._billy_message_values(vals_list)))
