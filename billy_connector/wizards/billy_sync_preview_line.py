from odoo import fields, models

from ..sync.vocabulary import LINE_DIRECTIONS, RECORD_KINDS


class BillySyncPreviewLine(models.TransientModel):
    """What a sync would do to one record."""

    _name = "billy.sync.preview.line"
    _description = "Billy sync preview line"
    _order = "id"
    _inherit = ["billy.message.mixin"]

    preview_id = fields.Many2one("billy.sync.preview", required=True, ondelete="cascade")
    record_kind = fields.Selection(RECORD_KINDS)
    res_model = fields.Char()
    res_id = fields.Many2oneReference(model_field="res_model")
    record_name = fields.Char("Record")
    billy_id = fields.Char("Billy id")
    direction = fields.Selection(LINE_DIRECTIONS)
    action = fields.Selection(
        [
            ("created", "Create"),
            ("updated", "Update"),
            ("linked", "Link"),
            ("archived", "Archive"),
            ("unlinked", "Unlink"),
            ("conflict", "Conflict"),
            ("review", "Wait for a review"),
            ("failed", "Fail"),
        ],
        string="Would",
    )
