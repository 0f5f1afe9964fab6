"""Validation failures as Billy reports them: ``validationErrors`` keyed by record."""

from __future__ import annotations

BLANK = "This field must not be blank."
IMMUTABLE = "This field can't be changed once the record has been created."

# UNCONFIRMED: no public source shows the errorCode of a 422; this one is a guess.
VALIDATION_ERROR_CODE = "VALIDATION_FAILED"


class ValidationFailed(Exception):
    """422: ``errors`` is Billy's ``validationErrors`` map."""

    def __init__(self, errors: dict, message: str | None = None):
        self.errors = errors
        self.message = message or _first_message(errors)
        super().__init__(self.message)


def refusal(key: str, message: str, attributes: dict | None = None) -> ValidationFailed:
    """A failure of the whole record ``key`` (its root name or ``_clientId``)."""
    return ValidationFailed({key: {"message": message, "attributes": attributes or {}}})


def _first_message(errors: dict) -> str:
    for entry in errors.values():
        if entry.get("message"):
            return entry["message"]
        for attr, msg in entry.get("attributes", {}).items():
            return f"Validation failed: {attr}: {msg}"
    return "Validation failed."


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Errors:
    """Collects ``validationErrors`` keyed by the record's ``_clientId`` or its root name."""

    def __init__(self):
        self.items: dict[str, dict] = {}

    def _entry(self, key: str) -> dict:
        return self.items.setdefault(key, {"message": None, "attributes": {}})

    def attr(self, key: str, attribute: str, message: str) -> None:
        entry = self._entry(key)
        entry["attributes"].setdefault(attribute, message)
        if entry["message"] is None:
            entry["message"] = f"The {key} has invalid values: {attribute}: {message}"

    def record(self, key: str, message: str) -> None:
        entry = self._entry(key)
        # A record-level message wins over the generated one.
        if entry["message"] is None or entry["message"].startswith(f"The {key} has invalid"):
            entry["message"] = message

    def require(self, key: str, values: dict, names) -> None:
        """A blank-field error for each of ``names`` that is blank in ``values``."""
        for name in names:
            if blank(values.get(name)):
                self.attr(key, name, BLANK)

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items)
