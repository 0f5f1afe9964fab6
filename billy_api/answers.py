"""Billy's HTTP answers read into Python: JSON with clean strings, and statuses as typed errors.

Every string of a parsed answer (keys and values) is cleaned of what PostgreSQL refuses to store:
NUL characters are removed and lone UTF-16 surrogates (U+D800 to U+DFFF) become U+FFFD, so a
record read from Billy can always be saved.
"""

import email.utils
import json
import re
from datetime import datetime, timezone

from .errors import (
    BillyAuthenticationError,
    BillyMalformedResponseError,
    BillyNotFoundError,
    BillyRateLimitError,
    BillyRequestError,
    BillyServerError,
    BillyValidationError,
)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text):
    """``text`` without NUL characters, its lone surrogates replaced by U+FFFD."""
    if not _UNSTORABLE.search(text):
        return text
    return _SURROGATE.sub("\ufffd", text.replace("\x00", ""))


def clean_strings(value):
    """``value`` (parsed JSON) with every string, key or value, passed through ``clean_text``."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_strings(key): clean_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_strings(item) for item in value]
    return value


def decode_json(content):
    """The JSON document in the bytes ``content``, strings cleaned; ValueError if not JSON."""
    data = json.loads(content)
    # A JSON text escapes NUL and surrogates as \u....; raw surrogates arrive as bytes 0xED.
    if b"\\u" in content or b"\xed" in content:
        data = clean_strings(data)
    return data


def malformed(method, path, detail, status=200, maybe_applied=False):
    return BillyMalformedResponseError(
        status, None, None, None, method, path, detail=detail, maybe_applied=maybe_applied
    )


def parse_success(status, content, method, path):
    """The JSON object of a 2xx answer (``{}`` for an empty 204 or DELETE answer)."""
    if status == 204 or (not content and method == "DELETE"):
        return {}
    maybe_applied = method in WRITE_METHODS
    try:
        data = decode_json(content)
    except ValueError:
        raise malformed(method, path, "the body is not JSON", status, maybe_applied) from None
    if not isinstance(data, dict):
        raise malformed(method, path, "the JSON root is not an object", status, maybe_applied)
    return data


def http_error(status, headers, content, method, path, redact):
    """The typed error of a non-2xx answer; ``redact`` takes the token out of Billy's texts."""
    error_code = error_message = None
    validation_errors = {}
    try:
        payload = decode_json(content) if content else None
    except ValueError:
        payload = None  # e.g. an HTML page from a proxy; the status still tells the story
    if isinstance(payload, dict):
        error_code = payload.get("errorCode")
        error_message = payload.get("errorMessage")
        if isinstance(payload.get("validationErrors"), dict):
            validation_errors = payload["validationErrors"]
    if error_code is not None:
        error_code = redact(str(error_code))
    if error_message is not None:
        error_message = redact(str(error_message))
    validation_errors = redact(validation_errors)
    args = (status, error_code, error_message, validation_errors, method, path)
    if status in (401, 403):
        return BillyAuthenticationError(*args)
    if status == 404:
        return BillyNotFoundError(*args)
    # Validation failures: 422 per Billy's own data layer, 400 INVALID_RECORD per the Java
    # client's fixture (UNCONFIRMED which one Billy sends; both are accepted).
    if status == 422 or (status == 400 and (error_code == "INVALID_RECORD" or validation_errors)):
        return BillyValidationError(*args)
    if status == 429:
        return BillyRateLimitError(*args, retry_after=retry_after(headers))
    if status >= 500:
        return BillyServerError(*args)
    return BillyRequestError(*args)


def retry_after(headers):
    """Seconds from the Retry-After header (delta-seconds or HTTP date), or None."""
    value = headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max((when - datetime.now(timezone.utc)).total_seconds(), 0.0)
