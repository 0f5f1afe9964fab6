from odoo import models

from odoo.addons.billy_connector.sync.run import PARTS, SyncRun
from odoo.addons.queue_job.delay import chain

CHANNEL = "root.billy"
# the states of a job that is still to run, or running
ACTIVE_STATES = ("wait_dependencies", "pending", "enqueued", "started")


def identity_key(company, step):
    """The identity of one job of a company's bulk sync: `step` is a part or "close"."""
    return f"billy:{company.id}:{step}"


def jobs_domain(company, states=ACTIVE_STATES):
    """The queue.job records of the company's bulk syncs in `states`."""
    return [("identity_key", "=like", identity_key(company, "%")), ("state", "in", list(states))]


class ResCompany(models.Model):
    _inherit = "res.company"

    def _billy_run_sync_all(self, trigger):
        """Queue the bulk sync as jobs, one per part then one that closes the log; returns
        the log. While a sync of the company is queued or running, the same log again."""
        self.ensure_one()
        queued = self._billy_queued_log()
        if queued:
            return queued
        company = self.sudo()
        log = SyncRun(company, trigger=trigger).open_log()
        log.message = self.env._(
            "Queued: this sync runs as jobs on the channel %s; this log fills in as they run.",
            CHANNEL,
        )
        steps = [
            log.delayable(
                identity_key=identity_key(company, part),
                description=self.env._(
                    "Billy sync of %(company)s: %(part)s", company=company.name, part=part
                ),
            )._billy_job_part(part)
            for part in PARTS
        ]
        close = log.delayable(
            identity_key=identity_key(company, "close"),
            description=self.env._("Billy sync of %s: close the log", company.name),
        )._billy_job_close()
        chain(*steps, close).delay()
        return log.with_env(self.env)

    def _billy_queued_log(self):
        """The log of the company's bulk sync whose jobs are still to run (or running)."""
        job = self.env["queue.job"].sudo().search(jobs_domain(self), order="id", limit=1)
        return job.records.exists().with_env(self.env) if job else self.env["billy.sync.log"]
