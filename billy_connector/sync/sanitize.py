"""Values from Billy made storable: PostgreSQL refuses NUL characters and lone surrogates.

Billy's strings are whatever its users typed or its API let through. A NUL (U+0000) makes
psycopg2 raise ValueError, a lone surrogate (U+D800-U+DFFF, which JSON can carry as an
escape) makes it raise UnicodeEncodeError: either would fail the record, or the whole run
when it sits in a buffered log line. Pure Python: no Odoo import.
"""

import re

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def clean_text(value):
    """`value` without NUL characters, its lone surrogates replaced by U+FFFD."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    return _LONE_SURROGATE.sub(REPLACEMENT, value)


def clean_values(value):
    """A copy of `value` (Odoo write values: dicts, lists, tuples of them) with clean strings.

    Anything that is not a string, a dict, a list or a tuple is returned as it is.
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {key: clean_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(clean_values(item) for item in value)
    return value
