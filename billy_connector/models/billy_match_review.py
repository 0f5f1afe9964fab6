from odoo import api, fields, models
from odoo.exceptions import UserError

from ..sync.run import SyncRun
from .billy_link import RECORD_KINDS

REVIEW_REASONS = [
    ("several_candidates", "Several records share the best key"),
    ("name_only", "Only the name agrees"),
    ("shared_email", "The only shared e-mail is used by several records"),
    ("merged", "Merged into another partner in Odoo"),
]
REVIEW_STATES = [
    ("pending", "Waiting for a decision"),
    ("linked", "Linked"),
    ("created", "Created as new"),
    ("ignored", "Ignored"),
]
SIDES = [("odoo", "Odoo record"), ("billy", "Billy record")]
# what a review shows of each side (sync/matching.describe)
SUMMARY_FIELDS = ("record_name", "registration_no", "email", "address", "product_no", "price")


def _summary(values):
    return {name: values.get(name) or False for name in SUMMARY_FIELDS}


def _pending_values(company, kind, reason, side, subject, candidates):
    """A pending review's values (see BillyMatchReview._billy_pending)."""
    rows = [
        {
            "res_id": candidate.get("res_id") or False,
            "billy_id": candidate.get("billy_id") or False,
            **_summary(candidate),
        }
        for candidate in candidates
    ]
    return {
        "company_id": company.id,
        "record_kind": kind,
        "side": side,
        "res_model": subject["res_model"],
        "res_id": subject.get("res_id") or False,
        "billy_id": subject.get("billy_id") or False,
        "billy_snapshot": subject.get("snapshot") or False,
        "reason": reason,
        "state": "pending",
        **_summary(subject),
        "candidate_ids": [fields.Command.clear()] + [fields.Command.create(r) for r in rows],
    }


class BillyMatchReview(models.Model):
    """A record whose first link was not sure: a person links it, creates it or ignores it.

    One line per undecided record and company; `side` says whose record waits (an Odoo record
    with Billy candidates, or a Billy record that several Odoo records want). The decision is
    kept: while pending or ignored the sync skips the record, once created it is created, once
    linked the link exists.
    """

    _name = "billy.match.review"
    _description = "Billy match review"
    _inherit = ["mail.thread"]
    _order = "state_order, id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    record_kind = fields.Selection(
        [kind for kind in RECORD_KINDS if kind[0] != "invoice"], required=True
    )
    side = fields.Selection(SIDES, string="Waiting", required=True, default="odoo")
    res_model = fields.Char(string="Odoo model", required=True)
    res_id = fields.Many2oneReference(string="Odoo record", model_field="res_model", index=True)
    billy_id = fields.Char(string="Billy id", index=True)
    billy_snapshot = fields.Json(help="The Billy record as the sync last read it.")
    reason = fields.Selection(REVIEW_REASONS, required=True)
    state = fields.Selection(
        REVIEW_STATES, default="pending", required=True, index=True, tracking=True
    )
    state_order = fields.Integer(compute="_compute_state_order", store=True)
    candidate_ids = fields.One2many("billy.match.review.candidate", "review_id")
    candidate_count = fields.Integer(compute="_compute_candidate_count")
    chosen_id = fields.Many2one("billy.match.review.candidate", string="Linked to", readonly=True)
    decided_by = fields.Many2one("res.users", readonly=True)
    decided_on = fields.Datetime(readonly=True)
    can_create = fields.Boolean(compute="_compute_can_create")
    # the waiting record, as the sync saw it (sync/matching.describe)
    record_name = fields.Char("Record")
    registration_no = fields.Char("CVR/VAT")
    email = fields.Char("E-mail")
    address = fields.Char()
    product_no = fields.Char("Product number")
    price = fields.Float()

    _unique_odoo_record = models.UniqueIndex(
        "(company_id, res_model, res_id) WHERE side = 'odoo'",
        "An Odoo record has one match review per company.",
    )
    _unique_billy_record = models.UniqueIndex(
        "(company_id, res_model, billy_id) WHERE side = 'billy'",
        "A Billy record has one match review per company.",
    )

    @api.depends("state")
    def _compute_state_order(self):
        for review in self:
            review.state_order = 0 if review.state == "pending" else 1

    @api.depends("candidate_ids")
    def _compute_candidate_count(self):
        for review in self:
            review.candidate_count = len(review.candidate_ids)

    @api.depends("side", "company_id.billy_sync_direction")
    def _compute_can_create(self):
        for review in self:
            forbidden = "billy_to_odoo" if review.side == "odoo" else "odoo_to_billy"
            review.can_create = review.company_id.billy_sync_direction != forbidden

    @api.depends("record_name", "record_kind", "side")
    def _compute_display_name(self):
        kinds = dict(self._fields["record_kind"]._description_selection(self.env))
        for review in self:
            review.display_name = f"{kinds.get(review.record_kind)}: {review.record_name or '—'}"

    def _record(self):
        """The waiting Odoo record (side odoo), or an empty recordset."""
        self.ensure_one()
        if self.side != "odoo" or not self.res_id:
            return self.env[self.res_model]
        return self.env[self.res_model].browse(self.res_id).exists()

    # --- what the sync writes and reads (sync/first_link.py) ---------------------------------

    @api.model
    def _billy_pending(self, company, kind, reason, subject, candidates):
        """Create or refresh the pending review of one record; never a second one.

        `subject` and each candidate are dicts: `res_id` (Odoo) or `billy_id` and `snapshot`
        (Billy), `res_model`, and what describe() shows.
        """
        side = "odoo" if subject.get("res_id") else "billy"
        key = "res_id" if side == "odoo" else "billy_id"
        domain = [("company_id", "=", company.id), ("side", "=", side)]
        domain += [("res_model", "=", subject["res_model"]), (key, "=", subject[key])]
        review = self.search(domain, limit=1)
        values = _pending_values(company, kind, reason, side, subject, candidates)
        if review and review.state != "pending":
            return review  # decided: the decision stands
        if review:
            review.write(values)
            return review
        return self.create(values)

    @api.model
    def _billy_decisions(self, company, res_model):
        """What the reviews of a company say about its unlinked records of one model.

        Returns (skip Odoo ids, create Odoo ids, skip Billy ids, create Billy ids): records the
        sync must leave alone (pending, ignored, or a candidate of a pending review), and
        records a person decided to create on the other side. The candidates of an ignored
        review stay alone too: nobody said they are different records.
        """
        reviews = self.search_fetch(
            [
                ("company_id", "=", company.id),
                ("res_model", "=", res_model),
                ("state", "in", ("pending", "ignored", "created")),
            ],
            ["side", "res_id", "billy_id", "state"],
        )
        skip_odoo, create_odoo, skip_billy, create_billy = set(), set(), set(), set()
        for review in reviews:
            if review.side == "odoo":
                (create_odoo if review.state == "created" else skip_odoo).add(review.res_id)
                if review.state != "created":
                    skip_billy.update(review.candidate_ids.mapped("billy_id"))
            else:
                (create_billy if review.state == "created" else skip_billy).add(review.billy_id)
                if review.state != "created":
                    skip_odoo.update(review.candidate_ids.mapped("res_id"))
        return skip_odoo, create_odoo, skip_billy - {False}, create_billy

    # --- decisions --------------------------------------------------------------------------

    def _check_pending(self):
        self.check_access("write")
        self.company_id._billy_check_manager()
        for review in self:
            if review.state != "pending":
                raise UserError(self.env._("%s has already been decided.", review.display_name))

    def _decide(self, state, message, chosen=None):
        self.write(
            {
                "state": state,
                "chosen_id": chosen.id if chosen else False,
                "decided_by": self.env.uid,
                "decided_on": fields.Datetime.now(),
            }
        )
        body = self.env._("%(decision)s by %(user)s.", decision=message, user=self.env.user.name)
        self.message_post(body=body)
        record = chosen._record() if chosen and self.side == "billy" else self._record()
        if record:
            record.message_post(body=self.env._("Billy match review: %s", body))

    def _sync_now(self, record):
        """The decided record syncs at once; returns the popup of that sync."""
        run = SyncRun(self.company_id, trigger="record")
        log = run.run_records(record.with_company(self.company_id))
        return self.env["billy.sync.result"]._open_for(run.outcomes, log, run.reviews)

    def _link(self, candidate):
        self._check_pending()
        self.ensure_one()
        if self.side == "odoo":
            record, billy_id = self._record(), candidate.billy_id
        else:
            record, billy_id = candidate._record(), self.billy_id
        if not record:
            raise UserError(self.env._("The Odoo record of this review no longer exists."))
        Link = self.env["billy.link"].sudo()
        domain = [("company_id", "=", self.company_id.id), ("res_model", "=", self.res_model)]
        taken = Link.search([*domain, ("billy_id", "=", billy_id), ("res_id", "!=", record.id)])
        if taken:
            raise UserError(
                self.env._(
                    "Billy record %(billy)s is already linked to %(record)s.",
                    billy=billy_id,
                    record=taken.display_record,
                )
            )
        link = Link.search([*domain, ("res_id", "=", record.id)], limit=1)
        if link.billy_id and link.billy_id != billy_id:
            raise UserError(
                self.env._(
                    "%(record)s is already linked to Billy record %(billy)s.",
                    record=record.display_name,
                    billy=link.billy_id,
                )
            )
        values = {"billy_id": billy_id, "state": "changed", "error": False}
        if link:
            link.write(values)
        else:
            Link.create(
                {
                    **values,
                    "company_id": self.company_id.id,
                    "res_model": record._name,
                    "res_id": record.id,
                    "record_kind": self.record_kind,
                }
            )
        self._decide(
            "linked",
            self.env._(
                "Linked %(record)s to Billy record %(billy)s",
                record=record.display_name,
                billy=billy_id,
            ),
            candidate,
        )
        return self._sync_now(record)

    def action_create(self):
        """Create the waiting record as new on the other side, at once."""
        self._check_pending()
        self.ensure_one()
        if not self.can_create:
            raise UserError(
                self.env._(
                    "The sync direction of %s does not create records on that side.",
                    self.company_id.name,
                )
            )
        if self.side == "odoo":
            record = self._record()
            if not record:
                raise UserError(self.env._("The Odoo record of this review no longer exists."))
            self._decide("created", self.env._("Created as new in Billy"))
            return self._sync_now(record)
        self._decide("created", self.env._("Created as new in Odoo"))
        run = SyncRun(self.company_id, trigger="record")
        log = run.run_billy_record(self.record_kind, self.billy_id)
        return self.env["billy.sync.result"]._open_for(run.outcomes, log)

    def action_ignore(self):
        """Leave the record out of the sync until the review is reset."""
        self._check_pending()
        for review in self:
            review._decide("ignored", self.env._("Ignored"))
        return True

    def action_reset(self):
        """Forget an ignore: the record is matched again (at once for an Odoo record)."""
        self.check_access("write")
        self.company_id._billy_check_manager()
        ignored = self.filtered(lambda review: review.state == "ignored")
        if ignored != self:
            raise UserError(self.env._("Only an ignored review can be reset."))
        records = [(review.company_id, review._record()) for review in self]
        for review in self:
            record = review._record()
            if record:
                record.message_post(
                    body=self.env._(
                        "Billy match review reset by %s: matched again.", self.env.user.name
                    )
                )
        self.unlink()
        for company, record in records:
            if record:
                SyncRun(company, trigger="record").run_records(record.with_company(company))
        return True

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
