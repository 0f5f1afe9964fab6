"""Pure addon modules (billy_connector.sync.*) imported without Odoo.

billy_connector/__init__.py imports the Odoo models; registering the package bare (its path,
nothing run) lets `import billy_connector.sync.matching` load only that module.
"""

import pathlib
import sys
import types

_ADDON = pathlib.Path(__file__).resolve().parents[2] / "billy_connector"

if "billy_connector" not in sys.modules:
    package = types.ModuleType("billy_connector")
    package.__path__ = [str(_ADDON)]
    sys.modules["billy_connector"] = package
