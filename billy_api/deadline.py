"""A deadline for a whole request: connecting, sending, the answer's headers and its body.

Socket timeouts bound each wait for a byte, not the request: a server that trickles one byte
every few seconds never trips them. Here one watchdog thread holds the deadline of every request
in flight and, when one passes, shuts the socket of that request's connection, which ends any
read under way at once. The connection classes tell the request they serve (a thread-local set
by :func:`watching`) which connection it is.
"""

import contextlib
import heapq
import itertools
import socket
import threading
import time

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_current = threading.local()


class Watch:
    """The deadline of one request; ``expired`` once it has passed."""

    def __init__(self, deadline_at):
        self.deadline_at = deadline_at
        self.expired = False
        self.done = False
        self._connection = None
        self._lock = threading.Lock()

    def remaining(self):
        return self.deadline_at - time.monotonic()

    def attach(self, connection):
        with self._lock:
            self._connection = connection
            if self.expired:
                _shut(connection)

    def expire(self):
        with self._lock:
            if self.done:
                return
            self.expired = True
            if self._connection is not None:
                _shut(self._connection)


def _shut(connection):
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


class _Watchdog:
    """One daemon thread expiring the watches whose deadline has passed."""

    def __init__(self):
        self._condition = threading.Condition()
        self._heap = []
        self._order = itertools.count()
        self._thread = None

    def add(self, watch):
        with self._condition:
            heapq.heappush(self._heap, (watch.deadline_at, next(self._order), watch))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="billy-deadlines", daemon=True
                )
                self._thread.start()
            self._condition.notify()

    def _run(self):
        with self._condition:
            while True:
                now = time.monotonic()
                while self._heap and (self._heap[0][2].done or self._heap[0][0] <= now):
                    _, _, watch = heapq.heappop(self._heap)
                    watch.expire()
                wait = self._heap[0][0] - now if self._heap else None
                self._condition.wait(wait)


_watchdog = _Watchdog()


@contextlib.contextmanager
def watching(seconds):
    """A :class:`Watch` of ``seconds`` over the requests this thread makes in the block."""
    watch = Watch(time.monotonic() + seconds)
    _watchdog.add(watch)
    previous = getattr(_current, "watch", None)
    _current.watch = watch
    try:
        yield watch
    finally:
        _current.watch = previous
        with watch._lock:
            watch.done = True
            watch._connection = None


def _attach(connection):
    watch = getattr(_current, "watch", None)
    if watch is not None:
        watch.attach(connection)


class _WatchedMixin:
    def connect(self):
        _attach(self)
        super().connect()
        _attach(self)  # the socket exists now: shut it at once if the deadline has passed

    def request(self, *args, **kwargs):
        _attach(self)
        return super().request(*args, **kwargs)


class _WatchedHTTPConnection(_WatchedMixin, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedMixin, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose connections obey the deadline of :func:`watching`."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPPool,
            "https": _WatchedHTTPSPool,
        }
