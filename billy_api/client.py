"""HTTP client for Billy's v2 REST API (https://api.billysbilling.com/v2).

One :class:`BillyClient` per access token.  The client is safe to share between threads: it keeps
no per-call state, and its single :class:`requests.Session` has a connection pool of
``pool_size``.  See ``docs/billy_api_contract.md`` for the interface. The wire (retries,
deadline, size cap) is ``transport.py``; Billy's envelopes are read in ``envelopes.py``.
"""

import time
from urllib.parse import quote

from .answers import malformed
from .envelopes import (
    MAX_PAGE_SIZE,
    BillyBulkResult,
    BillyPage,
    BillyWriteResult,
    bulk_result,
    parse_page,
    single_record,
    write_result,
)
from .errors import BillyValidationError
from .resources import singular
from .transport import Transport, new_session

DEFAULT_BASE_URL = "https://api.billysbilling.com/v2"
DEFAULT_DEADLINE = 60.0  # seconds one call may take, its retries and waits included
DEFAULT_MAX_ANSWER_BYTES = 50 * 1024 * 1024
MAX_BULK_SIZE = 1000  # records a bulk save takes at most (assumed, like pageSize)

__all__ = [
    "DEFAULT_BASE_URL",
    "MAX_BULK_SIZE",
    "MAX_PAGE_SIZE",
    "BillyBulkResult",
    "BillyClient",
    "BillyPage",
    "BillyWriteResult",
]


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
        deadline=DEFAULT_DEADLINE,
        max_answer_bytes=DEFAULT_MAX_ANSWER_BYTES,
    ):
        if not isinstance(token, str) or not token.strip():
            raise ValueError("BillyClient needs a non-empty access token")
        if not isinstance(base_url, str) or "://" not in base_url:
            raise ValueError("base_url must be an absolute URL such as " + DEFAULT_BASE_URL)
        if connect_timeout <= 0 or read_timeout <= 0 or deadline <= 0:
            raise ValueError("connect_timeout, read_timeout and deadline must be positive")
        if max_retries < 0 or backoff_base < 0 or backoff_max < 0:
            raise ValueError("max_retries, backoff_base and backoff_max must not be negative")
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        if max_answer_bytes < 1:
            raise ValueError("max_answer_bytes must be at least 1")
        self.base_url = base_url.rstrip("/")
        self._owns_session = session is None
        self._session = new_session(pool_size) if session is None else session
        self._transport = Transport(
            token.strip(),
            self.base_url,
            self._session,
            {
                "connect_timeout": connect_timeout,
                "read_timeout": read_timeout,
                "deadline": deadline,
                "max_answer_bytes": max_answer_bytes,
                "max_retries": max_retries,
                "backoff_base": backoff_base,
                "backoff_max": backoff_max,
                "accept_language": accept_language,
                "sleep": sleep,
            },
        )

    def __repr__(self):
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def close(self):
        """Close the HTTP session (only when this client created it)."""
        if self._owns_session:
            self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *_exc_info):
        self.close()

    def _send(self, method, path, params, body, retry=None):
        """The one way out to Billy (a benchmark may wrap it to time the calls)."""
        return self._transport.send(method, path, params, body, retry)

    # -- public API ---------------------------------------------------------------------------
    def request(self, method, path, params=None, body=None):
        """Send one request to ``base_url + path`` and return Billy's JSON answer (a dict).

        GET, PUT and DELETE are retried on 429, 5xx and lost connections; POST never is.
        """
        return self._send(str(method).upper(), _check_path(path), params, body)

    def get_organization(self):
        """The organization of the access token (``GET /organization``)."""
        path = "/organization"
        data = self._send("GET", path, None, None)
        record = single_record(data, "organizations", "GET", path)
        if record is None:
            raise malformed("GET", path, "the answer has no `organization` record")
        return record

    def get(self, resource, record_id, include=None):
        """One record of ``resource`` (plural wire name) by id.

        Embedded relations (``include="invoice.lines:embed"``) come inside the record; for
        sideloaded roots use :meth:`request`.
        """
        resource = _check_resource(resource)
        path = f"/{resource}/{_quote_id(record_id)}"
        data = self._send("GET", path, _with_include({}, include), None)
        record = single_record(data, resource, "GET", path, record_id)
        if record is None:
            raise malformed("GET", path, f"the answer has no `{singular(resource)}` record")
        return record

    def iter_pages(self, resource, params=None, include=None, page_size=MAX_PAGE_SIZE):
        """Yield the pages of a list call one by one; a page is fetched only when needed.

        Arguments are checked at once; the first request goes out on the first ``next()``.
        ``page``/``pageSize`` in ``params`` are replaced by the client's own paging.
        """
        resource = _check_resource(resource)
        if isinstance(page_size, bool) or not isinstance(page_size, int):
            raise ValueError("page_size must be an integer")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
        base_params = _with_include(dict(params or {}), include)
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
            result = parse_page(data, resource, path, page, page_size)
            yield result
            # Stop at meta.paging.pageCount; an empty page also ends the loop, so a wrong
            # pageCount can never make it run forever.
            if page >= result.page_count or not result.records:
                return
            page += 1

    def create(self, resource, record):
        """POST ``{"<singular>": record}`` to ``/<resource>``; never retried."""
        resource = _check_resource(resource)
        path = f"/{resource}"
        data = self._send("POST", path, None, {singular(resource): record})
        result = write_result(data, resource, "POST", path)
        if result.record is None:
            # The create went through but we cannot tell the new id: the caller must not retry.
            raise malformed(
                "POST", path, f"the answer has no `{resource}` record", maybe_applied=True
            )
        return result

    def update(self, resource, record_id, values):
        """PUT the partial ``values`` to ``/<resource>/<id>``; retried like GET."""
        resource = _check_resource(resource)
        path = f"/{resource}/{_quote_id(record_id)}"
        data = self._send("PUT", path, None, {singular(resource): values})
        return write_result(data, resource, "PUT", path, record_id)

    def delete(self, resource, record_id):
        """DELETE ``/<resource>/<id>``; retried.  Billy answers 200 even for unknown ids."""
        resource = _check_resource(resource)
        path = f"/{resource}/{_quote_id(record_id)}"
        data = self._send("DELETE", path, None, None)
        return write_result(data, resource, "DELETE", path, record_id)

    def bulk_save(self, resource, records):
        """Save several records of one resource in one call: ``PATCH /<resource>`` with
        ``{"<resource>": records}``, the form Billy's own app sends. A record without ``id`` is
        created, one with an ``id`` updated (partially, like :meth:`update`).

        Returns a :class:`BillyBulkResult` whose ``records[i]`` is Billy's record of
        ``records[i]``. All or nothing: when a record is invalid Billy refuses the call with a
        :class:`BillyValidationError` whose ``indexes`` are the positions of the invalid
        records. Retried like PUT only when every record has an ``id`` (creates are never sent
        twice).
        """
        resource = _check_resource(resource)
        if not isinstance(records, (list, tuple)) or not all(isinstance(r, dict) for r in records):
            raise ValueError("records must be a list of dicts")
        if not 1 <= len(records) <= MAX_BULK_SIZE:
            raise ValueError(f"a bulk save takes 1 to {MAX_BULK_SIZE} records, not {len(records)}")
        sent = [{"_clientId": f"bulk{index}", **record} for index, record in enumerate(records)]
        path = f"/{resource}"
        updates_only = all(record.get("id") is not None for record in records)
        try:
            data = self._send("PATCH", path, None, {resource: sent}, retry=updates_only)
        except BillyValidationError as error:
            error.indexes = _invalid_indexes(error.validation_errors, sent)
            raise
        return bulk_result(data, resource, sent, path)


def _invalid_indexes(validation_errors, sent):
    """The positions of the records a bulk save's ``validationErrors`` name."""
    positions = {str(record["_clientId"]): index for index, record in enumerate(sent)}
    indexes = set()
    for key, entry in validation_errors.items():
        name = str(key).split("/", 1)[0]
        if isinstance(entry, dict) and isinstance(entry.get("index"), int):
            indexes.add(entry["index"])
        elif name in positions:
            indexes.add(positions[name])
        elif name.isdigit() and int(name) < len(sent):
            indexes.add(int(name))
    return tuple(sorted(indexes))


def _check_path(path):
    if not isinstance(path, str) or not path.strip():
        raise ValueError("path must be a non-empty string such as '/contacts'")
    if "://" in path or path.startswith("//"):
        # An absolute URL would send the access token to another host.
        raise ValueError("path must be relative to base_url, e.g. '/contacts'")
    return path if path.startswith("/") else "/" + path


def _check_resource(resource):
    if not isinstance(resource, str) or not resource or not resource.isalnum():
        raise ValueError(f"resource must be a plural Billy resource name, not {resource!r}")
    return resource


def _quote_id(record_id):
    if record_id is None or isinstance(record_id, bool) or str(record_id) == "":
        raise ValueError("record_id must be a non-empty id")
    return quote(str(record_id), safe="")


def _with_include(params, include):
    if include:
        if isinstance(include, str):
            params["include"] = include
        else:
            params["include"] = ",".join(str(item) for item in include)
    return params
