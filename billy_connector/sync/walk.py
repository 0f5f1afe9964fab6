"""The bulk walk of one record kind: Odoo and Billy records paired page by page.

1. load the company's links and the Odoo records in scope (one search);
2. read Billy's records page by page (1,000 a request); a linked pair is reconciled at once;
3. links whose Billy record is gone, then whose Odoo record is gone, are settled;
4. unlinked Odoo records look for their Billy twin (matching) before anything is created;
5. Billy records nobody matched are created in Odoo (when the direction allows).

Creates and updates in Billy are batched on the way (bulk.py) and all answered at the end.
"""

from .first_link import FirstLinks
from .vocabulary import SYNCED, kind_of


def page_pairs(env, model, pairs, res_ids, known_ids):
    """(link, Odoo record or None, Billy record) of one Billy page's (link id, Billy record)
    pairs; the Odoo record is None unless its id is in `known_ids`.

    The page's links and records are read together, and only they: prefetching through the
    whole book would refill the cache that a checkpoint just emptied.
    """
    links = env["billy.link"].browse([link_id for link_id, _record in pairs])
    records = model.browse(
        res_ids[link_id] for link_id, _record in pairs if res_ids[link_id] in known_ids
    )
    records_by_id = dict(zip(records.ids, records, strict=True))
    for link, (link_id, billy_record) in zip(links, pairs, strict=True):
        yield link, records_by_id.get(res_ids[link_id]), billy_record


class Walk:
    def __init__(self, run):
        self.run = run
        self.env = run.env

    def sync_kind(self, handler):
        run = self.run
        links = run.links.fetch(handler.res_model, record_kind=list(handler.kinds))
        billy_ids = {link.res_id: link.billy_id for link in links}  # False: not in Billy yet
        link_ids = {link.billy_id: link.id for link in links if link.billy_id}
        res_ids = {link.id: link.res_id for link in links}
        model = self.env[handler.res_model].with_context(active_test=False)
        records = model.search_fetch(
            [*handler.odoo_domain(), "|", ("active", "=", True), ("id", "in", list(billy_ids))],
            handler.list_fields,
        )
        record_ids = set(records.ids)
        # decided now, from the fields just read: a checkpoint on the way empties the cache
        todo = records.filtered(lambda r: r.active and not billy_ids.get(r.id))
        seen, unlinked_billy = set(), {}
        with run.bulk.batching():
            for page in handler.billy_pages():
                run.batch_start()
                pairs = []
                for billy_record in page.records:
                    flat = handler.flatten(billy_record)
                    link_id = link_ids.get(flat["id"])
                    if link_id is None:
                        unlinked_billy[flat["id"]] = flat
                    else:
                        seen.add(flat["id"])
                        pairs.append((link_id, flat))
                for link, record, flat in page_pairs(self.env, model, pairs, res_ids, record_ids):
                    self._sync_pair(handler, link, record, flat)
            gone = self.env["billy.link"].browse(
                link_id for billy_id, link_id in link_ids.items() if billy_id not in seen
            )
            for batch in run.batches(gone):
                for link in batch:
                    record = model.browse(link.res_id) if link.res_id in record_ids else None
                    run.pull.billy_record_gone(link, record)
            self._link_or_create(handler, todo, unlinked_billy)
        run.guard.dispatcher.drain()
        run.journal.flush()

    def _sync_pair(self, handler, link, record, flat):
        run = self.run
        if record is None:
            run.guard.guarded(
                None, link.record_kind, lambda: run.push.odoo_record_gone(handler, link, flat)
            )
            return
        kind = kind_of(record)
        if link.state == SYNCED and run.pairs.unchanged(kind, link, record, flat):
            run.pairs.settled(kind, record, flat, False)
            run.step()
            return
        run.guard.guarded(
            record, kind, lambda: run.pairs.reconcile(handler, kind, link, record, flat), link
        )

    def _link_or_create(self, handler, todo, unlinked_billy):
        """Odoo records not in Billy yet (`todo`): link them to their twin or create them;
        then Billy records nobody took: create them in Odoo (first_link.py decides)."""
        FirstLinks(self.run, handler).link_or_create(todo, unlinked_billy)
