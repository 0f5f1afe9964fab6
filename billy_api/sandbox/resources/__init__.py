"""Billy's resources as the sandbox keeps them.

``specs`` (with the named field types of ``fields``) says what each resource holds; one module
per family writes it (``contacts``, ``products``, ``invoices`` with ``invoice_lines`` and
``totals``, ``payments``, ``reference``); ``writer.HANDLERS`` says which function writes which
resource.
"""

from .records import Changes
from .specs import SEED_ORDER, SINGULAR, SPECS
from .validation import ValidationFailed
from .writer import HANDLERS, MethodNotAllowed, Writer, allows
