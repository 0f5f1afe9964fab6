"""A file Billy links to (an invoice's PDF), read within the client's deadline and size cap.

Billy's ``downloadUrl`` carries its own credential, changes on every read (fact F3 of
docs/billy_api_contract.md) and may point at another host, so the access token is never sent
with it and the URL is used at once, never stored.
"""

from urllib.parse import urlsplit

import requests

from .answers import http_error
from .deadline import watching
from .errors import BillyConnectionError, BillyTimeoutError
from .transport import USER_AGENT, _DeadlinePassed


def download(client, url):
    """The bytes at ``url``, a download address from one of Billy's answers."""
    transport = client._transport
    shown = urlsplit(url or "")._replace(query="").geturl()
    if urlsplit(url or "").scheme not in ("http", "https"):
        raise BillyConnectionError(method="GET", path=shown, detail="not a download address")
    request = {"url": url, "params": None, "data": None, "headers": {"User-Agent": USER_AGENT}}
    with watching(transport.deadline) as watch:
        try:
            status, headers, content = transport._exchange("GET", request, watch)
        except (_DeadlinePassed, requests.exceptions.RequestException) as exc:
            if watch.expired or isinstance(exc, _DeadlinePassed):
                raise BillyTimeoutError(method="GET", path=shown, phase="deadline") from None
            raise transport._transport_error(exc, "GET", shown) from None
    if not 200 <= status < 300:
        raise http_error(status, headers, content, "GET", shown, transport.redact)
    return content
