"""The addon's errors and the user messages they carry: Messages (messages.py), stored as a
code and parameters and shown in the reader's language."""

from billy_api import BillyError

from .messages import Message


class RecordFailure(Exception):
    """One record can't be synced now; the message tells the user why (and what to do)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class MappingError(Exception):
    """A record that can't be mapped; the message tells the user what to fix."""


class SyncBusyError(RecordFailure):
    """Another run of the same company holds its lock: this run does nothing."""


def is_integrity_error(error):
    """A unique or foreign key violation (psycopg2.IntegrityError: SQLSTATE class 23)."""
    return str(getattr(error, "pgcode", "") or "").startswith("23")


def error_message(env, error):
    """What the log line and the record's Billy error say about `error`: a Message when the
    addon said it, Billy's own words (or Odoo's) as they were said otherwise."""
    if isinstance(error, BillyError):
        return Message.text(env, error.user_message)
    if isinstance(error, RecordFailure):
        return error.message
    if is_integrity_error(error):
        return Message(env, "concurrent")
    text = error.args[0] if error.args else str(error) or type(error).__name__
    return text if isinstance(text, Message) else str(text)


def sync_busy(env, company_name):
    return SyncBusyError(Message(env, "busy", company_name))


def no_country(env, record_name, field_label=None):
    if field_label:
        return MappingError(Message(env, "no_country_field", field=field_label, record=record_name))
    return MappingError(Message(env, "no_country", record_name))


def unknown_country(env, code):
    return MappingError(Message(env, "unknown_country", code))
