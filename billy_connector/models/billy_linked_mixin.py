from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from ..sync.changed import link_outdated
from ..sync.links import link_domain
from ..sync.mapping import watched_fields
from ..sync.run import SyncRun
from ..sync.vocabulary import CHANGED, SYNCED

BUTTON_STATES = [
    ("new", "Not synced"),
    ("synced", "Synced"),
    ("changed", "Changed since last sync"),
    ("failed", "Failed"),
]


class BillyLinkedMixin(models.AbstractModel):
    """Billy link, status and the Sync with Billy button on a synced model.

    The link lives in billy.link, one per company; the fields below show the link of the
    current company.
    """

    _name = "billy.linked.mixin"
    _description = "Record synced with Billy"
    _billy_kinds = ()

    billy_id = fields.Char(
        string="Billy id",
        compute="_compute_billy_link",
        search="_search_billy_id",
        compute_sudo=True,
    )
    billy_sync_state = fields.Selection(
        BUTTON_STATES,
        string="Billy status",
        compute="_compute_billy_link",
        search="_search_billy_sync_state",
        compute_sudo=True,
    )
    billy_sync_error = fields.Text(
        string="Billy error", compute="_compute_billy_link", compute_sudo=True
    )
    billy_last_sync = fields.Datetime(
        string="Last Billy sync", compute="_compute_billy_link", compute_sudo=True
    )

    def _billy_links(self):
        domain = link_domain(self.env.company, self._name, res_id=self.ids)
        return self.env["billy.link"].sudo().search(domain)

    @api.depends_context("lang")
    def _compute_billy_link(self):
        links = {link.res_id: link for link in self._billy_links()}
        for record in self:
            record._billy_show_link(links.get(record.id))

    def _billy_show_link(self, link):
        """Copy what the record shows of its link (`link`: None when it has none)."""
        self.billy_id = link.billy_id if link else False
        self.billy_sync_state = link.state if link else "new"
        self.billy_sync_error = link.error_display if link else False  # the reader's language
        self.billy_last_sync = link.last_sync if link else False

    def _linked_ids(self, **conditions):
        domain = link_domain(self.env.company, self._name, **conditions)
        return self.env["billy.link"].sudo().search(domain).mapped("res_id")

    def _search_billy_id(self, operator, value):
        if operator not in ("=", "!=", "in", "not in", "ilike", "not ilike"):
            return NotImplemented
        if operator in ("=", "!=") and not value:
            linked = self._linked_ids(billy_id=("!=", False))
            return [("id", "not in" if operator == "=" else "in", linked)]
        return [("id", "in", self._linked_ids(billy_id=(operator, value)))]

    def _search_billy_sync_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            return NotImplemented
        states = {value} if isinstance(value, str) else set(value)
        linked_states = states - {"new"}
        ids_in = self._linked_ids(state=list(linked_states))
        domain = Domain("id", "in", ids_in)
        if "new" in states:
            domain |= Domain("id", "not in", self._linked_ids())
        return ~domain if operator in ("!=", "not in") else domain

    def _billy_watched_fields(self):
        """Odoo fields whose change makes a linked record 'changed since last sync'."""
        return set().union(*(watched_fields(kind, self.env) for kind in self._billy_kinds))

    def _billy_mark_changed(self, vals):
        """'Changed since last sync' only when a mapped value really differs from what the
        last sync stored: saving the same price, or posting an invoice (its customer's rank),
        changes nothing Billy has."""
        if self.env.context.get("billy_sync"):
            return
        if not self._billy_watched_fields() & vals.keys():
            return
        domain = link_domain(None, self._name, res_id=self.ids, state=SYNCED)
        links = self.env["billy.link"].sudo().search(domain)
        contexts = {}  # one per company for all the records of this save
        changed = links.filtered(lambda link: self._billy_link_outdated(link, contexts))
        if changed:
            changed.write({"state": CHANGED})
            self.invalidate_recordset(["billy_sync_state"])

    def _billy_link_outdated(self, link, contexts=None):
        """The record of a synced `link` no longer matches what the last sync stored."""
        return link_outdated(link, self.browse(link.res_id).sudo(), contexts)

    def write(self, vals):
        res = super().write(vals)
        self._billy_mark_changed(vals)
        return res

    def action_billy_sync(self):
        """Sync the selected records with the current company's Billy organization.

        Anyone who may edit the records may sync them, each to the Billy of the company it
        belongs to (or of the current company, for a record shared by all companies).
        """
        self.check_access("write")
        company = self.env.company
        foreign = self.filtered(lambda record: record.company_id and record.company_id != company)
        if foreign:
            raise UserError(
                self.env._(
                    "%(records)s belongs to another company than %(company)s: switch to that "
                    "company to sync it with its Billy.",
                    records=", ".join(foreign.mapped("display_name")),
                    company=company.name,
                )
            )
        run = SyncRun(company, trigger="record")
        log = run.run_records(self)
        return self.env["billy.sync.result"]._open_for(run.outcomes, log, run.reviews)

    def action_billy_open_link(self):
        """The record's Billy link (its Billy id, state, reason, last sync): Billy's API gives
        no address of a record in Billy's web app to open instead."""
        self.ensure_one()
        self.check_access("read")
        self.env.company._billy_check_manager()
        link = self._billy_links()
        if not link:
            raise UserError(self.env._("%s is not linked to Billy yet.", self.display_name))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Billy link"),
            "res_model": "billy.link",
            "res_id": link[:1].id,
            "view_mode": "form",
        }
