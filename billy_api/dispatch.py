"""Requests to Billy in flight while the database work stays in the calling (main) thread.

A bulk sync spends its time waiting for Billy. The dispatcher keeps up to `size` requests on
the wire at once, sent from worker threads; each request is a closure that only talks to Billy
(it never touches the database), and its `finish` callback runs back in the main thread, in
order of submission, where it may read and write the database.

The main thread works ahead: it may prepare up to `depth` requests (default 3 x `size`) while
`size` of them are on the wire, so that Billy is never kept waiting by the database work of
the answers that just came back. The number of requests in flight never exceeds `size`.
"""

from collections import deque
from concurrent.futures import ThreadPoolExecutor

AHEAD = 3  # requests prepared per connection, counting the one on the wire


def _call(request):
    try:
        return request(), None
    except Exception as error:  # handed to the main thread, which decides
        return None, error


class Dispatcher:
    def __init__(self, size=1, depth=None):
        self.size = max(1, int(size or 1))
        self.depth = max(self.size, int(depth or AHEAD * self.size))
        self._pool = ThreadPoolExecutor(self.size, "billy") if self.size > 1 else None
        self._pending = deque()

    def submit(self, request, finish):
        """Send `request()` (Billy calls only) and call `finish((result, error))` later."""
        if self._pool is None:
            finish(_call(request))
            return
        self._pending.append((self._pool.submit(_call, request), finish))

    @property
    def pending(self):
        """Requests submitted whose `finish` has not run yet."""
        return len(self._pending)

    def make_room(self):
        """Between records: finish what Billy has answered, and wait only when too far ahead."""
        while self._pending and (len(self._pending) >= self.depth or self._pending[0][0].done()):
            self._complete_oldest()

    def drain(self):
        """Wait for every request in flight and finish them all."""
        while self._pending:
            self._complete_oldest()

    def close(self):
        try:
            self.drain()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)

    def _complete_oldest(self):
        future, finish = self._pending.popleft()
        finish(future.result())
