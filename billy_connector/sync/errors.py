"""The addon's errors and the user messages they carry (plain Python, no Odoo import)."""

from billy_api import BillyError


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
    """What the log line and the record's Billy error say about `error`."""
    if isinstance(error, BillyError):
        return error.user_message
    if isinstance(error, RecordFailure):
        return error.message
    if is_integrity_error(error):
        return env._("Another sync handled this record at the same time; it is retried next run.")
    return str(error.args[0]) if error.args else str(error) or type(error).__name__


def sync_busy(env, company_name):
    return SyncBusyError(
        env._(
            "A Billy sync of %s is already running; try again when it has finished.",
            company_name,
        )
    )


def no_country(env, record_name, field_label=None):
    if field_label:
        return MappingError(
            env._(
                "Billy needs a country for every contact: set %(field)s of %(record)s.",
                field=field_label,
                record=record_name,
            )
        )
    return MappingError(
        env._("Billy needs a country for every contact: set the country of %s.", record_name)
    )


def unknown_country(env, code):
    return MappingError(env._("Billy's country %s is unknown in Odoo.", code))
