"""What a run did: counts, log lines, chatter notes and per-record outcomes.

Lines and notes are buffered and written in batches (`flush`), at checkpoints and at the end.
A line's message is a Message (messages.py: stored as a code, read in the reader's language)
or a plain text (stored as it is: Billy's words, a list of field names).
"""


class Journal:
    def __init__(self, log, keeps_outcomes):
        self.env = log.env
        self.log = log  # billy.sync.log
        self.counts = {}
        self.outcomes = []  # (record display name, outcome) of a per-record run
        self.keeps_outcomes = keeps_outcomes  # a per-record run shows them; a bulk run counts
        self._notes = {}  # model → {record id: body}
        self._lines = []  # billy.sync.log.line values

    def count(self, key):
        self.counts[key] = self.counts.get(key, 0) + 1

    def line(self, kind, record, billy_id, direction, action, message="", details=None):
        """A line of the run's log (billy.sync.log.line)."""
        self._lines.append(
            {
                "log_id": self.log.id,
                "record_kind": kind,
                "res_model": record._name if record else False,
                "res_id": record.id if record else False,
                "record_name": record.display_name if record else False,
                "billy_id": billy_id,
                "direction": direction,
                "action": action,
                "message": message,
                "details": details,
            }
        )

    def note(self, record, body):
        """A note in the record's chatter (models with mail.thread)."""
        if hasattr(record, "_message_log_batch"):
            bodies = self._notes.setdefault(record._name, {})
            bodies[record.id] = f"{bodies[record.id]} {body}" if record.id in bodies else body

    def outcome(self, record, text):
        """What happened to a record, for the popup of a per-record run."""
        if self.keeps_outcomes:
            self.outcomes.append((record.display_name, text))

    def mark(self):
        """What the journal holds now, for `restore` after a rolled back savepoint."""
        notes = {model: dict(bodies) for model, bodies in self._notes.items()}
        return dict(self.counts), len(self.outcomes), notes, len(self._lines)

    def restore(self, mark):
        """Forget what was journaled since `mark`: its work was rolled back."""
        counts, outcomes, notes, lines = mark
        self.counts = dict(counts)
        del self.outcomes[outcomes:]
        self._notes = notes
        del self._lines[lines:]

    def flush(self):
        """Write the buffered notes and lines, and the counts so far."""
        notes, self._notes = self._notes, {}
        for model, bodies in notes.items():
            records = self.env[model].browse(list(bodies)).exists()
            records._message_log_batch(
                {record_id: body for record_id, body in bodies.items() if record_id in records.ids}
            )
        lines, self._lines = self._lines, []
        if lines:
            self.env["billy.sync.log.line"].create(lines)
        self.log.write(dict(self.counts))
