"""A short, safe conversation with a Billy organization that tells which of Billy's unsettled
behaviours (docs/billy_api_contract.md) it shows.  Run ``python -m billy_api.probe --help``."""

from .report import QUIRKS, Check, ProbeReport
from .run import probe_url, run_probe

__all__ = ["QUIRKS", "Check", "ProbeReport", "probe_url", "run_probe"]
