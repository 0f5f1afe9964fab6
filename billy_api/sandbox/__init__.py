"""The Billy sandbox: a local HTTP server speaking Billy's v2 API, with fault injection.

See docs/billy_api_contract.md for the interface and ``python -m billy_api.sandbox --help``.
"""

from .server import SandboxServer

__all__ = ["SandboxServer"]
