"""HTTP client for Billy's v2 REST API (https://api.billysbilling.com/v2).

One :class:`BillyClient` per access token.  The client is safe to share between threads: it keeps
no per-call state, and its single :class:`requests.Session` has a connection pool of
``pool_size``.  See ``docs/billy_api_contract.md`` for the interface and
``../shared/docs/billy-api.md`` for what Billy does on the wire.
"""

import email.utils
import json
import logging
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from .errors import (
    BillyAuthenticationError,
    BillyConnectionError,
    BillyMalformedResponseError,
    BillyNotFoundError,
    BillyRateLimitError,
    BillyRequestError,
    BillyServerError,
    BillyTimeoutError,
    BillyValidationError,
)
from .resources import PLURAL, singular

DEFAULT_BASE_URL = "https://api.billysbilling.com/v2"
MAX_PAGE_SIZE = 1000  # Billy's maximum (and default) pageSize
USER_AGENT = "billy-api-python/0.1"

# Idempotent methods are retried; POST never is (Billy has no idempotency keys, a retried create
# could create the record twice).
RETRYABLE_METHODS = frozenset({"GET", "PUT", "DELETE"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_logger = logging.getLogger("billy_api.client")
RETRY_MESSAGE = "Billy %s %s: waiting %.2f s before the next attempt"

# requests exceptions raised before anything goes on the wire.
_SETUP_ERRORS = (
    requests.exceptions.URLRequired,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidURL,
    requests.exceptions.InvalidHeader,
    requests.exceptions.InvalidJSONError,
)


@dataclass
class BillyPage:
    """One page of a list call."""

    records: list
    sideloaded: dict = field(default_factory=dict)  # plural -> list of records
    page: int = 1
    page_count: int = 1
    page_size: int = MAX_PAGE_SIZE
    total: int = 0


@dataclass
class BillyWriteResult:
    """What a POST, PUT or DELETE changed."""

    record: dict | None  # the written record of the resource (None when Billy sent none)
    changed: dict = field(default_factory=dict)  # plural -> list of changed records
    deleted: dict = field(default_factory=dict)  # plural -> list of deleted ids


class BillyClient:
    """A client of Billy's v2 API for one access token."""

    def __init__(
        self,
        token,
        base_url=DEFAULT_BASE_URL,
        connect_timeout=5.0,
        read_timeout=30.0,
        max_retries=4,
        backoff_base=0.5,
        backoff_max=30.0,
        pool_size=8,
        session=None,
        sleep=time.sleep,
        accept_language=None,
    ):
        if not isinstance(token, str) or not token.strip():
            raise ValueError("BillyClient needs a non-empty access token")
        if not isinstance(base_url, str) or "://" not in base_url:
            raise ValueError("base_url must be an absolute URL such as " + DEFAULT_BASE_URL)
        if connect_timeout <= 0 or read_timeout <= 0:
            raise ValueError("connect_timeout and read_timeout must be positive")
        if max_retries < 0 or backoff_base < 0 or backoff_max < 0:
            raise ValueError("max_retries, backoff_base and backoff_max must not be negative")
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        self._token = token.strip()
        self.base_url = base_url.rstrip("/")
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_retries = int(max_retries)
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.pool_size = pool_size
        self.accept_language = accept_language
        self._sleep = sleep
        self._random = random.Random().random  # jitter source; tests may replace it
        self._owns_session = session is None
        if session is None:
            session = requests.Session()
            # No transport-level retries: this client decides what is safe to retry.
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        self._session = session

    def __repr__(self):
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def close(self):
        """Close the HTTP session (only when this client created it)."""
        if self._owns_session:
            self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # -- public API ---------------------------------------------------------------------------
    def request(self, method, path, params=None, body=None):
        """Send one request to ``base_url + path`` and return Billy's JSON answer (a dict).

        GET, PUT and DELETE are retried on 429, 5xx and lost connections; POST never is.
        """
        return self._send(str(method).upper(), self._check_path(path), params, body)

    def get_organization(self):
        """The organization of the access token (``GET /organization``)."""
        path = "/organization"
        data = self._send("GET", path, None, None)
        record = self._single_record(data, "organizations", "GET", path)
        if record is None:
            raise self._malformed("GET", path, "the answer has no `organization` record")
        return record

    def get(self, resource, record_id, include=None):
        """One record of ``resource`` (plural wire name) by id.

        Embedded relations (``include="invoice.lines:embed"``) come inside the record; for
        sideloaded roots use :meth:`request`.
        """
        resource = self._check_resource(resource)
        path = f"/{resource}/{self._quote_id(record_id)}"
        data = self._send("GET", path, self._with_include({}, include), None)
        record = self._single_record(data, resource, "GET", path, record_id)
        if record is None:
            raise self._malformed("GET", path, f"the answer has no `{singular(resource)}` record")
        return record

    def iter_pages(self, resource, params=None, include=None, page_size=MAX_PAGE_SIZE):
        """Yield the pages of a list call one by one; a page is fetched only when needed.

        Arguments are checked at once; the first request goes out on the first ``next()``.
        ``page``/``pageSize`` in ``params`` are replaced by the client's own paging.
        """
        resource = self._check_resource(resource)
        if isinstance(page_size, bool) or not isinstance(page_size, int):
            raise ValueError("page_size must be an integer")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
        base_params = self._with_include(dict(params or {}), include)
        return self._pages(resource, base_params, page_size)

    def list(self, resource, params=None, include=None, page_size=MAX_PAGE_SIZE):
        """Yield the records of ``resource`` lazily, page by page.

        Only one page is held at a time: the next page is requested when the records of the
        current one have all been consumed.
        """
        pages = self.iter_pages(resource, params=params, include=include, page_size=page_size)
        return (record for page in pages for record in page.records)

    def _pages(self, resource, base_params, page_size):
        path = f"/{resource}"
        page = 1
        while True:
            query = dict(base_params, page=page, pageSize=page_size)
            data = self._send("GET", path, query, None)
            result = self._parse_page(data, resource, path, page, page_size)
            yield result
            # Stop at meta.paging.pageCount; an empty page also ends the loop, so a wrong
            # pageCount can never make it run forever.
            if page >= result.page_count or not result.records:
                return
            page += 1

    def create(self, resource, record):
        """POST ``{"<singular>": record}`` to ``/<resource>``; never retried."""
        resource = self._check_resource(resource)
        path = f"/{resource}"
        data = self._send("POST", path, None, {singular(resource): record})
        result = self._write_result(data, resource, "POST", path)
        if result.record is None:
            # The create went through but we cannot tell the new id: the caller must not retry.
            raise self._malformed(
                "POST",
                path,
                f"the answer has no `{resource}` record",
                maybe_applied=True,
            )
        return result

    def update(self, resource, record_id, values):
        """PUT the partial ``values`` to ``/<resource>/<id>``; retried like GET."""
        resource = self._check_resource(resource)
        path = f"/{resource}/{self._quote_id(record_id)}"
        data = self._send("PUT", path, None, {singular(resource): values})
        return self._write_result(data, resource, "PUT", path, record_id)

    def delete(self, resource, record_id):
        """DELETE ``/<resource>/<id>``; retried.  Billy answers 200 even for unknown ids."""
        resource = self._check_resource(resource)
        path = f"/{resource}/{self._quote_id(record_id)}"
        data = self._send("DELETE", path, None, None)
        return self._write_result(data, resource, "DELETE", path, record_id)

    # -- transport ----------------------------------------------------------------------------
    def _headers(self, has_body):
        headers = {
            "X-Access-Token": self._token,
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        if has_body:
            headers["Content-Type"] = "application/json"
        if self.accept_language:
            headers["Accept-Language"] = self.accept_language
        return headers

    def _send(self, method, path, params, body):
        url = self.base_url + path
        query = _encode_params(params)
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        headers = self._headers(data is not None)
        retryable = method in RETRYABLE_METHODS
        attempts = 1 + (self.max_retries if retryable else 0)
        log_path = self._redact(path)
        maybe_applied = False
        for attempt in range(1, attempts + 1):
            started = time.monotonic()
            try:
                response = self._session.request(
                    method,
                    url,
                    params=query,
                    data=data,
                    headers=headers,
                    timeout=(self.connect_timeout, self.read_timeout),
                    allow_redirects=False,  # a redirect must never carry the token elsewhere
                )
            except _SETUP_ERRORS as exc:
                # The request could not even be built (bad base_url scheme, bad header value):
                # nothing was sent and trying again cannot help.
                raise BillyConnectionError(
                    method=method,
                    path=log_path,
                    detail=f"the request is invalid ({type(exc).__name__})",
                ) from None
            except requests.exceptions.RequestException as exc:
                elapsed = time.monotonic() - started
                error = self._transport_error(exc, method, log_path)
                maybe_applied = maybe_applied or error.maybe_applied
                _logger.log(
                    logging.WARNING if attempt < attempts else logging.INFO,
                    "Billy %s %s failed without an answer after %.0f ms (attempt %d/%d): %s: %s",
                    method,
                    log_path,
                    elapsed * 1000,
                    attempt,
                    attempts,
                    type(exc).__name__,
                    self._redact(str(exc)),
                )
                if attempt < attempts:
                    self._pause(attempt, None, method, log_path)
                    continue
                error.maybe_applied = maybe_applied
                # Not chained: the requests exception (and its request, with the token header)
                # stays out of tracebacks; its redacted text is in the log line above.
                raise error from None

            elapsed = time.monotonic() - started
            status = response.status_code
            _logger.debug(
                "Billy %s %s -> %s in %.0f ms (attempt %d/%d)",
                method,
                log_path,
                status,
                elapsed * 1000,
                attempt,
                attempts,
            )
            if 200 <= status < 300:
                return self._parse_success(response, method, log_path)
            error = self._http_error(response, method, log_path)
            if attempt < attempts and isinstance(error, (BillyRateLimitError, BillyServerError)):
                retry_after = _retry_after(response)
                _logger.warning(
                    "Billy %s %s answered HTTP %s (attempt %d/%d); retrying",
                    method,
                    log_path,
                    status,
                    attempt,
                    attempts,
                )
                self._pause(attempt, retry_after, method, log_path)
                continue
            raise error
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, attempt, retry_after, method, path):
        if retry_after is not None:
            delay = min(max(retry_after, 0.0), self.backoff_max)
        else:
            # Exponential back-off with "equal jitter": between half and all of the step.
            step = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
            delay = step / 2 + self._random() * step / 2
        _logger.info(RETRY_MESSAGE, method, path, delay)
        self._sleep(delay)

    def _transport_error(self, exc, method, path):
        """Map a requests exception to a BillyConnectionError / BillyTimeoutError."""
        is_write = method in WRITE_METHODS
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return BillyTimeoutError(
                method=method, path=path, timeout=self.connect_timeout, phase="connect"
            )
        if isinstance(exc, requests.exceptions.Timeout):
            # The request went out and no answer came in time.
            return BillyTimeoutError(
                method=method,
                path=path,
                timeout=self.read_timeout,
                phase="read",
                maybe_applied=is_write,
            )
        sent = not _never_sent(exc)
        return BillyConnectionError(
            method=method,
            path=path,
            detail=_describe_connection_failure(exc, sent),
            maybe_applied=is_write and sent,
        )

    # -- answers ------------------------------------------------------------------------------
    def _parse_success(self, response, method, path):
        if response.status_code == 204 or (not response.content and method == "DELETE"):
            return {}
        try:
            data = json.loads(response.content)
        except ValueError:
            raise self._malformed(
                method,
                path,
                "the body is not JSON",
                status=response.status_code,
                maybe_applied=method in WRITE_METHODS,
            ) from None
        if not isinstance(data, dict):
            raise self._malformed(
                method,
                path,
                "the JSON root is not an object",
                status=response.status_code,
                maybe_applied=method in WRITE_METHODS,
            )
        return data

    def _http_error(self, response, method, path):
        status = response.status_code
        error_code = error_message = None
        validation_errors = {}
        try:
            payload = json.loads(response.content) if response.content else None
        except ValueError:
            payload = None  # e.g. an HTML page from a proxy; the status still tells the story
        if isinstance(payload, dict):
            error_code = payload.get("errorCode")
            error_message = payload.get("errorMessage")
            if isinstance(payload.get("validationErrors"), dict):
                validation_errors = payload["validationErrors"]
        if error_code is not None:
            error_code = self._redact(str(error_code))
        if error_message is not None:
            error_message = self._redact(str(error_message))
        validation_errors = self._redact(validation_errors)
        args = (status, error_code, error_message, validation_errors, method, path)
        if status in (401, 403):
            return BillyAuthenticationError(*args)
        if status == 404:
            return BillyNotFoundError(*args)
        # Validation failures: 422 per Billy's own data layer, 400 INVALID_RECORD per the Java
        # client's fixture (UNCONFIRMED which one Billy sends; both are accepted, as the spec says).
        if status == 422 or (
            status == 400 and (error_code == "INVALID_RECORD" or validation_errors)
        ):
            return BillyValidationError(*args)
        if status == 429:
            return BillyRateLimitError(*args, retry_after=_retry_after(response))
        if status >= 500:
            return BillyServerError(*args)
        return BillyRequestError(*args)

    def _malformed(self, method, path, detail, status=200, maybe_applied=False):
        return BillyMalformedResponseError(
            status, None, None, None, method, path, detail=detail, maybe_applied=maybe_applied
        )

    def _single_record(self, data, resource, method, path, record_id=None):
        """The record of ``resource`` in a GET answer: singular root, or first of the plural."""
        envelope = singular(resource)
        if envelope in data:
            record = data[envelope]
            if not isinstance(record, dict):
                raise self._malformed(method, path, f"`{envelope}` is not an object")
            return record
        if resource in data:
            records = data[resource]
            if not isinstance(records, list):
                raise self._malformed(method, path, f"`{resource}` is not a list")
            return _pick(records, record_id)
        return None

    def _parse_page(self, data, resource, path, requested_page, page_size):
        if resource not in data:
            raise self._malformed("GET", path, f"the answer has no `{resource}` list")
        records = data[resource]
        if not isinstance(records, list):
            raise self._malformed("GET", path, f"`{resource}` is not a list")
        if not all(isinstance(record, dict) for record in records):
            raise self._malformed("GET", path, f"`{resource}` holds something else than records")
        sideloaded = {
            key: value
            for key, value in data.items()
            if key not in ("meta", resource) and isinstance(value, list)
        }
        meta = data.get("meta")
        if meta is not None and not isinstance(meta, dict):
            raise self._malformed("GET", path, "`meta` is not an object")
        paging = (meta or {}).get("paging")
        if not isinstance(paging, dict):
            # No paging meta: Billy sent everything in one answer.
            return BillyPage(
                records=records,
                sideloaded=sideloaded,
                page=requested_page,
                page_count=requested_page,
                page_size=page_size,
                total=(requested_page - 1) * page_size + len(records),
            )
        try:
            page = _paging_int(paging, "page", requested_page)
            page_count = _paging_int(paging, "pageCount", page)
            size = _paging_int(paging, "pageSize", page_size)
            total = _paging_int(paging, "total", (page - 1) * size + len(records))
        except ValueError as exc:
            raise self._malformed("GET", path, str(exc)) from None
        return BillyPage(
            records=records,
            sideloaded=sideloaded,
            page=page,
            page_count=page_count,
            page_size=size,
            total=total,
        )

    def _write_result(self, data, resource, method, path, record_id=None):
        changed = {}
        for key, value in data.items():
            if key == "meta":
                continue
            if isinstance(value, list):
                changed[key] = value
            elif isinstance(value, dict) and (key == singular(resource) or key in PLURAL):
                # UNCONFIRMED: one report saw PUT answer with a singular root ({"invoice": {}})
                # instead of the documented plural arrays; accept both shapes.
                changed.setdefault(PLURAL.get(key, resource), []).append(value)
        records = changed.get(resource) or []
        if not all(isinstance(record, dict) for record in records):
            raise self._malformed(
                method, path, f"`{resource}` holds something else than records", maybe_applied=True
            )
        meta = data.get("meta")
        deleted = {}
        raw_deleted = meta.get("deletedRecords") if isinstance(meta, dict) else None
        if isinstance(raw_deleted, dict):
            for key, ids in raw_deleted.items():
                if key.startswith("_") or not isinstance(ids, list):
                    continue  # e.g. Billy's own "_clientIds" bookkeeping
                deleted[key] = [str(value) for value in ids]
        return BillyWriteResult(record=_pick(records, record_id), changed=changed, deleted=deleted)

    # -- helpers ------------------------------------------------------------------------------
    def _redact(self, value):
        """``value`` with every occurrence of the access token replaced (strings, dicts, lists)."""
        if isinstance(value, str):
            return value.replace(self._token, "[token]") if self._token in value else value
        if isinstance(value, dict):
            return {self._redact(key): self._redact(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._redact(item) for item in value]
        return value

    @staticmethod
    def _check_path(path):
        if not isinstance(path, str) or not path.strip():
            raise ValueError("path must be a non-empty string such as '/contacts'")
        if "://" in path or path.startswith("//"):
            # An absolute URL would send the access token to another host.
            raise ValueError("path must be relative to base_url, e.g. '/contacts'")
        return path if path.startswith("/") else "/" + path

    @staticmethod
    def _check_resource(resource):
        if not isinstance(resource, str) or not resource or not resource.isalnum():
            raise ValueError(f"resource must be a plural Billy resource name, not {resource!r}")
        return resource

    @staticmethod
    def _quote_id(record_id):
        if record_id is None or isinstance(record_id, bool) or str(record_id) == "":
            raise ValueError("record_id must be a non-empty id")
        return quote(str(record_id), safe="")

    @staticmethod
    def _with_include(params, include):
        if include:
            if isinstance(include, str):
                params["include"] = include
            else:
                params["include"] = ",".join(str(item) for item in include)
        return params


def _pick(records, record_id):
    """The record with ``record_id`` if given and present, else the first one (or None)."""
    if not records:
        return None
    if record_id is not None:
        for record in records:
            if isinstance(record, dict) and str(record.get("id")) == str(record_id):
                return record
    return records[0]


def _paging_int(paging, key, default):
    value = paging.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.isdigit():
            return int(value)
        raise ValueError(f"`meta.paging.{key}` is not a number")
    return value


def _encode_params(params):
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


def _retry_after(response):
    """Seconds from the Retry-After header (delta-seconds or HTTP date), or None."""
    value = response.headers.get("Retry-After")
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


def _causes(exc):
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


def _never_sent(exc):
    """True when the connection failed before the request could reach Billy.

    Connection refused, unresolvable host, a failed TLS handshake and the like mean nothing was
    sent; a reset or a dropped connection after connecting may have delivered the request, so
    anything else counts as sent.
    """
    never_sent = (NewConnectionError, ConnectionRefusedError, requests.exceptions.SSLError)
    return any(isinstance(cause, never_sent) for cause in _causes(exc))


def _describe_connection_failure(exc, sent):
    for cause in _causes(exc):
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


class RetryCounter(logging.Handler):
    """Counts the retries of every client, from the line each one logs before it waits."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.retries = 0

    def emit(self, record):
        if record.msg == RETRY_MESSAGE:
            self.retries += 1


@contextmanager
def counting_retries():
    """A RetryCounter listening to the clients' log while the block runs."""
    counter, level = RetryCounter(), _logger.level
    _logger.addHandler(counter)
    if not _logger.isEnabledFor(logging.INFO):
        _logger.setLevel(logging.INFO)
    try:
        yield counter
    finally:
        _logger.removeHandler(counter)
        _logger.setLevel(level)
