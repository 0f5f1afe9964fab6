from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models

from ..sync.links import link_domain
from ..sync.vocabulary import CHANGED, FAILED, RECORD_KINDS

RECENT_DAYS = 30
LAST_RUNS = 10


class BillyDashboard(models.TransientModel):
    """The Billy app's main view: last runs, counts, failed and changed records, preview."""

    _name = "billy.dashboard"
    _description = "Billy dashboard"
    _check_company_auto = True
    # one dashboard per user and company, opened again at each visit (same URL, no pager):
    # its values are all computed, so it never gets old
    _transient_max_hours = 0

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        readonly=True,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    connection_state = fields.Selection(related="company_id.billy_connection_state")
    connection_message = fields.Char(related="company_id.billy_connection_message")
    connection_checked = fields.Datetime(related="company_id.billy_connection_checked")
    sync_direction = fields.Selection(
        related="company_id.billy_sync_direction", string="Sync direction"
    )
    sync_mode = fields.Selection(related="company_id.billy_sync_mode", string="Sync mode")
    log_ids = fields.Many2many("billy.sync.log", string="Last runs", compute="_compute_dashboard")
    last_run = fields.Datetime(compute="_compute_dashboard")
    counts_html = fields.Html(string="Records", compute="_compute_dashboard", sanitize=False)
    failed_link_ids = fields.Many2many(
        "billy.link", string="Failed records", compute="_compute_dashboard"
    )
    changed_link_ids = fields.Many2many(
        "billy.link", string="Changed since the last sync", compute="_compute_dashboard"
    )
    failed_count = fields.Integer(compute="_compute_dashboard")
    review_count = fields.Integer(string="Matches to review", compute="_compute_dashboard")
    changed_count = fields.Integer(compute="_compute_dashboard")

    # created over RPC with another company's id, it would show and sync that company
    @api.model_create_multi
    def create(self, vals_list):
        ids = {vals.get("company_id") or self.env.company.id for vals in vals_list}
        self.env["res.company"].browse(ids - {None, False})._billy_check_manager()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("company_id"):
            self.env["res.company"].browse(vals["company_id"])._billy_check_manager()
        return super().write(vals)

    @api.depends("company_id")
    def _compute_dashboard(self):
        Link = self.env["billy.link"]
        for dashboard in self:
            company = dashboard.company_id
            domain = [("company_id", "=", company.id)]
            logs = self.env["billy.sync.log"].search(domain, limit=LAST_RUNS)
            dashboard.log_ids = logs
            dashboard.last_run = logs[:1].start
            dashboard.failed_link_ids = Link.search(link_domain(company, state=FAILED))
            dashboard.changed_link_ids = Link.search(
                link_domain(company, state=CHANGED, billy_id=("!=", False))
            )
            dashboard.failed_count = len(dashboard.failed_link_ids)
            dashboard.changed_count = len(dashboard.changed_link_ids)
            dashboard.review_count = self.env["billy.match.review"].search_count(
                [*domain, ("state", "=", "pending")]
            )
            dashboard.counts_html = dashboard._counts_html()

    def _counts_html(self):
        """A table: per record kind, the links by state and what moved each way lately."""
        domain = link_domain(self.company_id)
        Link = self.env["billy.link"]
        states = {
            (kind, state): count
            for kind, state, count in Link._read_group(
                domain, ["record_kind", "state"], ["__count"]
            )
        }
        linked_domain = link_domain(self.company_id, billy_id=("!=", False))
        linked = dict(Link._read_group(linked_domain, ["record_kind"], ["__count"]))
        since = fields.Datetime.now() - timedelta(days=RECENT_DAYS)
        moves = {
            (kind, direction): count
            for kind, direction, count in self.env["billy.sync.log.line"]._read_group(
                [
                    *domain,
                    ("create_date", ">=", since),
                    ("action", "in", ("created", "updated", "linked")),
                ],
                ["record_kind", "direction"],
                ["__count"],
            )
        }
        headers = [
            self.env._("Record kind"),
            self.env._("Linked"),
            self.env._("Synced"),
            self.env._("Changed"),
            self.env._("Failed"),
            self.env._("Odoo → Billy (%s days)", RECENT_DAYS),
            self.env._("Billy → Odoo (%s days)", RECENT_DAYS),
        ]
        kinds = dict(self.env["billy.link"]._fields["record_kind"]._description_selection(self.env))
        rows = []
        for kind, _label in RECORD_KINDS:
            synced, changed, failed = (
                states.get((kind, state), 0) for state in ("synced", "changed", "failed")
            )
            cells = [
                linked.get(kind, 0),
                synced,
                changed,
                failed,
                moves.get((kind, "to_billy"), 0),
                moves.get((kind, "to_odoo"), 0),
            ]
            row = Markup("<td>%s</td>") % kinds.get(kind, kind)
            for index, count in enumerate(cells):
                css = "text-end text-danger fw-bold" if index == 3 and count else "text-end"
                row += Markup('<td class="%s">%s</td>') % (css, count)
            rows.append(Markup('<tr class="o_billy_count_%s">%s</tr>') % (kind, row))
        head = Markup("").join(
            Markup('<th class="%s">%s</th>') % ("text-end" if i else "", escape(h))
            for i, h in enumerate(headers)
        )
        return Markup(
            '<table class="table table-sm o_billy_counts"><thead><tr>%s</tr></thead>'
            "<tbody>%s</tbody></table>"
        ) % (head, Markup("").join(rows))

    def _compute_display_name(self):
        for dashboard in self:
            dashboard.display_name = self.env._("Billy dashboard")

    @api.model
    def action_open_dashboard(self):
        """The Billy menu's main view: the user's dashboard of the current company."""
        company = self.env.company
        company._billy_check_manager()
        dashboard = self.search(
            [("create_uid", "=", self.env.uid), ("company_id", "=", company.id)],
            order="id",
            limit=1,
        ) or self.create({"company_id": company.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Billy dashboard"),
            "res_model": self._name,
            "res_id": dashboard.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_refresh(self):
        return True

    def action_test_connection(self):
        """Ask Billy now; a notification says what it answered, the banner shows it."""
        self.ensure_one()
        return self.company_id.billy_test_connection()

    def action_preview(self):
        """A dry run of a bulk sync: what it would do, without changing either side."""
        self.ensure_one()
        self.company_id._billy_check_manager()
        preview = self.env["billy.sync.preview"]._billy_preview(self.company_id)
        return preview.action_open()

    def action_open_reviews(self):
        """The company's match reviews that wait for a decision."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "billy_connector.billy_match_review_action"
        )
        action["domain"] = [("company_id", "=", self.company_id.id)]
        return action

    def action_sync_now(self):
        self.ensure_one()
        log = self.company_id.billy_sync_all()
        return self.env["billy.sync.result"]._open_for([], log)

    def action_open_logs(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "billy_connector.billy_sync_log_action"
        )
