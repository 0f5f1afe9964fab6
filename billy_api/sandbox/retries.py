"""Counting the client's retries, for soaks and tests against the sandbox.

It lives with the sandbox, not the client: it is an instrument of the test kit (the addon's
fault tests and ``bench/soak.py`` use it), which must be importable wherever billy_api is
installed, like the sandbox itself, without being part of the client's API.
"""

import logging
from contextlib import contextmanager

from billy_api.transport import RETRY_MESSAGE

_client_logger = logging.getLogger("billy_api.client")


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
    counter, level = RetryCounter(), _client_logger.level
    _client_logger.addHandler(counter)
    if not _client_logger.isEnabledFor(logging.INFO):
        _client_logger.setLevel(logging.INFO)
    try:
        yield counter
    finally:
        _client_logger.removeHandler(counter)
        _client_logger.setLevel(level)
