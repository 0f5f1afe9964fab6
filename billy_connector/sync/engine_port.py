"""What first_link.py uses of a sync run: the run's own steps, named once here."""

from .mapping import mapping_for
from .vocabulary import BILLY_TO_ODOO, ODOO_TO_BILLY, kind_of


class EnginePort:
    def __init__(self, run, handler):
        self.run = run
        self.kind = handler
        self.env = run.env
        self.company = run.company
        self.ctx = run.ctx
        self.pushes = run.direction != BILLY_TO_ODOO
        self.pulls = run.direction != ODOO_TO_BILLY

    def batches(self, records):
        return self.run.batches(records)

    def kind_names(self):
        return list(self.kind.kinds)

    def forget_cache(self):
        self.env.invalidate_all()

    def ensure_links(self, records):
        self.run.links.ensure(records)

    def guarded(self, record, work, kind=None):
        self.run.guard.guarded(record, kind or kind_of(record), work)

    def is_linked(self, billy_id):
        return self.run.links.is_linked(self.kind.res_model, billy_id)

    def link_first(self, record, flat, because):
        kind = kind_of(record)
        link = self.run.links.of(record, kind)
        link.billy_id = flat["id"]
        self.run.pairs.reconcile(self.kind, kind, link, record, flat, first=True, because=because)

    def create_in_billy(self, record, values):
        kind = kind_of(record)
        lines = mapping_for(self.company, kind)
        self.run.push.create_in_billy(self.kind, kind, record, lines, values)

    def create_in_odoo(self, flat):
        self.run.pull.create_in_odoo(self.kind, self.kind.billy_kind_of(flat), flat)

    def count(self, key):
        self.run.journal.count(key)

    def line(self, kind, record, billy_id, action, message):
        self.run.journal.line(kind, record, billy_id, False, action, message)

    def outcome(self, record, text):
        self.run.journal.outcome(record, text)
