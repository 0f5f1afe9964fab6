"""Did a saved record change since its last sync? The values the mapping (mapping.py, or the
company's custom mapping) gives of it now, against the fingerprint the last sync stored
(billy.link.odoo_fingerprint): the same comparison the next run makes, made in Odoo alone.
"""

from .context import SyncContext
from .errors import MappingError
from .fingerprint import changed_since
from .mapping import mapping_for, odoo_values


class _NoBilly:
    """The client of a context that must not talk to Billy: a record is being saved."""

    def __getattr__(self, name):
        raise MappingError("Billy is not asked while a record is saved.")


def mapped_values_now(company, kind, record, contexts=None):
    """The Billy-shaped values the next run compares, or None when Odoo alone can't tell
    (a value that can't be mapped, a VAT rate only Billy could map). `contexts` (a dict)
    keeps one context per company across the records of one save, so that its lookups
    (countries, languages, VAT rulesets) are read once."""
    contexts = {} if contexts is None else contexts
    ctx = contexts.get(company.id)
    if ctx is None:
        ctx = contexts[company.id] = SyncContext(record.env, company, _NoBilly())
    try:
        return odoo_values(mapping_for(company, kind), record, ctx)
    except MappingError:
        return None


def link_outdated(link, record, contexts=None):
    """The synced link of `record` no longer matches what the last sync stored."""
    values = mapped_values_now(link.company_id, link.record_kind, record, contexts)
    return changed_since(link.odoo_fingerprint, values)
