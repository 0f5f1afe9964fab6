"""First links of one record kind: the match rules (matching.py) and the match reviews.

Unlinked Odoo records and unlinked Billy records are decided together (matching.decide):
a sure match links, an ambiguous one waits in a pending billy.match.review (neither linked nor
created, counted "to review"), the rest is created on the other side. What a person decided in
a review stands: pending or ignored records are left alone, "created" ones are created
without matching, linked ones already have their link.
"""

from .engine_port import EnginePort
from .errors import MappingError
from .mapping import mapping_for, odoo_values
from .matching import CREATE, HELD, REVIEW, SURE, decide, describe
from .messages import Message
from .vocabulary import kind_of


def sure_because(env, key):
    """Why a first link was sure, as its log line says."""
    return Message(env, f"match_{key}")


class FirstLinks(EnginePort):
    """One kind's first links in one run (`run`: the SyncRun, `kind`: its RecordKind)."""

    def __init__(self, run, kind):
        super().__init__(run, kind)
        self.reviews = run.env["billy.match.review"].sudo()
        self.accept_names = run.company.billy_accept_name_matches
        decisions = self.reviews._billy_decisions(run.company, kind.res_model)
        self.skip_odoo, self.create_odoo, self.skip_billy, self.create_billy = decisions

    # --- the bulk walk --------------------------------------------------------------------

    def link_or_create(self, todo, unlinked_billy):
        """Odoo records not in Billy yet (`todo`) and Billy records nobody linked."""
        if self.pushes:
            self.ensure_links(todo)
        values, errors, entries = {}, {}, []
        for batch in self.batches(todo):
            for record in batch:
                if record.id in self.skip_odoo or record.id in self.create_odoo:
                    continue
                try:
                    values[record.id] = self._values(record)
                except MappingError as error:
                    errors[record.id] = error  # raised again in the record's savepoint
                    continue
                entries.append(self.kind.odoo_entry(record, values[record.id]))
            self.forget_cache()  # read a batch at a time, as the walk does
        free_billy = {
            billy_id: flat
            for billy_id, flat in unlinked_billy.items()
            if billy_id not in self.skip_billy and billy_id not in self.create_billy
        }
        billy_entries = [self.kind.billy_entry(flat) for flat in free_billy.values()]
        plan = decide(entries, billy_entries, self.accept_names)
        # kept for what is created or reviewed; a sure link compares the values again
        values = {rid: v for rid, v in values.items() if plan.odoo[rid].outcome != SURE}
        self._forget_stale_reviews(todo, unlinked_billy)
        for batch in self.batches(todo):
            for record in batch:
                self.guarded(
                    record,
                    lambda r=record: self._decided(
                        r, plan.odoo.get(r.id), unlinked_billy, values, errors
                    ),
                )
        for billy_id, decision in plan.billy.items():
            self.guarded(
                None,
                lambda b=billy_id, d=decision: self._billy_review(unlinked_billy[b], d, todo),
                self.kind.billy_kind_of(unlinked_billy[billy_id]),
            )
        if not self.pulls:
            return
        for billy_id, flat in unlinked_billy.items():
            if flat.get("isArchived") or billy_id in self.skip_billy:
                continue
            if billy_id in self.create_billy or (
                billy_id in free_billy and plan.billy_free(billy_id)
            ):
                self.guarded(
                    None, lambda f=flat: self.create_in_odoo(f), self.kind.billy_kind_of(flat)
                )

    def _forget_stale_reviews(self, todo, unlinked_billy):
        """Pending reviews of records that are no longer unlinked (linked meanwhile, deleted,
        archived, out of scope): nothing is left to decide."""
        reviews = self.reviews.search(
            [
                ("company_id", "=", self.company.id),
                ("res_model", "=", self.kind.res_model),
                ("record_kind", "in", self.kind_names()),
                ("state", "=", "pending"),
            ]
        )
        unlinked_odoo = set(todo.ids)
        reviews.filtered(
            lambda review: (
                review.res_id not in unlinked_odoo
                if review.side == "odoo"
                else review.billy_id not in unlinked_billy
            )
        ).unlink()

    def _values(self, record):
        return odoo_values(mapping_for(self.company, kind_of(record)), record, self.ctx)

    def _decided(self, record, decision, unlinked_billy, values, errors):
        if record.id in errors:
            raise errors[record.id]
        if record.id in self.create_odoo:
            self._create_decided(record)
        elif record.id in self.skip_odoo:
            self._waiting(record)
        elif decision.outcome == SURE:
            flat = unlinked_billy[decision.billy_id]
            self.link_first(record, flat, sure_because(self.env, decision.key))
        elif decision.outcome == REVIEW:
            candidates = [unlinked_billy[billy_id] for billy_id in decision.candidates]
            self._odoo_review(record, values[record.id], decision, candidates)
        elif decision.outcome == HELD:
            self.outcome(record, self.env._("waiting for your review"))
        elif decision.outcome == CREATE:
            self._create(record, values.get(record.id))

    def _create(self, record, values=None):
        if self.pushes:
            self.create_in_billy(record, values or self._values(record))
        else:
            self.outcome(record, self.env._("not in Billy; the sync direction is Billy → Odoo"))

    def _create_decided(self, record):
        """A person decided to create this record in Billy (match review)."""
        self._create(record)

    def _waiting(self, record):
        """A record a review decides about: its own, or one where it is a candidate."""
        review = self.reviews.search(
            [
                ("company_id", "=", self.company.id),
                ("res_model", "=", record._name),
                "|",
                "&",
                ("side", "=", "odoo"),
                ("res_id", "=", record.id),
                "&",
                ("side", "=", "billy"),
                ("candidate_ids.res_id", "=", record.id),
            ],
            order="state_order, id desc",
            limit=1,
        )
        if review.state == "ignored":
            self.outcome(record, self.env._("ignored in the match review"))
            return
        if review:
            self.run.reviews |= review
        self.count("to_review")
        self.outcome(record, self.env._("waiting for your review"))

    # --- reviews ----------------------------------------------------------------------------

    def _odoo_review(self, record, values, decision, candidates):
        subject = {"res_model": record._name, "res_id": record.id, **describe(values)}
        subject["record_name"] = record.display_name
        rows = [self._billy_row(flat) for flat in candidates]
        review = self.reviews._billy_pending(
            self.company, kind_of(record), decision.reason, subject, rows
        )
        self._to_review(record, review, [flat["id"] for flat in candidates])

    def _billy_review(self, flat, decision, todo):
        records = todo.browse(decision.candidates)
        subject = {**self._billy_row(flat), "snapshot": flat}
        rows = [
            {
                "res_model": r._name,
                "res_id": r.id,
                **describe(self._values(r)),
                "record_name": r.display_name,
            }
            for r in records
        ]
        review = self.reviews._billy_pending(
            self.company, self.kind.billy_kind_of(flat), decision.reason, subject, rows
        )
        self._to_review(None, review, [flat["id"]])

    def _billy_row(self, flat):
        return {"res_model": self.kind.res_model, "billy_id": flat["id"], **describe(flat)}

    def _to_review(self, record, review, billy_ids):
        self.run.reviews |= review
        self.count("to_review")
        reason = dict(review._fields["reason"]._description_selection(self.env))[review.reason]
        message = Message(
            self.env,
            "review",
            reason=reason,
            candidates=", ".join(review.candidate_ids.mapped("record_name")),
        )
        self.line(review.record_kind, record, ", ".join(billy_ids), "review", message)
        if record:
            self.outcome(record, self.env._("waiting for your review"))

    # --- one record (the Sync with Billy button) --------------------------------------------

    def link_or_create_one(self, record, candidates):
        """One unlinked Odoo record against the Billy records a search found (`candidates`)."""
        if record.id in self.create_odoo:
            self._create_decided(record)
            return
        if record.id in self.skip_odoo:
            self._waiting(record)
            return
        values = self._values(record)
        free = {
            billy_id: flat
            for billy_id, flat in candidates.items()
            if billy_id not in self.skip_billy and not self.is_linked(billy_id)
        }
        plan = decide(
            [self.kind.odoo_entry(record, values)],
            [self.kind.billy_entry(flat) for flat in free.values()],
            self.accept_names,
        )
        decision = plan.odoo[record.id]
        if decision.outcome == SURE:
            self.link_first(record, free[decision.billy_id], sure_because(self.env, decision.key))
        elif decision.outcome == REVIEW:
            rows = [free[billy_id] for billy_id in decision.candidates]
            self._odoo_review(record, values, decision, rows)
        else:
            self._create(record, values)
