from odoo import api, fields, models

from ..sync.preview import preview_sync
from ..sync.vocabulary import COUNTERS, RUN_STATES, summary_text


class BillySyncPreview(models.TransientModel):
    """The result of a dry run of a bulk sync: what a sync would do now, record by record."""

    _name = "billy.sync.preview"
    _description = "Billy sync preview"
    _check_company_auto = True
    _inherit = ["billy.message.mixin"]

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    state = fields.Selection(RUN_STATES, readonly=True)
    line_ids = fields.One2many("billy.sync.preview.line", "preview_id", readonly=True)
    created_billy = fields.Integer("To create in Billy", readonly=True)
    updated_billy = fields.Integer("To update in Billy", readonly=True)
    created_odoo = fields.Integer("To create in Odoo", readonly=True)
    updated_odoo = fields.Integer("To update in Odoo", readonly=True)
    linked = fields.Integer("To link", readonly=True)
    archived = fields.Integer("To archive", readonly=True)
    unchanged = fields.Integer("Up to date", readonly=True)
    conflicts = fields.Integer(readonly=True)
    to_review = fields.Integer("To review", readonly=True)
    failed = fields.Integer("Would fail", readonly=True)
    billy_write_count = fields.Integer(
        "Billy requests", readonly=True, help="Write requests the sync would send to Billy."
    )
    summary = fields.Text(compute="_compute_summary")

    # created over RPC with another company's id, it would show and sync that company
    @api.model_create_multi
    def create(self, vals_list):
        ids = {vals.get("company_id") for vals in vals_list}
        self.env["res.company"].browse(ids - {None, False})._billy_check_manager()
        return super().create(self._billy_message_values(vals_list))

    def write(self, vals):
        if vals.get("company_id"):
            self.env["res.company"].browse(vals["company_id"])._billy_check_manager()
        return super().write(self._billy_message_values([vals])[0])

    @api.depends(*COUNTERS, "message_code", "message_params")
    @api.depends_context("lang")
    def _compute_summary(self):
        for preview in self:
            preview.summary = summary_text(preview, self.env._("Nothing to do."))

    @api.model
    def _billy_preview(self, company):
        """Dry-run a bulk sync of `company` and keep what it would do in a new preview."""
        company._billy_check_manager()
        result = preview_sync(company)
        counts = {name: result["counts"].get(name, 0) for name in COUNTERS}
        return self.create(
            {
                "company_id": company.id,
                "state": result["state"],
                "message_code": result["message_code"],
                "message_params": result["message_params"],
                "billy_write_count": len(result["writes"]),
                "line_ids": [fields.Command.create(line) for line in result["lines"]],
                **counts,
            }
        )

    def action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sync preview"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_sync_now(self):
        """Run the sync for real (the preview itself changed nothing)."""
        self.ensure_one()
        log = self.company_id.billy_sync_all()
        return self.env["billy.sync.result"]._open_for([], log)
