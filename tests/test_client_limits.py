"""Limits against real local HTTP servers: a deadline per call, a cap on the answer's size, and
strings PostgreSQL can store."""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from client_support import FakeSleep, load_registry  # noqa: F401

from billy_api import (
    BillyClient,
    BillyResponseTooLargeError,
    BillyServerError,
    BillyTimeoutError,
    BillyValidationError,
)
from billy_api.answers import clean_strings


class Server:
    """A local HTTP server whose every answer is written by ``answer(handler)``."""

    def __init__(self, answer):
        outer = self
        self.requests = 0
        self.sent = 0

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.requests += 1
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    answer(self)  # the client may hang up first, as it should

            do_POST = do_PUT = do_DELETE = do_GET

            def write(self, data):
                self.wfile.write(data)
                self.wfile.flush()
                outer.sent += len(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/v2"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve():
    servers = []

    def start(answer):
        server = Server(answer)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def json_answer(handler, body, status=200, headers=()):
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    for name, value in headers:
        handler.send_header(name, value)
    handler.end_headers()
    handler.write(data)


def trickle_body(handler):
    """Valid headers, then the body one byte at a time, slower than any deadline here."""
    data = json.dumps({"organization": {"id": "o1", "name": "Slow ApS"}}).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    for byte in data:
        handler.write(bytes([byte]))
        time.sleep(0.2)


def trickle_headers(handler):
    """The status line and headers one byte at a time."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: " + b"x" * 100
    for byte in head:
        handler.write(bytes([byte]))
        time.sleep(0.2)


def client_for(server, **kwargs):
    kwargs.setdefault("sleep", FakeSleep())
    return BillyClient("tok", base_url=server.url, **kwargs)


@pytest.mark.parametrize("answer", [trickle_body, trickle_headers])
def test_a_trickling_server_is_cut_off_at_the_deadline(serve, answer):
    server = serve(answer)
    client = client_for(server, deadline=1.0, read_timeout=5.0, max_retries=4)
    started = time.monotonic()
    with pytest.raises(BillyTimeoutError) as info:
        client.get_organization()
    elapsed = time.monotonic() - started
    # each byte came well within read_timeout; only the deadline can have stopped the call
    assert 0.9 <= elapsed < 5  # the trickles take 9 s or more
    assert info.value.phase == "deadline" and info.value.timeout == 1.0
    assert info.value.maybe_applied is False
    assert server.requests == 1  # a deadline that passed is not retried
    message = str(info.value)
    assert "did not finish answering within 1 s" in message
    assert "GET /organization" in message


def test_a_write_cut_off_at_the_deadline_may_have_been_applied(serve):
    server = serve(trickle_body)
    client = client_for(server, deadline=0.5)
    with pytest.raises(BillyTimeoutError) as info:
        client.update("contacts", "c1", {"name": "X"})
    assert info.value.maybe_applied is True
    assert "may have been saved in Billy" in str(info.value)


def test_retries_stop_before_a_wait_would_end_past_the_deadline(serve):
    def busy(handler):
        json_answer(handler, {"errorCode": "DOWN"}, status=503, headers=[("Retry-After", "20")])

    server = serve(busy)
    sleep = FakeSleep()
    client = client_for(server, deadline=5.0, max_retries=4, backoff_max=30.0, sleep=sleep)
    with pytest.raises(BillyServerError):
        client.get("contacts", "c1")
    assert sleep.calls == []  # waiting 20 s would end past the 5 s deadline
    assert server.requests == 1


def test_a_quick_answer_within_the_deadline_is_read(serve):
    server = serve(lambda h: json_answer(h, {"organization": {"id": "o1", "name": "Hurtig"}}))
    client = client_for(server, deadline=2.0)
    for _ in range(3):  # the connection is reused; no deadline of an earlier call fires later
        assert client.get_organization()["name"] == "Hurtig"
    time.sleep(2.2)
    assert client.get_organization()["name"] == "Hurtig"


def test_an_answer_declared_larger_than_the_cap_is_not_read(serve):
    def huge(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(300 * 1024 * 1024))
        handler.end_headers()
        handler.write(b'{"contacts": [' + b" " * 65536)

    server = serve(huge)
    client = client_for(server, max_answer_bytes=1024 * 1024)
    with pytest.raises(BillyResponseTooLargeError) as info:
        client.request("GET", "/contacts")
    assert info.value.limit == 1024 * 1024
    assert "larger than the limit of 1 MB (GET /contacts)" in str(info.value)


def test_an_endless_answer_is_stopped_past_the_cap(serve):
    def endless(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        handler.write(b"10000\r\n" + b"[" * 0x10000 + b"\r\n")
        while True:  # 64 KiB chunks until the client hangs up
            handler.write(b"10000\r\n" + b" " * 0x10000 + b"\r\n")

    server = serve(endless)
    client = client_for(server, max_answer_bytes=2 * 1024 * 1024, deadline=20.0)
    with pytest.raises(BillyResponseTooLargeError) as info:
        client.request("POST", "/contacts", body={"contact": {}})
    assert info.value.maybe_applied is True
    time.sleep(0.2)
    # the client read about the cap, not more: what the server could write before it hung up
    assert server.sent < 8 * 1024 * 1024


def test_an_error_answer_is_capped_too(serve):
    server = serve(lambda h: json_answer(h, {"errorMessage": "x" * 5000}, status=500))
    client = client_for(server, max_answer_bytes=1000, max_retries=0)
    with pytest.raises(BillyResponseTooLargeError):
        client.get("contacts", "c1")


def test_strings_postgresql_refuses_are_cleaned_in_keys_and_values(serve):
    # JSON escapes: NUL, a lone high and a lone low surrogate, and a valid pair (kept)
    raw = (
        b'{"contact": {"id": "c1", "name": "Nin\\u0000jas\\ud800 ApS",'
        b' "street\\u0000": "Vej \\udc00 1", "emoji": "\\ud83d\\ude00",'
        b' "tags": [["a\\u0000b"], {"k\\ud800": "v"}]}}'
    )

    def answer(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.write(raw)

    server = serve(answer)
    contact = client_for(server).get("contacts", "c1")
    assert contact["name"] == "Ninjas\ufffd ApS"
    assert contact["street"] == "Vej \ufffd 1"
    assert contact["emoji"] == "\U0001f600"
    assert contact["tags"] == [["ab"], {"k\ufffd": "v"}]
    for text in json.dumps(contact, ensure_ascii=False):
        assert text != "\x00" and not "\ud800" <= text <= "\udfff"


def test_raw_surrogate_bytes_and_error_texts_are_cleaned(serve):
    body = (
        b'{"errorCode": "INVALID_RECORD", "errorMessage": "Bad \xed\xa0\x80 name\\u0000",'
        b' "validationErrors": {"contact": {"message": "n\\u0000", "attributes": {}}}}'
    )

    def answer(handler):
        handler.send_response(400)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.write(body)

    server = serve(answer)
    with pytest.raises(BillyValidationError) as info:
        client_for(server).create("contacts", {"name": "x"})
    assert info.value.error_message == "Bad \ufffd name"
    assert info.value.validation_errors == {"contact": {"message": "n", "attributes": {}}}


def test_clean_strings_leaves_other_values_alone():
    value = {"n": 1, "f": 1.5, "b": True, "z": None, "s": "plain æøå"}
    assert clean_strings(value) == value
