"""``python -m billy_api.sandbox``: run the sandbox; the first stdout line is its base URL."""

from __future__ import annotations

import argparse
import signal
import sys

from .quirks import DEFAULT_QUIRKS, QUIRKS
from .seed import SEEDS
from .server import DEFAULT_TOKENS, SandboxServer


def parse_token(value: str) -> tuple[str, str]:
    token, _, name = value.partition("=")
    if not token:
        raise argparse.ArgumentTypeError("a token must not be empty")
    return token, name or "Billy Sandbox ApS"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m billy_api.sandbox",
        description="A local Billy (v2 API) sandbox with fault injection.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument(
        "--token",
        action="append",
        type=parse_token,
        metavar="TOKEN[=Org name]",
        help="an access token and its organization's name (repeatable)",
    )
    parser.add_argument("--seed", choices=SEEDS, default="danish")
    parser.add_argument("--state-file", help="keep the state in this JSON file between runs")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay every /v2 request")
    switches = (
        ("--quirk", "switch a quirk on (repeatable): " + ", ".join(sorted(QUIRKS))),
        (
            "--without-quirk",
            "switch a quirk off (repeatable), e.g. one on by default: "
            + ", ".join(sorted(DEFAULT_QUIRKS)),
        ),
    )
    for flag, text in switches:
        parser.add_argument(
            flag, action="append", default=[], choices=sorted(QUIRKS), metavar="NAME", help=text
        )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    tokens = dict(args.token) if args.token else dict(DEFAULT_TOKENS)
    server = SandboxServer(
        tokens=tokens,
        host=args.host,
        port=args.port,
        seed=args.seed,
        state_file=args.state_file,
        latency_ms=args.latency_ms,
        quirks=args.quirk,
        without_quirks=args.without_quirk,
    )
    server.start()
    print(server.url, flush=True)
    for token in tokens:
        print(f"token {token} -> organization {server.org_id(token)}", flush=True)
    print(f"quirks on: {', '.join(sorted(server.quirks)) or 'none'}", flush=True)
    print(f"control endpoint {server.control_url}; Ctrl+C to stop", flush=True)

    def stop(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
