"""What first_link.py uses of a sync run: the run's own steps, named once here."""

from .mapping import mapping_for


class EnginePort:
    def __init__(self, run, kind):
        self.run = run
        self.kind = kind
        self.env = run.env
        self.company = run.company
        self.ctx = run.ctx
        self.pushes = run.direction != "billy_to_odoo"
        self.pulls = run.direction != "odoo_to_billy"

    def batches(self, records):
        return self.run._chunks(records)

    def kind_names(self):
        return self.run._kind_names(self.kind)

    def forget_cache(self):
        self.env.invalidate_all()

    def ensure_links(self, records):
        self.run._ensure_links(records, self.kind.kind_of)

    def guarded(self, record, work, kind_name=None):
        self.run._guarded(record, kind_name or self.kind.kind_of(record), work)

    def is_linked(self, billy_id):
        return self.run._linked_elsewhere(self.kind, billy_id)

    def link_first(self, record, flat, because):
        kind_name = self.kind.kind_of(record)
        link = self.run._link_for(record, kind_name)
        link.billy_id = flat["id"]
        self.run._reconcile(self.kind, kind_name, link, record, flat, first=because)

    def create_in_billy(self, record, values):
        kind_name = self.kind.kind_of(record)
        lines = mapping_for(self.company, kind_name)
        self.run._create_in_billy(self.kind, kind_name, record, lines, values)

    def create_in_odoo(self, flat):
        self.run._create_in_odoo(self.kind, self.kind.billy_kind_of(flat), flat)

    def count(self, key):
        self.run._count(key)

    def line(self, kind_name, record, billy_id, action, message):
        self.run._line(kind_name, record, billy_id, False, action, message)

    def outcome(self, record, text):
        self.run._outcome(record, text)
