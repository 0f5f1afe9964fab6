from odoo import api, fields, models


class BillySyncResult(models.TransientModel):
    """The popup that tells a user what a sync did."""

    _name = "billy.sync.result"
    _description = "Billy sync result"

    state = fields.Selection(
        [("done", "Done"), ("partial", "Done with errors"), ("failed", "Failed")],
        readonly=True,
    )
    message = fields.Text(readonly=True)
    log_id = fields.Many2one("billy.sync.log", readonly=True)

    @api.model
    def _open_for(self, outcomes, log):
        """A popup for a finished run: one line per record, or the run's summary."""
        lines = [f"{name}: {outcome}" for name, outcome in outcomes]
        if log.message:
            lines.insert(0, log.message)
        message = "\n".join(lines) or log.summary
        result = self.create(
            {
                "state": log.state if log.state != "running" else "done",
                "message": message,
                "log_id": log.id,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sync with Billy"),
            "res_model": self._name,
            "res_id": result.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_open_log(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "billy.sync.log",
            "res_id": self.log_id.id,
            "view_mode": "form",
        }
