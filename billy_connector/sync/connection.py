"""The connection to Billy as a whole: which errors are the connection's rather than one
record's, and what the company's connection status says (plain Python, no Odoo import).

An error is the connection's when no record can get through while it lasts: Billy refused the
API key, or could not be reached, or is unavailable (502/503/504) after the client's retries.
Such an error stops a run at once and leaves every record as it was. Anything Billy answered
about one request (a validation error, a not found, a refused write, a 500, a 5xx or a 429
on a write the client does not send twice, a lost answer to a write) stays that record's
failure.

The status is stored as a code and its parameters (res.company.billy_connection_code and
_params) and rendered by `connection_text` in the reader's language.
"""

import functools

from billy_api import BillyAuthenticationError, BillyConnectionError, BillyError, BillyServerError
from billy_api.transport import RETRYABLE_METHODS

from .messages import RENDERERS, Message

UNAVAILABLE = frozenset({502, 503, 504})  # Billy, or the gateway in front of it, is down

# status codes (res.company.billy_connection_code)
CONNECTED = "connected"
NO_KEY = "no_key"
BAD_KEY = "bad_key"
DENIED = "denied"
UNREACHABLE = "unreachable"
UNAVAILABLE_CODE = "unavailable"
BILLY_ERROR = "billy_error"  # any other error that stopped a run: Billy's own words


def is_connection_error(error):
    """Whether `error` is the connection's: every record would fail the same way now."""
    if isinstance(error, BillyAuthenticationError):
        return True
    if isinstance(error, BillyConnectionError):
        # a write sent whose answer was lost is that record's doubt, not the connection's
        return not error.maybe_applied
    if isinstance(error, BillyServerError):
        # a write the client does not send twice may just have been unlucky
        return error.status in UNAVAILABLE and error.method in RETRYABLE_METHODS
    return False


def reason_of(error):
    """`(code, params)` of the connection status after `error` (a BillyError)."""
    call = f"{error.method} {error.path}" if error.method and error.path else ""
    if isinstance(error, BillyAuthenticationError):
        return (DENIED if error.status == 403 else BAD_KEY), {}
    if isinstance(error, BillyConnectionError) and not error.maybe_applied:
        return UNREACHABLE, {"call": call}
    if isinstance(error, BillyServerError) and error.status in UNAVAILABLE:
        return UNAVAILABLE_CODE, {"status": error.status, "call": call}
    return BILLY_ERROR, {"text": error.user_message}


def connection_text(env, code, params):
    """What the status `code` with `params` says, in env's language."""
    params = params or {}
    call = f" ({params['call']})" if params.get("call") else ""
    if code == CONNECTED:
        if params.get("organization"):
            return env._("Connected to %s", params["organization"])
        return env._("Connected to Billy")
    if code == NO_KEY:
        return env._("Billy is not connected yet: enter the API key in Settings → Billy.")
    if code == BAD_KEY:
        return env._(
            "Billy did not accept the API key (access token): check it in Settings → Billy "
            "(Billy: Indstillinger → Adgangsnøgler)."
        )
    if code == DENIED:
        return env._(
            "Billy denied access with this API key (access token): check it in Settings → "
            "Billy (Billy: Indstillinger → Adgangsnøgler)."
        )
    if code == UNREACHABLE:
        return env._(
            "Billy did not answer%s: check the network and the API URL in Settings → Billy, "
            "then try again.",
            call,
        )
    if code == UNAVAILABLE_CODE:
        return env._(
            "Billy is not available right now (HTTP %(status)s%(call)s): try again later.",
            status=params.get("status"),
            call=f", {params['call']}" if params.get("call") else "",
        )
    return params.get("text") or ""


CONNECTION_MESSAGE = "connection"


def connection_message(env, error):
    """A run's stored message for a connection-wide `error`: its reason's code and
    parameters, shown in the reader's language (connection_text)."""
    code, params = reason_of(error)
    return Message(env, CONNECTION_MESSAGE, reason=code, **params)


RENDERERS[CONNECTION_MESSAGE] = lambda env, params: connection_text(
    env, params.get("reason"), {key: value for key, value in params.items() if key != "reason"}
)


class WatchedClient:
    """A Billy client that remembers whether Billy answered: `answered` is True after any
    call that was not stopped by a connection error."""

    def __init__(self, client):
        self._client = client
        self.answered = False

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        @functools.wraps(attribute)
        def call(*args, **kwargs):
            try:
                result = attribute(*args, **kwargs)
            except BillyError as error:
                if not is_connection_error(error):
                    self.answered = True
                raise
            self.answered = True
            return result

        return call
