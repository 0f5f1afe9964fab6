from odoo import fields, models

from odoo.addons.billy_connector.sync.errors import SyncBusyError
from odoo.addons.billy_connector.sync.run import SyncRun
from odoo.addons.queue_job.exception import RetryableJobError

from billy_api import BillyConnectionError, BillyRateLimitError, BillyServerError

from .res_company import jobs_domain

# what a later try may not meet: Billy asks to slow down (429), fails on its side (5xx) or
# cannot be reached, or another sync of the company holds its lock; the job retries the part
# (back-off: the retry pattern of data/queue_job_data.xml)
RETRYABLE = (BillyRateLimitError, BillyServerError, BillyConnectionError, SyncBusyError)


class BillySyncLog(models.Model):
    _inherit = "billy.sync.log"

    def _billy_job_part(self, part):
        """Job: one part of the company's bulk sync, its counts added to this log."""
        self.ensure_one()
        log = self.sudo()
        if log.state == "failed":  # an earlier part failed the run: the rest is not done
            return f"{part}: skipped, the sync failed"
        run = SyncRun(log.company_id, trigger=log.trigger)
        try:
            with self.env.cr.savepoint():  # a retry starts from a clean slate
                run.run_part(log, part, reraise=RETRYABLE)
        except RETRYABLE as error:
            seconds = getattr(error, "retry_after", None)
            raise RetryableJobError(str(error), seconds=seconds) from error
        return f"{part}: {log.summary}"

    def _billy_job_close(self):
        """Job: the last of a bulk sync; ends the log, its state from the summed counts."""
        self.ensure_one()
        log = self.sudo()
        if log.state != "failed":
            log.message = False  # the "queued" note: the summary says what happened now
        SyncRun(log.company_id, trigger=log.trigger).close_log(log)
        return log.summary

    def _billy_job_failed(self, exc_message=None, **_values):
        """A job of this sync failed for good (queue.job.function on_fail_method): the log
        fails, and the jobs waiting for it are cancelled, so that Sync now queues anew."""
        log = self.sudo()
        log.write(
            {
                "state": "failed",
                "end": fields.Datetime.now(),
                "message": self.env._(
                    "A job of this sync failed after its retries: %s", exc_message or ""
                ),
            }
        )
        for company in log.company_id:
            waiting = (
                self.env["queue.job"].sudo().search(jobs_domain(company, ["wait_dependencies"]))
            )
            waiting.button_cancelled()
