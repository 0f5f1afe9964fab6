"""One call to Billy on the wire: the request, its retries and back-off, its deadline, and the
answer read within a size cap.

GET, PUT and DELETE are retried on 429, 5xx and lost connections; POST never is (Billy has no
idempotency keys, a retried create could create the record twice). No call outlives its
``deadline``: retries and their waits stop when the next one would end past it, and the request
under way is cut off when it passes (``deadline.py``). An answer larger than ``max_answer_bytes``
is not read further.
"""

import json
import logging
import random
import time

import requests

from .answers import WRITE_METHODS, http_error, parse_success, retry_after
from .deadline import DeadlineAdapter, watching
from .errors import (
    BillyConnectionError,
    BillyRateLimitError,
    BillyResponseTooLargeError,
    BillyServerError,
    BillyTimeoutError,
)
from .failures import describe_connection_failure, never_sent, timed_out

USER_AGENT = "billy-api-python/0.1"
RETRYABLE_METHODS = frozenset({"GET", "PUT", "DELETE"})
RETRY_MESSAGE = "Billy %s %s: waiting %.2f s before the next attempt"
CHUNK_BYTES = 64 * 1024

_logger = logging.getLogger("billy_api.client")

# requests exceptions raised before anything goes on the wire.
_SETUP_ERRORS = (
    requests.exceptions.URLRequired,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidURL,
    requests.exceptions.InvalidHeader,
    requests.exceptions.InvalidJSONError,
)


class _DeadlinePassed(Exception):
    pass


def new_session(pool_size):
    session = requests.Session()
    # No transport-level retries: this client decides what is safe to retry.
    adapter = DeadlineAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class Transport:
    """Sends requests for one access token; safe to share between threads."""

    def __init__(self, token, base_url, session, options):
        self.token = token
        self.base_url = base_url
        self.session = session
        self.connect_timeout = options["connect_timeout"]
        self.read_timeout = options["read_timeout"]
        self.deadline = options["deadline"]
        self.max_answer_bytes = options["max_answer_bytes"]
        self.max_retries = int(options["max_retries"])
        self.backoff_base = options["backoff_base"]
        self.backoff_max = options["backoff_max"]
        self.accept_language = options["accept_language"]
        self.sleep = options["sleep"]
        self.random = random.Random().random  # jitter source; tests may replace it

    def redact(self, value):
        """``value`` with every occurrence of the access token replaced (strings, dicts, lists)."""
        if isinstance(value, str):
            return value.replace(self.token, "[token]") if self.token in value else value
        if isinstance(value, dict):
            return {self.redact(key): self.redact(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.redact(item) for item in value]
        return value

    def headers(self, has_body):
        headers = {
            "X-Access-Token": self.token,
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        if has_body:
            headers["Content-Type"] = "application/json"
        if self.accept_language:
            headers["Accept-Language"] = self.accept_language
        return headers

    def send(self, method, path, params, body, retry=None):
        """Billy's JSON answer (a dict) to ``method path``, or a typed BillyError.

        ``retry`` overrides whether the call may be sent again (default: GET, PUT, DELETE)."""
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        request = {
            "url": self.base_url + path,
            "params": encode_params(params),
            "data": data,
            "headers": self.headers(data is not None),
        }
        retryable = method in RETRYABLE_METHODS if retry is None else retry
        attempts = 1 + (self.max_retries if retryable else 0)
        log_path = self.redact(path)
        maybe_applied = False
        with watching(self.deadline) as watch:
            for attempt in range(1, attempts + 1):
                started = time.monotonic()
                try:
                    status, headers, content = self._exchange(method, request, watch)
                except _SETUP_ERRORS as exc:
                    # The request could not even be built (bad base_url scheme, bad header
                    # value): nothing was sent and trying again cannot help.
                    raise BillyConnectionError(
                        method=method,
                        path=log_path,
                        detail=f"the request is invalid ({type(exc).__name__})",
                    ) from None
                except (_DeadlinePassed, requests.exceptions.RequestException) as exc:
                    if watch.expired or isinstance(exc, _DeadlinePassed):
                        raise self._deadline_error(method, log_path) from None
                    error = self._transport_error(exc, method, log_path)
                    maybe_applied = maybe_applied or error.maybe_applied
                    _logger.log(
                        logging.WARNING if attempt < attempts else logging.INFO,
                        "Billy %s %s failed without an answer after %.0f ms (attempt %d/%d): "
                        "%s: %s",
                        method,
                        log_path,
                        (time.monotonic() - started) * 1000,
                        attempt,
                        attempts,
                        type(exc).__name__,
                        self.redact(str(exc)),
                    )
                    if attempt < attempts and self._pause(attempt, None, method, log_path, watch):
                        continue
                    error.maybe_applied = maybe_applied
                    # Not chained: the requests exception (and its request, with the token
                    # header) stays out of tracebacks; its redacted text is logged above.
                    raise error from None
                _logger.debug(
                    "Billy %s %s -> %s in %.0f ms (attempt %d/%d)",
                    method,
                    log_path,
                    status,
                    (time.monotonic() - started) * 1000,
                    attempt,
                    attempts,
                )
                if 200 <= status < 300:
                    return parse_success(status, content, method, log_path)
                error = http_error(status, headers, content, method, log_path, self.redact)
                if attempt < attempts and isinstance(
                    error, (BillyRateLimitError, BillyServerError)
                ):
                    _logger.warning(
                        "Billy %s %s answered HTTP %s (attempt %d/%d); retrying",
                        method,
                        log_path,
                        status,
                        attempt,
                        attempts,
                    )
                    if self._pause(attempt, retry_after(headers), method, log_path, watch):
                        continue
                raise error
        raise AssertionError("unreachable")  # pragma: no cover

    def _exchange(self, method, request, watch):
        """``(status, headers, body bytes)`` of one attempt, read within the size cap."""
        response = self.session.request(
            method,
            timeout=(self.connect_timeout, self.read_timeout),
            allow_redirects=False,  # a redirect must never carry the token elsewhere
            stream=True,  # read below, chunk by chunk, within the cap and the deadline
            **request,
        )
        try:
            limit = self.max_answer_bytes
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise self._too_large(method, request)
            chunks, size = [], 0
            for chunk in response.iter_content(CHUNK_BYTES):
                size += len(chunk)
                if size > limit:
                    raise self._too_large(method, request)
                if watch.expired or watch.remaining() < 0:
                    raise _DeadlinePassed
                chunks.append(chunk)
            if watch.expired:
                raise _DeadlinePassed  # the cut-off connection may have ended the body early
            return response.status_code, response.headers, b"".join(chunks)
        finally:
            response.close()

    def _too_large(self, method, request):
        path = self.redact(request["url"][len(self.base_url) :])
        return BillyResponseTooLargeError(
            method=method,
            path=path,
            limit=self.max_answer_bytes,
            maybe_applied=method in WRITE_METHODS,
        )

    def _deadline_error(self, method, path):
        return BillyTimeoutError(
            method=method,
            path=path,
            timeout=self.deadline,
            phase="deadline",
            maybe_applied=method in WRITE_METHODS,
        )

    def _pause(self, attempt, retry_after_seconds, method, path, watch):
        """Wait before the next attempt; False (no wait) when it would end past the deadline."""
        if retry_after_seconds is not None:
            delay = min(max(retry_after_seconds, 0.0), self.backoff_max)
        else:
            # Exponential back-off with "equal jitter": between half and all of the step.
            step = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
            delay = step / 2 + self.random() * step / 2
        if delay >= watch.remaining():
            _logger.info("Billy %s %s: no time left for another attempt", method, path)
            return False
        _logger.info(RETRY_MESSAGE, method, path, delay)
        self.sleep(delay)
        return True

    def _transport_error(self, exc, method, path):
        """Map a requests exception to a BillyConnectionError / BillyTimeoutError."""
        is_write = method in WRITE_METHODS
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return BillyTimeoutError(
                method=method, path=path, timeout=self.connect_timeout, phase="connect"
            )
        if timed_out(exc):
            # The request went out and no answer came in time.
            return BillyTimeoutError(
                method=method,
                path=path,
                timeout=self.read_timeout,
                phase="read",
                maybe_applied=is_write,
            )
        sent = not never_sent(exc)
        return BillyConnectionError(
            method=method,
            path=path,
            detail=describe_connection_failure(exc, sent),
            maybe_applied=is_write and sent,
        )


def encode_params(params):
    """Query parameters as Billy reads them: booleans as true/false, None left out."""
    if not params:
        return None
    encoded = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            value = [
                ("true" if item else "false") if isinstance(item, bool) else item for item in value
            ]
        encoded[key] = value
    return encoded
