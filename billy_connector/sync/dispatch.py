"""Requests to Billy in flight while the database work stays in the main thread.

A bulk sync spends its time waiting for Billy. The dispatcher sends up to `size` requests
at once from worker threads; each request is a closure that only talks to Billy (it never
touches the ORM), and its `finish` callback runs back in the main thread, in order of
submission, where it may read and write the database.
"""

from collections import deque
from concurrent.futures import ThreadPoolExecutor


def _call(request):
    try:
        return request(), None
    except Exception as error:  # handed to the main thread, which decides
        return None, error


class Dispatcher:
    def __init__(self, size=1):
        self.size = max(1, int(size or 1))
        self._pool = ThreadPoolExecutor(self.size, "billy") if self.size > 1 else None
        self._pending = deque()

    def submit(self, request, finish):
        """Send `request()` (Billy calls only) and call `finish((result, error))` later."""
        if self._pool is None:
            finish(_call(request))
            return
        self._pending.append((self._pool.submit(_call, request), finish))

    def make_room(self):
        """Finish the oldest requests until another one may go; call it between records."""
        while len(self._pending) >= self.size:
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
