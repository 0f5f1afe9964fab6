"""Billy → Odoo: write the fields that changed, create a record in Odoo, archive in Odoo."""

from .identity import withhold_user_identity
from .mapping import billy_values, field_labels, mapping_for, odoo_values, odoo_write_values
from .messages import Message
from .vocabulary import ODOO_TO_BILLY, TO_ODOO


class Pull:
    def __init__(self, run):
        self.run = run
        self.env = run.env

    def pull(self, handler, kind, link, record, flat, lines, fields):
        """Write `fields` (Billy names) of a Billy record on its linked Odoo record."""
        run = self.run
        pulled = set(fields)
        subset = {key: value for key, value in flat.items() if key in pulled}
        vals = odoo_write_values(lines, subset, record, run.ctx)
        vals, withheld = withhold_user_identity(record, vals)
        if vals:
            record.with_context(billy_sync=True).write(vals)
        odoo_vals = odoo_values(lines, record, run.ctx)
        run.links.store(link, handler, flat, odoo_vals, billy_values(lines, flat))
        run.journal.count("updated_odoo")
        changed = ", ".join(sorted(pulled))
        message = Message(self.env, "joined", changed, withheld) if withheld else changed
        run.journal.line(kind, record, flat["id"], TO_ODOO, "updated", message)
        run.journal.note(
            record,
            self.env._(
                "Updated from Billy (%(id)s): %(fields)s.",
                id=flat["id"],
                fields=field_labels(lines, sorted(pulled), record),
            ),
        )
        run.journal.outcome(record, self.env._("updated from Billy"))

    def create_in_odoo(self, handler, kind, flat):
        run = self.run
        lines = mapping_for(run.company, kind)
        vals = odoo_write_values(lines, flat, self.env[handler.res_model], run.ctx)
        record = handler.create_in_odoo(flat, vals).with_context(billy_sync=True)
        if not record:
            return
        link = run.links.of(record, kind)
        odoo_vals = odoo_values(lines, record, run.ctx)
        run.links.store(link, handler, flat, odoo_vals, billy_values(lines, flat))
        run.journal.count("created_odoo")
        run.journal.line(kind, record, flat["id"], TO_ODOO, "created")
        run.journal.note(record, self.env._("Created from Billy (%s).", flat["id"]))

    def billy_record_gone(self, link, record):
        """Deleted in Billy: unlink and archive in Odoo, never delete."""
        run = self.run

        def work():
            message = Message(self.env, "deleted_in_billy_archived")
            if record and record.active and run.direction != ODOO_TO_BILLY:
                record.with_context(billy_sync=True).write({"active": False})
                run.journal.count("archived")
            elif record:
                message = Message(self.env, "deleted_in_billy")
            run.journal.line(link.record_kind, record, link.billy_id, TO_ODOO, "unlinked", message)
            if record:
                run.journal.note(record, message)
                run.journal.outcome(record, message)
            link.unlink()

        run.guard.guarded(record, link.record_kind, work, link)
