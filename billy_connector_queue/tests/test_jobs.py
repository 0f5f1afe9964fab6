import itertools

from odoo import sql_db
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.billy_connector.sync.run import LOCK_NAMESPACE, PARTS, SyncRun
from odoo.addons.billy_connector.tests.common import InvoiceCase
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import JobCounter, trap_jobs

STEPS = [*PARTS, "close"]
# more than the client's own tries (1 + max_retries 4): the part fails, the job is retried
CLIENT_TRIES = 5


@tagged("post_install", "-at_install")
class TestBillyJobs(InvoiceCase):
    """Bulk syncs as queue_job jobs: identity, channel, retry, the log they assemble."""

    def build_books(self):
        """Two more companies with a contact person each, a person, a product, two invoices
        (besides the customer and the product of InvoiceCase)."""
        orgs = self.customer
        for i in range(2):
            org = self.make_company(f"Kunde {i} ApS", vat=f"DK{30000000 + i}", city=f"By {i}")
            self.env["res.partner"].create(
                {"name": f"Person {i}", "email": f"p{i}@kunde{i}.dk", "parent_id": org.id}
            )
            orgs |= org
        self.env["res.partner"].create(
            {"name": "Privat", "email": "privat@example.dk", "country_id": self.denmark.id}
        )
        other = self.make_product("Rengøring", default_code="RG-1", list_price=150.0)
        self.invoice([self.line()], partner=orgs[1])
        self.invoice([self.line(product=other, quantity=2)], partner=orgs[2])

    def jobs_by_step(self, trap):
        """The trapped jobs, by part ("close": the last one)."""
        jobs = {}
        for job in trap.enqueued_jobs:
            jobs[job.args[0] if job.method_name == "_billy_job_part" else "close"] = job
        self.assertEqual(sorted(jobs), sorted(STEPS))
        return jobs

    def company_logs(self):
        return self.env["billy.sync.log"].search([("company_id", "=", self.company.id)])

    def company_links(self):
        return self.env["billy.link"].search(
            [("company_id", "=", self.company.id), ("billy_id", "!=", False)]
        )

    def assert_synced_once(self, log):
        """The log adds up what the records got, and Billy has each record once."""
        links = self.company_links()
        self.assertEqual(log.state, "done", log.summary)
        self.assertFalse(log.message)  # the "queued" note is gone
        self.assertTrue(log.end)
        self.assertEqual(len(links.mapped("billy_id")), len(links))  # one Billy id each
        self.assertEqual(set(links.mapped("state")), {"synced"})
        self.assertEqual(log.created_billy, len(links))  # Billy was empty: all created
        created = log.line_ids.filtered(lambda line: line.action == "created")
        self.assertEqual(len(created), len(links))
        self.assertEqual(sorted(created.mapped("billy_id")), sorted(links.mapped("billy_id")))
        by_kind = {
            kind: len(links.filtered(lambda k, kind=kind: k.record_kind == kind))
            for kind in ("organization", "person", "contact_person", "product", "invoice")
        }
        self.assertEqual(
            by_kind,
            {"organization": 3, "person": 1, "contact_person": 2, "product": 2, "invoice": 2},
        )
        contacts = self.billy_contacts()
        self.assertEqual(len(contacts), 4)
        self.assertEqual(len({c["name"] for c in contacts}), 4)
        self.assertEqual(sum(len(c["contactPersons"]) for c in contacts), 4)  # 2 + 2 primary
        self.assertEqual(len(self.billy_products()), 2)
        self.assertEqual(len(list(self.billy.list("invoices"))), 2)

    # --- queuing --------------------------------------------------------------------------

    def test_sync_now_queues_a_chain_of_jobs_on_the_billy_channel(self):
        with trap_jobs() as trap:
            log = self.sync()
            trap.assert_jobs_count(len(STEPS))
            for part in PARTS:
                trap.assert_enqueued_job(
                    log._billy_job_part,
                    args=(part,),
                    properties={"identity_key": f"billy:{self.company.id}:{part}"},
                )
            trap.assert_enqueued_job(
                log._billy_job_close,
                properties={"identity_key": f"billy:{self.company.id}:close"},
            )
            jobs = self.jobs_by_step(trap)
        self.assertEqual({job.channel for job in jobs.values()}, {"root.billy"})
        # a chain: each job waits for the one before
        for before, after in itertools.pairwise(STEPS):
            self.assertEqual(jobs[after].depends_on, {jobs[before]})
        self.assertEqual(log.state, "running")
        self.assertIn("root.billy", log.message)
        self.assertFalse(self.company_links())  # nothing ran yet
        self.assertEqual(self.writes(), {})

    def test_pressing_sync_now_twice_queues_once(self):
        counter = JobCounter(self.env)
        log = self.sync()
        jobs = counter.search_created()
        self.assertEqual(len(jobs), len(STEPS))
        self.assertEqual(set(jobs.mapped("channel")), {"root.billy"})
        self.assertEqual(
            set(jobs.mapped("identity_key")), {f"billy:{self.company.id}:{s}" for s in STEPS}
        )
        logs = self.company_logs()
        self.assertEqual(self.sync(), log)  # the same log, nothing queued
        self.assertEqual(counter.count_created(), len(STEPS))
        self.assertEqual(self.company_logs(), logs)
        # the dashboard counts them
        dashboard = self.env["billy.dashboard"].create({})
        self.assertEqual((dashboard.job_pending_count, dashboard.job_failed_count), (5, 0))

        # performed as the job runner does: in order, each marked done
        by_step = {job.identity_key.rsplit(":", 1)[1]: job for job in jobs}
        for step in STEPS:
            job = Job.load(self.env, by_step[step].uuid)
            job.perform()
            job.set_done()
            job.store()
        self.assertEqual(log.state, "done", log.summary)
        self.assertEqual(log.created_billy, len(self.company_links()))
        # done: the next press queues a new sync
        self.assertNotEqual(self.sync(), log)
        self.assertEqual(counter.count_created(), 2 * len(STEPS))

    def test_only_billy_managers_queue_a_sync(self):
        counter = JobCounter(self.env)
        plain = new_test_user(self.env, login="plain_q", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.company.with_user(plain).billy_sync_all()
        with self.assertRaises(AccessError):  # the scheduler's trigger: for the cron only
            self.company.with_user(plain).billy_sync_all(trigger="cron")
        self.assertEqual(counter.count_created(), 0)
        manager = new_test_user(
            self.env,
            login="manager_q",
            groups="billy_connector.group_billy_manager",
            company_ids=[(6, 0, self.company.ids)],
            company_id=self.company.id,
        )
        env = self.env(user=manager, context={"allowed_company_ids": self.company.ids})
        with trap_jobs() as trap:
            log = self.company.with_env(env).billy_sync_all()
            trap.perform_enqueued_jobs()
        self.assertEqual(log.state, "done", log.summary)
        self.assertEqual(log.user_id, manager)
        self.assertEqual(self.company_links().mapped("record_kind"), ["organization", "product"])

    # --- performing -----------------------------------------------------------------------

    def test_jobs_assemble_one_log_and_leave_nothing_for_an_inline_sync(self):
        self.build_books()
        logs = self.company_logs()
        with trap_jobs() as trap:
            log = self.sync()
            trap.perform_enqueued_jobs()
        self.assertEqual(self.company_logs() - logs, log)  # one log for the five jobs
        self.assert_synced_once(log)
        # the same books synced inline now: nothing left to do, nothing duplicated
        billy_ids = sorted(self.company_links().mapped("billy_id"))
        inline = SyncRun(self.company).run_all()
        self.assertEqual(inline.state, "done", inline.summary)
        self.assertEqual(
            (inline.created_billy, inline.created_odoo, inline.linked, inline.failed), (0, 0, 0, 0)
        )
        self.assertEqual(sorted(self.company_links().mapped("billy_id")), billy_ids)

    def test_rate_limit_and_server_error_retry_the_job(self):
        self.build_books()
        self.sandbox.set_faults(
            [
                {
                    "kind": "rate_limit",
                    "status": 429,
                    "retry_after": 0,
                    "method": "GET",
                    "path": "^/v2/products$",
                    "count": CLIENT_TRIES,
                },
                {
                    "kind": "error",
                    "status": 503,
                    "retry_after": 0,
                    "method": "GET",
                    "path": "^/v2/invoices$",
                    "count": CLIENT_TRIES,
                },
            ]
        )
        with trap_jobs() as trap:
            log = self.sync()
            jobs = self.jobs_by_step(trap)
        jobs["contacts"].perform()
        jobs["contact_persons"].perform()
        counts = (log.created_billy, log.failed)
        for part, status in (("products", "429"), ("invoices", "503")):
            with self.assertRaises(RetryableJobError) as caught:
                jobs[part].perform()
            self.assertIn(f"HTTP {status}", str(caught.exception))
            # the part's work is rolled back; the back-off: the job function's retry pattern
            self.assertEqual((log.created_billy, log.failed), counts)
            self.assertEqual(log.state, "running")
            self.assertEqual(jobs[part].retry, 1)
            self.assertEqual(jobs[part]._get_retry_seconds(), 60)
            jobs[part].perform()  # Billy answers again
            counts = (log.created_billy, log.failed)
        jobs["close"].perform()
        self.assertEqual(self.sandbox.stats()["faults"].get("rate_limit"), CLIENT_TRIES)
        self.assert_synced_once(log)

    def test_a_company_busy_elsewhere_retries_the_job(self):
        with trap_jobs() as trap:
            log = self.sync()
            jobs = self.jobs_by_step(trap)
        # another worker's sync of the company holds its lock
        with sql_db.db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_NAMESPACE, self.company.id))
            try:
                with self.assertRaises(RetryableJobError):
                    jobs["contacts"].perform()
            finally:
                other.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", (LOCK_NAMESPACE, self.company.id)
                )
        self.assertEqual(log.state, "running")
        jobs["contacts"].perform()
        self.assertEqual(log.created_billy, 1)  # the customer

    def test_a_job_failed_for_good_fails_the_log_and_frees_the_company(self):
        counter = JobCounter(self.env)
        log = self.sync()
        jobs = counter.search_created()
        first = jobs.filtered(lambda j: j.identity_key.endswith(":contacts"))
        job = Job.load(self.env, first.uuid)
        job.set_failed(exc_message="Billy is down")
        job.store()
        log._billy_job_failed(exc_message="Billy is down")
        self.assertEqual(log.state, "failed")
        self.assertIn("Billy is down", log.message)
        self.assertEqual(set((jobs - first).mapped("state")), {"cancelled"})
        dashboard = self.env["billy.dashboard"].create({})
        self.assertEqual((dashboard.job_pending_count, dashboard.job_failed_count), (0, 1))
        # requeued, the failed job's part does nothing on a failed log
        self.assertIn("skipped", Job.load(self.env, first.uuid).perform())
        self.assertFalse(self.company_links())
        # the next press starts afresh
        self.assertNotEqual(self.sync(), log)
        self.assertEqual(counter.count_created(), 2 * len(STEPS))
