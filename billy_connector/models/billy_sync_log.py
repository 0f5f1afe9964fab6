from odoo import api, fields, models

TRIGGERS = [("manual", "Bulk sync"), ("cron", "Automatic"), ("record", "Sync with Billy")]
COUNTERS = [
    "created_billy",
    "updated_billy",
    "created_odoo",
    "updated_odoo",
    "linked",
    "archived",
    "unchanged",
    "conflicts",
    "to_review",
    "failed",
]


class BillySyncLog(models.Model):
    """One sync run: when, who, which way, and what happened (counts and lines)."""

    _name = "billy.sync.log"
    _description = "Billy sync run"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    trigger = fields.Selection(TRIGGERS, required=True, default="manual")
    direction = fields.Selection(
        [("odoo_to_billy", "Odoo → Billy"), ("billy_to_odoo", "Billy → Odoo"), ("both", "Both")]
    )
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    start = fields.Datetime(default=fields.Datetime.now, required=True)
    end = fields.Datetime()
    state = fields.Selection(
        [
            ("running", "Running"),
            ("done", "Done"),
            ("partial", "Done with errors"),
            ("failed", "Failed"),
        ],
        default="running",
        required=True,
    )
    message = fields.Text()
    line_ids = fields.One2many("billy.sync.log.line", "log_id")
    created_billy = fields.Integer("Created in Billy")
    updated_billy = fields.Integer("Updated in Billy")
    created_odoo = fields.Integer("Created in Odoo")
    updated_odoo = fields.Integer("Updated in Odoo")
    linked = fields.Integer()
    archived = fields.Integer()
    unchanged = fields.Integer()
    conflicts = fields.Integer()
    to_review = fields.Integer(
        "To review", help="Records whose first link was not sure: see the match review."
    )
    failed = fields.Integer()
    summary = fields.Text(compute="_compute_summary")

    @api.depends(*COUNTERS, "state", "message")
    def _compute_summary(self):
        for log in self:
            parts = [f"{log._fields[name].string}: {log[name]}" for name in COUNTERS if log[name]]
            text = ", ".join(parts) or self.env._("Nothing to do.")
            if log.message:
                text = f"{log.message}\n{text}"
            log.summary = text

    @api.depends("start", "trigger")
    def _compute_display_name(self):
        triggers = dict(TRIGGERS)
        for log in self:
            log.display_name = f"{triggers.get(log.trigger)} {log.start or ''}"
