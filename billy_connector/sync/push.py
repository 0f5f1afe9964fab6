"""Odoo → Billy: create a record in Billy, send the fields that changed, archive in Billy.

A bulk run batches the creates and updates that bulk.py takes; the rest go one a request."""

from .mapping import billy_values, field_labels
from .messages import Message
from .vocabulary import BILLY_TO_ODOO, TO_BILLY


class Push:
    def __init__(self, run):
        self.run = run
        self.env = run.env

    def push(self, handler, kind, link, record, flat, lines, odoo_vals, fields):
        """Send `fields` (Billy names) of a linked record; the link is stored on the answer."""
        run = self.run
        billy_id = link.billy_id or flat["id"]
        changed = ", ".join(fields)
        labels = field_labels(lines, fields, record)

        def on_answer(billy_record):
            new_flat = handler.flatten(billy_record)
            run.links.store(link, handler, new_flat, odoo_vals, billy_values(lines, new_flat))
            run.journal.count("updated_billy")
            run.journal.line(kind, record, billy_id, TO_BILLY, "updated", changed)
            run.journal.note(
                record,
                self.env._("Sent to Billy (%(id)s): %(fields)s.", id=billy_id, fields=labels),
            )
            run.journal.outcome(record, self.env._("updated in Billy"))

        request = handler.update_request(record, lines, odoo_vals, fields, flat, billy_id)
        bulk = run.bulk
        body = bulk.takes(handler) and handler.update_body(record, lines, odoo_vals, fields, flat)
        if body:
            bulk.add_update(handler, kind, record, link, billy_id, body, flat, on_answer, request)
        else:
            run.guard.send(record, kind, request, on_answer, link)

    def create_in_billy(self, handler, kind, record, lines, values):
        run = self.run
        link = run.links.of(record, kind)

        def on_answer(billy_record):
            flat = handler.flatten(billy_record)
            run.links.store(link, handler, flat, values, billy_values(lines, flat))
            run.journal.count("created_billy")
            run.journal.line(kind, record, flat["id"], TO_BILLY, "created")
            run.journal.note(record, self.env._("Created in Billy (%s).", flat["id"]))
            run.journal.outcome(record, self.env._("created in Billy"))

        if run.bulk.takes(handler):
            body = handler.create_body(record, lines, values)
            run.bulk.add_create(handler, kind, record, link, body, on_answer)
        else:
            request = handler.create_request(record, lines, values)
            run.guard.send(record, kind, request, on_answer, link)

    def odoo_record_gone(self, handler, link, flat):
        """Deleted in Odoo: archive in Billy (when pushing) and unlink, never delete."""
        run = self.run
        if run.direction != BILLY_TO_ODOO and not flat.get("isArchived"):
            run.ctx.client.update(handler.billy_resource, link.billy_id, {"isArchived": True})
            run.journal.count("archived")
        run.journal.line(
            link.record_kind,
            None,
            link.billy_id,
            TO_BILLY,
            "unlinked",
            Message(self.env, "archived_in_billy"),
        )
        link.unlink()
