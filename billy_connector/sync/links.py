"""Links (billy.link): finding, creating, caching and storing them, and forgetting the ones a
rolled back savepoint created. Every billy.link domain of the addon is built here.
"""

from odoo import fields

from .fingerprint import fingerprint
from .vocabulary import FAILED, ORGANIZATION, SYNCED, kind_of

LINK_KEYS = ["res_id", "billy_id"]  # what the bulk walk reads of every link at once


def link_domain(company=None, res_model=None, **conditions):
    """A billy.link domain: `company` (record or id) and `res_model` when given, then one
    condition a keyword: a tuple (operator, value) says its operator, a list or set means
    "in", anything else "="."""
    domain = []
    if company is not None:
        domain.append(("company_id", "=", getattr(company, "id", company)))
    if res_model is not None:
        domain.append(("res_model", "=", res_model))
    for name, value in conditions.items():
        if isinstance(value, tuple):
            domain.append((name, *value))
        elif isinstance(value, list | set | frozenset):
            domain.append((name, "in", list(value)))
        else:
            domain.append((name, "=", value))
    return domain


def link_values(company_id, record, kind, **values):
    """The values of a new link of `record`."""
    return {
        "company_id": company_id,
        "res_model": record._name,
        "res_id": record.id,
        "record_kind": kind,
        **values,
    }


def batches(records, size):
    """The records a batch at a time, each batch prefetched on its own, not the whole book."""
    for start in range(0, len(records), size):
        yield records.browse(records._ids[start : start + size])


class Links:
    """The links of one company during one run."""

    def __init__(self, company, batch_size):
        self.company = company
        self.env = company.env
        self.Link = self.env["billy.link"]
        self.batch_size = batch_size
        self._ids = {}  # model → {res_id: billy.link id}, loaded one model at a time
        self._new = []  # (model, res_id) of links created inside the current savepoints

    # --- reading --------------------------------------------------------------------------

    def domain(self, res_model=None, **conditions):
        return link_domain(self.company, res_model, **conditions)

    def fetch(self, res_model, **conditions):
        """The links with their res_id and billy_id only (the bulk walk's read)."""
        return self.Link.search_fetch(self.domain(res_model, **conditions), LINK_KEYS)

    def record_of(self, res_model, billy_id):
        """The Odoo record linked to a Billy id (an empty recordset when none is)."""
        if not billy_id:
            return self.env[res_model]
        link = self.Link.search(self.domain(res_model, billy_id=billy_id), limit=1)
        return self.env[res_model].browse(link.res_id) if link else self.env[res_model]

    def is_linked(self, res_model, billy_id):
        return bool(self.Link.search_count(self.domain(res_model, billy_id=billy_id)))

    def parents(self):
        """Odoo partner id → Billy contact id of the linked organizations."""
        links = self.fetch("res.partner", record_kind=ORGANIZATION, billy_id=("!=", False))
        return {link.res_id: link.billy_id for link in links}

    def ids(self, model):
        """res_id → billy.link id of the model's links in this company (read once a run)."""
        if model not in self._ids:
            links = self.Link.search_fetch(self.domain(model), ["res_id"])
            self._ids[model] = {link.res_id: link.id for link in links}
        return self._ids[model]

    def warm(self, records):
        """Read the existing links of `records` at once (one query), so that `of()` of each
        finds its values in the cache instead of reading its link alone."""
        if records:
            cache = self.ids(records._name)
            self.Link.browse([cache[rid] for rid in records.ids if rid in cache]).fetch()

    def warm_links(self, links):
        """Read these links at once (one query) before they are written one by one."""
        self.Link.browse({link.id for link in links if link}).fetch()

    # --- writing --------------------------------------------------------------------------

    def of(self, record, kind=None):
        """The record's link in this company, created when missing."""
        cache = self.ids(record._name)
        if record.id in cache:
            # on its own: prefetching through every link of a large book would fill the cache
            return self.Link.browse(cache[record.id])
        link = self.Link.create(link_values(self.company.id, record, kind or kind_of(record)))
        cache[record.id] = link.id
        self._new.append((record._name, record.id))
        return link

    def ensure(self, records):
        """Create the missing links of many records at once (the first sync of a large book)."""
        if not records:
            return
        cache = self.ids(records._name)
        missing = records.filtered(lambda record: record.id not in cache)
        for batch in batches(missing, self.batch_size):
            if batch._name == "res.partner":  # what kind_of reads, not every partner field
                batch.fetch(["is_company", "parent_id"])
                batch.parent_id.fetch(["is_company"])
            links = self.Link.create(
                [link_values(self.company.id, record, kind_of(record)) for record in batch]
            )
            cache.update(zip(batch.ids, links.ids, strict=True))
            links.flush_recordset()
            links.invalidate_recordset()

    def store(self, link, handler, flat, odoo_vals, billy_vals):
        """The pair is in step: both sides' fingerprints, the Billy ids, synced now."""
        link.write(
            {
                "billy_id": flat["id"],
                **handler.billy_id_extra(flat),
                "odoo_fingerprint": fingerprint(odoo_vals),
                "billy_fingerprint": fingerprint(billy_vals),
                "state": SYNCED,
                "error": False,
                "last_sync": fields.Datetime.now(),
            }
        )

    def fail(self, link, message):
        link.write({"state": FAILED, "error": message})

    # --- savepoints -----------------------------------------------------------------------

    def mark(self):
        """Where the links made from now on start (see forget_since)."""
        return len(self._new)

    def forget_since(self, mark):
        """The savepoint that made the links since `mark` was rolled back: they are gone."""
        for model, res_id in self._new[mark:]:
            self._ids[model].pop(res_id, None)
        del self._new[mark:]

    def settle(self):
        """No savepoint is left that could roll the new links back: keep them."""
        self._new.clear()
