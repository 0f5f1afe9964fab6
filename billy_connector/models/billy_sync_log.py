from odoo import api, fields, models
from odoo.tools import format_datetime

from ..sync.sanitize import clean_values
from ..sync.vocabulary import COUNTERS, RUN_STATES, summary_text

TRIGGERS = [("manual", "Bulk sync"), ("cron", "Automatic"), ("record", "Sync with Billy")]


class BillySyncLog(models.Model):
    """One sync run: when, who, which way, and what happened (counts and lines)."""

    _name = "billy.sync.log"
    _description = "Billy sync run"
    _inherit = ["mail.thread", "billy.message.mixin"]
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
    state = fields.Selection(RUN_STATES, default="running", required=True)
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

    @api.model_create_multi
    def create(self, vals_list):
        return super().create(clean_values(self._billy_message_values(vals_list)))

    def write(self, vals):
        # the run's message may quote Billy (see sync/sanitize.py)
        return super().write(clean_values(self._billy_message_values([vals])[0]))

    @api.depends(*COUNTERS, "state", "message_code", "message_params")
    @api.depends_context("lang")
    def _compute_summary(self):
        for log in self:
            log.summary = summary_text(log, self.env._("Nothing to do."))

    @api.depends("start", "trigger")
    @api.depends_context("lang", "tz")
    def _compute_display_name(self):
        """The run's kind and start, in the reader's language and time zone."""
        triggers = dict(self._fields["trigger"]._description_selection(self.env))
        for log in self:
            start = format_datetime(self.env, log.start, dt_format="short") if log.start else ""
            log.display_name = f"{triggers.get(log.trigger, '')} {start}".strip()
