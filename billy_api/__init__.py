"""billy_api — a Python client for Billy's v2 API (billy.dk) and a local sandbox that speaks it."""

from .client import (
    DEFAULT_BASE_URL,
    MAX_BULK_SIZE,
    BillyBulkResult,
    BillyClient,
    BillyPage,
    BillyWriteResult,
)
from .envelopes import Sideloads, children
from .errors import (
    BillyAuthenticationError,
    BillyConnectionError,
    BillyError,
    BillyMalformedResponseError,
    BillyNotFoundError,
    BillyRateLimitError,
    BillyRequestError,
    BillyResponseTooLargeError,
    BillyServerError,
    BillyTimeoutError,
    BillyValidationError,
)
from .resources import CREDIT_NOTE_TYPES, INVOICE_TYPE_CREDIT_NOTE, INVOICE_TYPE_INVOICE, SINGULAR

__all__ = [
    "CREDIT_NOTE_TYPES",
    "DEFAULT_BASE_URL",
    "INVOICE_TYPE_CREDIT_NOTE",
    "INVOICE_TYPE_INVOICE",
    "MAX_BULK_SIZE",
    "SINGULAR",
    "BillyAuthenticationError",
    "BillyBulkResult",
    "BillyClient",
    "BillyConnectionError",
    "BillyError",
    "BillyMalformedResponseError",
    "BillyNotFoundError",
    "BillyPage",
    "BillyRateLimitError",
    "BillyRequestError",
    "BillyResponseTooLargeError",
    "BillyServerError",
    "BillyTimeoutError",
    "BillyValidationError",
    "BillyWriteResult",
    "Sideloads",
    "children",
]
