from odoo import api, fields, models

from ..models.res_company import ACTIVE_STATES, identity_key, jobs_domain


class BillyDashboard(models.TransientModel):
    _inherit = "billy.dashboard"

    job_pending_count = fields.Integer(
        string="Billy jobs pending",
        compute="_compute_billy_jobs",
        help="Jobs of the company's bulk sync still to run or running (channel root.billy).",
    )
    job_failed_count = fields.Integer(
        string="Billy jobs failed",
        compute="_compute_billy_jobs",
        help="Jobs of the company's bulk syncs that failed after their retries.",
    )

    @api.depends("company_id")
    def _compute_billy_jobs(self):
        Job = self.env["queue.job"].sudo()  # counts only: the jobs are for queue managers
        for dashboard in self:
            company = dashboard.company_id
            dashboard.job_pending_count = Job.search_count(jobs_domain(company, ACTIVE_STATES))
            dashboard.job_failed_count = Job.search_count(jobs_domain(company, ["failed"]))

    def action_open_billy_jobs(self):
        """The company's Billy jobs (queue_job's list: job managers only)."""
        self.ensure_one()
        self.company_id._billy_check_manager()
        action = self.env["ir.actions.act_window"]._for_xml_id("queue_job.action_queue_job")
        action["domain"] = [("identity_key", "=like", identity_key(self.company_id, "%"))]
        action["context"] = {}
        return action
