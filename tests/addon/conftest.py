"""Plain pytest for the addon's pure modules (no Odoo): `billy_connector` is registered as a
bare package, so that `import billy_connector.sync.decide` does not run the addon's
__init__.py (which imports Odoo's models)."""

import sys
import types
from pathlib import Path

ADDON = Path(__file__).resolve().parents[2] / "billy_connector"

if "billy_connector" not in sys.modules:
    package = types.ModuleType("billy_connector")
    package.__path__ = [str(ADDON)]
    sys.modules["billy_connector"] = package
