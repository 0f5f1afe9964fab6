"""Typed errors raised by :class:`billy_api.client.BillyClient`.

Every error carries what Billy said (``status``, ``error_code``, ``error_message``,
``validation_errors``) and which call failed (``method``, ``path``).  ``str(error)`` and
``error.user_message`` are complete English sentences meant for the person using the connector.
No error ever holds the access token: the client redacts it before an error is built.
"""

from .resources import SINGULAR, singular

_MAX_MESSAGE_CHARS = 500
MAYBE_SAVED = " The change may have been saved in Billy; check Billy before trying again."


def _sentence(text):
    """``text`` stripped, with a full stop added when it does not end a sentence already."""
    text = " ".join(str(text).split())
    if text and text[-1] not in ".!?":
        text += "."
    return text


def _clip(text, limit=_MAX_MESSAGE_CHARS):
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def _format_seconds(seconds):
    return f"{float(seconds):g} s"


def _format_bytes(size):
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size} bytes"


class BillyError(Exception):
    """Base class of every error of the Billy client.

    ``maybe_applied`` is True when a write (POST, PUT, DELETE) reached Billy, or may have, and the
    client could not learn its outcome: check Billy before trying the write again.
    """

    summary = "Billy could not handle the request"
    hint = ""

    def __init__(
        self,
        status=None,
        error_code=None,
        error_message=None,
        validation_errors=None,
        method=None,
        path=None,
        *,
        detail=None,
        maybe_applied=False,
    ):
        self.status = status
        self.error_code = error_code
        self.error_message = error_message
        self.validation_errors = validation_errors or {}
        self.method = method
        self.path = path
        self.detail = detail
        self.maybe_applied = maybe_applied
        super().__init__(self.user_message)

    # -- message building -------------------------------------------------------------------
    def _call(self):
        """``" (GET /contacts)"`` when the call is known, else ``""``."""
        return f" ({self.method} {self.path})" if self.method and self.path else ""

    def _with_note(self, text):
        """``text`` followed by the warning that a write may have been saved, if it may."""
        return text + MAYBE_SAVED if self.maybe_applied else text

    def _where(self):
        """``"GET /contacts, HTTP 404, RECORD_NOT_FOUND"`` — the parts that are known."""
        parts = []
        if self.method and self.path:
            parts.append(f"{self.method} {self.path}")
        elif self.path:
            parts.append(self.path)
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.error_code:
            parts.append(str(self.error_code))
        return ", ".join(parts)

    def _reason(self):
        if self.error_message:
            return _clip(self.error_message)
        if self.detail:
            return _clip(self.detail)
        return ""

    @property
    def user_message(self):
        """A readable sentence (or two) describing the failure, for an end user."""
        text = self.summary
        where = self._where()
        if where:
            text += f" ({where})"
        reason = self._reason()
        if reason:
            text += f": {reason}"
        text = _sentence(text)
        if self.hint:
            text += " " + _sentence(self.hint)
        return text

    def __str__(self):
        return self.user_message

    def __repr__(self):
        return (
            f"{type(self).__name__}(status={self.status!r}, error_code={self.error_code!r}, "
            f"method={self.method!r}, path={self.path!r})"
        )

    def __reduce__(self):
        # Exceptions pickle as cls(*args); rebuild from the real constructor arguments instead.
        return (_rebuild, (type(self), dict(self.__dict__)))


def _rebuild(cls, state):
    error = cls.__new__(cls)
    error.__dict__.update(state)
    error.args = (error.user_message,)
    return error


class BillyAuthenticationError(BillyError):
    """Billy refused the credentials (401) or the access (403)."""

    hint = "Check the Billy access token in the connector settings"

    @property
    def summary(self):
        if self.status == 403:
            return "Billy denied access with the configured access token"
        return "Billy did not accept the access token"


class BillyNotFoundError(BillyError):
    """404: the record (or the path) does not exist in Billy."""

    summary = "Billy could not find the requested record"


class BillyValidationError(BillyError):
    """422, or 400 ``INVALID_RECORD``: Billy rejected the record.

    ``validation_errors`` is Billy's map ``{<root name or _clientId>: {"message": ...,
    "attributes": {<wire field>: <message>}}}``. After a bulk save, ``indexes`` are the
    positions of the refused records in the list sent.
    """

    indexes = ()

    def _record_name(self, key):
        # Keys are either the record's root name ("contact") or a client id; fall back to the
        # resource of the path ("/contacts/abc" -> "contact").
        if key in _KNOWN_ENVELOPES:
            return key
        resource = _path_resource(self.path)
        return singular(resource) if resource else "record"

    def _problems(self):
        """``[(record name, [problem, ...]), ...]`` in Billy's order."""
        result = []
        for key, entry in self.validation_errors.items():
            problems = []
            if isinstance(entry, dict):
                record_message = _clip(entry.get("message") or "")
                if record_message:
                    problems.append(record_message)
                attributes = entry.get("attributes") or {}
                if isinstance(attributes, dict):
                    for field, message in attributes.items():
                        message = _clip(message)
                        problem = f"{field}: {message}"
                        # Skip what the record message already says (no sentence said twice).
                        if record_message and (
                            problem.rstrip(" .") in record_message
                            or message.rstrip(" .") == record_message.rstrip(" .")
                        ):
                            continue
                        problems.append(problem)
            elif entry:
                problems.append(_clip(entry))
            if problems:
                result.append((self._record_name(key), problems))
        return result

    @property
    def user_message(self):
        problems = self._problems()
        if problems:
            texts = []
            for name, items in problems:
                joined = "; ".join(item.rstrip(" .") for item in items)
                texts.append(_sentence(f"Billy rejected the {name}: {joined}"))
            return " ".join(texts)
        name = self._record_name(None)
        reason = self._reason() or "the record is not valid"
        return _sentence(f"Billy rejected the {name}: {reason}")


class BillyRateLimitError(BillyError):
    """429: Billy asks the client to slow down; ``retry_after`` is in seconds (or None)."""

    def __init__(self, *args, retry_after=None, **kwargs):
        self.retry_after = retry_after
        super().__init__(*args, **kwargs)

    summary = "Billy received too many requests"

    @property
    def hint(self):
        if self.retry_after is not None:
            return f"Billy asked to wait {_format_seconds(self.retry_after)} before trying again"
        return "Wait a moment before trying again"


class BillyServerError(BillyError):
    """5xx: Billy failed on its side."""

    summary = "Billy had an error on its side"
    hint = "Try again later"


class BillyConnectionError(BillyError):
    """No answer from Billy: connection refused, reset or dropped.

    ``maybe_applied`` is True when a write was sent and no answer came back.
    """

    @property
    def user_message(self):
        where = self._call()
        if self.maybe_applied:
            text = self._with_note(
                f"The connection to Billy was lost after the request was sent{where}."
            )
        else:
            text = f"Could not connect to Billy{where}"
            if self.detail:
                text += f": {_clip(self.detail)}"
            text = _sentence(text) + " Check the network and try again."
        return text


class BillyTimeoutError(BillyConnectionError):
    """Billy did not connect or answer in time; ``timeout`` is the limit in seconds.

    ``phase``: "connect" (no connection in time), "read" (no byte in time) or "deadline" (the
    whole call, its answer and retries included, did not end in time).
    """

    def __init__(self, *args, timeout=None, phase="read", **kwargs):
        self.timeout = timeout
        self.phase = phase
        super().__init__(*args, **kwargs)

    @property
    def user_message(self):
        where = self._call()
        within = f" within {_format_seconds(self.timeout)}" if self.timeout is not None else ""
        if self.phase == "connect":
            text = f"Could not connect to Billy{within}{where}."
        elif self.phase == "deadline":
            text = f"Billy did not finish answering{within}{where}; the call was stopped."
        else:
            text = f"Billy did not answer{within}{where}."
        return self._with_note(text)


class BillyMalformedResponseError(BillyError):
    """Billy answered, but not with JSON of the expected shape."""

    summary = "Billy sent an answer the connector could not understand"

    @property
    def user_message(self):
        return self._with_note(super().user_message)


class BillyResponseTooLargeError(BillyMalformedResponseError):
    """Billy's answer was larger than the client's ``max_answer_bytes``; it was not read."""

    def __init__(self, *args, limit=None, **kwargs):
        self.limit = limit
        super().__init__(*args, **kwargs)

    @property
    def user_message(self):
        size = f" of {_format_bytes(self.limit)}" if self.limit else ""
        return self._with_note(
            f"Billy sent an answer larger than the limit{size}{self._call()}; it was not read."
        )


class BillyRequestError(BillyError):
    """Any other 4xx (400, 405, ...) or an unexpected status."""

    summary = "Billy refused the request"


def _path_resource(path):
    """``"/contacts/abc?x=1"`` -> ``"contacts"``."""
    if not path:
        return ""
    return path.split("?", 1)[0].strip("/").split("/", 1)[0]


_KNOWN_ENVELOPES = frozenset(SINGULAR.values())
