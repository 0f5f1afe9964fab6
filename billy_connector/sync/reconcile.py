"""One pair of records: what changed (fingerprint.py), what moves (decide.py), and the moves
(push.py, pull.py); the first link of an Odoo record to its Billy twin (matching.py)."""

import json

from .decide import ODOO, decide
from .errors import MappingError
from .fingerprint import differing_fields, fingerprint, normalize_values
from .mapping import billy_values, mapping_for, odoo_values
from .messages import Message
from .vocabulary import SYNCED


class Pairs:
    def __init__(self, run):
        self.run = run
        self.env = run.env

    def unchanged(self, kind, link, record, flat):
        """Neither side changed since the last sync: the common case, read-only and cheap."""
        lines = mapping_for(self.run.company, kind)
        try:
            odoo_vals = odoo_values(lines, record, self.run.ctx)
        except MappingError:
            return False  # the guarded path reports it
        return link.odoo_fingerprint == fingerprint(odoo_vals) and (
            link.billy_fingerprint == fingerprint(billy_values(lines, flat))
        )

    def reconcile(self, handler, kind, link, record, flat, first=False, because=""):
        """`first`: the pair was just linked, `because` the matcher says why (its log line)."""
        run = self.run
        lines = mapping_for(run.company, kind)
        odoo_vals = odoo_values(lines, record, run.ctx)
        billy_vals = billy_values(lines, flat)
        odoo_changed = link.odoo_fingerprint != fingerprint(odoo_vals)
        billy_changed = link.billy_fingerprint != fingerprint(billy_vals)
        moves = decide(
            run.direction,
            run.priority,
            first,
            odoo_changed,
            billy_changed,
            differing_fields(odoo_vals, billy_vals),
            [line.billy_field for line in lines if line.pushes],
            [line.billy_field for line in lines if line.pulls],
        )
        if not moves.moves:
            stale = first or link.state != SYNCED or odoo_changed or billy_changed
            if stale and moves.settles:
                run.links.store(link, handler, flat, odoo_vals, billy_vals)
            self.settled(kind, record, flat, first, because)
            return
        if moves.conflict:
            self._conflict(kind, record, flat, moves.winner, odoo_vals, billy_vals)
        if moves.pull:
            run.pull.pull(handler, kind, link, record, flat, lines, moves.pull)
            odoo_vals = odoo_values(lines, record, run.ctx)
        if moves.push:
            run.push.push(handler, kind, link, record, flat, lines, odoo_vals, moves.push)
        if first:
            run.journal.count("linked")
            run.journal.line(kind, record, flat["id"], False, "linked", because)

    def settled(self, kind, record, flat, first, because=""):
        journal = self.run.journal
        if first:
            journal.count("linked")
            journal.line(kind, record, flat["id"], False, "linked", because)
            journal.note(record, self.env._("Linked to Billy record %s.", flat["id"]))
            journal.outcome(record, self.env._("linked to an existing Billy record"))
        else:
            journal.count("unchanged")
            journal.outcome(record, self.env._("already up to date"))

    def _conflict(self, kind, record, flat, winner, odoo_vals, billy_vals):
        self.run.journal.count("conflicts")
        details = json.dumps(
            {"odoo": normalize_values(odoo_vals), "billy": normalize_values(billy_vals)},
            indent=1,
            ensure_ascii=False,
        )
        side = Message(self.env, "side_odoo" if winner == ODOO else "side_billy")
        message = Message(self.env, "conflict", side)
        self.run.journal.line(kind, record, flat["id"], False, "conflict", message, details)
