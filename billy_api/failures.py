"""What a requests exception says about a failed call: timed out, never sent, or lost."""

import requests
from urllib3.exceptions import NewConnectionError, ReadTimeoutError


def causes(exc):
    """``exc`` and everything it wraps (args, urllib3 ``reason``, ``__cause__``/``__context__``)."""
    seen = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen or not isinstance(current, BaseException):
            continue
        seen.add(id(current))
        yield current
        stack.extend(arg for arg in current.args if isinstance(arg, BaseException))
        stack.append(getattr(current, "reason", None))
        stack.append(current.__cause__)
        stack.append(current.__context__)


def timed_out(exc):
    """True when no byte came within the read timeout (while waiting or reading the body)."""
    if isinstance(exc, requests.exceptions.Timeout):
        return True
    return any(isinstance(cause, ReadTimeoutError) for cause in causes(exc))


def never_sent(exc):
    """True when the connection failed before the request could reach Billy.

    Connection refused, unresolvable host, a failed TLS handshake and the like mean nothing was
    sent; a reset or a dropped connection after connecting may have delivered the request, so
    anything else counts as sent.
    """
    never = (NewConnectionError, ConnectionRefusedError, requests.exceptions.SSLError)
    return any(isinstance(cause, never) for cause in causes(exc))


def describe_connection_failure(exc, sent):
    for cause in causes(exc):
        if isinstance(cause, ConnectionRefusedError):
            return "the connection was refused"
        if isinstance(cause, NewConnectionError):
            text = str(cause).lower()
            if "name or service" in text or "resolve" in text or "getaddrinfo" in text:
                return "the server name could not be resolved"
            if "refused" in text:
                return "the connection was refused"
            return "no connection could be made"
        if isinstance(cause, requests.exceptions.SSLError):
            return "the secure (TLS) connection failed"
    if sent:
        return "the connection was lost before Billy answered"
    return "no connection could be made"
