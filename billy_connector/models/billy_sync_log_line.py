from odoo import fields, models

from ..sync.vocabulary import LINE_DIRECTIONS, RECORD_KINDS


class BillySyncLogLine(models.Model):
    """What one record did in one run. Unchanged records leave no line."""

    _name = "billy.sync.log.line"
    _description = "Billy sync log line"
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
    message = fields.Text()
    details = fields.Text(help="Both versions of a record in conflict.")
