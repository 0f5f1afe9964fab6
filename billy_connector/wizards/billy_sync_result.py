from odoo import api, fields, models

MAX_REASONS = 50  # failed records listed in the popup; the sync log has them all


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
    review_count = fields.Integer(readonly=True)
    review_ids = fields.Many2many(
        "billy.match.review", readonly=True, groups="billy_connector.group_billy_manager"
    )
    failed_line_ids = fields.Many2many(
        "billy.sync.log.line",
        string="Failed records",
        readonly=True,
        groups="billy_connector.group_billy_manager",
        help="The records this run could not sync, each with its reason.",
    )
    more_failed = fields.Integer(string="More failed records", readonly=True)

    @api.model
    def _open_for(self, outcomes, log, reviews=None):
        """A popup for a finished run: one line per record, or the run's summary; `reviews`:
        the match reviews that wait for a decision about these records."""
        lines = [f"{name}: {outcome}" for name, outcome in outcomes]
        if log.message:
            lines.insert(0, log.message)
        message = "\n".join(lines) or log.summary or self.env._("Nothing to do.")
        pending = (reviews or self.env["billy.match.review"]).filtered(
            lambda review: review.state == "pending"
        )
        values = {
            "state": log.state if log.state not in (False, "running") else "done",
            "message": message,
            "log_id": log.id,  # none when a button press changed nothing
            "review_count": len(pending),
        }
        if self.env.user.has_group("billy_connector.group_billy_manager"):
            values["review_ids"] = [fields.Command.set(pending.ids)]
            if not outcomes:  # a bulk run: its failed records and why, from the log
                Line = self.env["billy.sync.log.line"]
                domain = [("log_id", "=", log.id), ("action", "=", "failed")]
                failed = Line.search(domain, order="id", limit=MAX_REASONS)
                values["failed_line_ids"] = [fields.Command.set(failed.ids)]
                values["more_failed"] = max(0, Line.search_count(domain) - MAX_REASONS)
        result = self.create(values)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sync with Billy"),
            "res_model": self._name,
            "res_id": result.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_open_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "billy_connector.billy_match_review_action"
        )
        if len(self.review_ids) == 1:
            action.update(res_id=self.review_ids.id, view_mode="form", views=[(False, "form")])
        else:
            action["domain"] = [("id", "in", self.review_ids.ids)]
        return action

    def action_open_log(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "billy.sync.log",
            "res_id": self.log_id.id,
            "view_mode": "form",
        }
