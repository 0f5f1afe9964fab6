"""Named field types of the sandbox's records, and the check of a written body against them."""

from __future__ import annotations

import contextlib
import datetime
import re
from dataclasses import dataclass

from .validation import Errors

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class WrongType(ValueError):
    """The value does not fit the field's type; the text is Billy's attribute message."""


class FieldType:
    name = "any"

    def convert(self, value):
        return value


class Text(FieldType):
    name = "text"

    def convert(self, value):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise WrongType("This field must be a string.")
        return value if isinstance(value, str) else str(value)


class Boolean(FieldType):
    name = "boolean"

    def convert(self, value):
        if not isinstance(value, bool):
            raise WrongType("This field must be a boolean.")
        return value


class Number(FieldType):
    name = "number"

    def convert(self, value):
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = float(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise WrongType("This field must be a number.")
        return value


class Integer(Number):
    name = "integer"

    def convert(self, value):
        value = super().convert(value)
        if value != int(value):
            raise WrongType("This field must be an integer.")
        return int(value)


class Date(FieldType):
    name = "date"

    def convert(self, value):
        if not isinstance(value, str) or not DATE_RE.match(value):
            raise WrongType("This field must be a date (YYYY-MM-DD).")
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise WrongType("This field must be a valid date.") from None
        return value


class Choice(FieldType):
    name = "choice"

    def __init__(self, *values: str):
        self.values = values

    def convert(self, value):
        if value not in self.values:
            raise WrongType("This field must be one of: " + ", ".join(self.values) + ".")
        return value


TEXT, BOOLEAN, NUMBER, INTEGER, DATE = Text(), Boolean(), Number(), Integer(), Date()


@dataclass(frozen=True)
class Field:
    """A writable field: its type and the value a new record gets when the body has none."""

    type: FieldType
    default: object = None


def text(default=None) -> Field:
    return Field(TEXT, default)


def boolean(default=False) -> Field:
    return Field(BOOLEAN, default)


def number(default=None) -> Field:
    return Field(NUMBER, default)


def integer(default=None) -> Field:
    return Field(INTEGER, default)


def date() -> Field:
    return Field(DATE, None)


def choice(*values: str, default=None) -> Field:
    return Field(Choice(*values), default)


def clean(fields: dict[str, Field], body: dict, errors: Errors, key: str) -> dict:
    """The writable fields of ``body``, type-checked; unknown and read-only keys are ignored."""
    values = {}
    for name, value in body.items():
        spec = fields.get(name)
        if spec is None:
            continue
        if value is None:
            values[name] = None
            continue
        try:
            values[name] = spec.type.convert(value)
        except WrongType as exc:
            errors.attr(key, name, str(exc))
    return values
