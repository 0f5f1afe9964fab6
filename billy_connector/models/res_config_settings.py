from markupsafe import Markup, escape

from odoo import api, fields, models

from ..sync.custom_mapping import KIND_MODELS, billy_label, mappable_kinds
from ..sync.mapping import STANDARD_MAPPING
from ..sync.messages import Message

ARROWS = {"both": "⇄", "to_billy": "→", "to_odoo": "←"}


def mapping_html(env, company, mode):
    """The mapping in force, one table per kind in a collapsed section (Settings → Billy):
    the Odoo field's label ⇄ Billy's label of its field."""
    Mapping = env["billy.field.mapping"]
    kinds = dict(Mapping._fields["record_kind"]._description_selection(env))
    tables, count = Markup(), 0
    for kind in mappable_kinds():
        model = env[KIND_MODELS[kind]]
        lines = Mapping._billy_lines(company, kind) if mode == "custom" else []
        lines = lines or STANDARD_MAPPING[kind]()
        count += len(lines)
        rows = Markup().join(
            Markup("<tr><td>%s</td><td class='text-center'>%s</td><td>%s</td></tr>")
            % (
                ", ".join(
                    model._fields[name]._description_string(env)
                    for name in line.odoo_fields
                    if name in model._fields
                ),
                ARROWS[line.direction],
                Message.label(env, billy_label(kind, line.billy_field)),  # translated
            )
            for line in lines
        )
        tables += Markup(
            "<h5 class='mt-3'>%s</h5><table class='table table-sm o_billy_mapping'>"
            "<thead><tr><th>%s</th><th/><th>%s</th></tr></thead><tbody>%s</tbody></table>"
        ) % (escape(kinds.get(kind, kind)), env._("Odoo"), env._("Billy"), rows)
    if mode == "custom":
        title = env._("Show the custom mapping (%s fields)", count)
    else:
        title = env._("Show the standard mapping (%s fields)", count)
    return Markup(
        "<details class='o_billy_mapping_details'><summary class='btn btn-link px-0'>%s"
        "</summary>%s</details>"
    ) % (title, tables)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # one inverse for both: a new URL clears the key unless a key comes with it (res.company)
    billy_api_key = fields.Char(
        compute="_compute_billy_connection_fields",
        inverse="_inverse_billy_connection_fields",
        readonly=False,
        groups="base.group_system",
    )
    billy_api_url = fields.Char(
        compute="_compute_billy_connection_fields",
        inverse="_inverse_billy_connection_fields",
        readonly=False,
        groups="base.group_system",
    )
    billy_sync_mode = fields.Selection(related="company_id.billy_sync_mode", readonly=False)
    billy_sync_direction = fields.Selection(
        related="company_id.billy_sync_direction", readonly=False
    )
    billy_priority = fields.Selection(related="company_id.billy_priority", readonly=False)
    billy_invoice_partner_priority = fields.Selection(
        related="company_id.billy_invoice_partner_priority", readonly=False
    )
    billy_mapping_mode = fields.Selection(related="company_id.billy_mapping_mode", readonly=False)
    billy_mapping_html = fields.Html(
        string="Billy field mapping", compute="_compute_billy_mapping_html", sanitize=False
    )
    billy_requests_in_flight = fields.Integer(
        related="company_id.billy_requests_in_flight", readonly=False
    )
    billy_bulk_size = fields.Integer(related="company_id.billy_bulk_size", readonly=False)
    billy_invoice_state = fields.Selection(related="company_id.billy_invoice_state", readonly=False)
    billy_register_payments = fields.Boolean(
        related="company_id.billy_register_payments", readonly=False
    )
    billy_payment_journal_id = fields.Many2one(
        related="company_id.billy_payment_journal_id", readonly=False
    )
    billy_accept_name_matches = fields.Boolean(
        related="company_id.billy_accept_name_matches", readonly=False
    )
    billy_connection_state = fields.Selection(related="company_id.billy_connection_state")
    billy_connection_message = fields.Char(related="company_id.billy_connection_message")
    billy_connection_checked = fields.Datetime(related="company_id.billy_connection_checked")

    @api.depends("company_id")
    def _compute_billy_connection_fields(self):
        for settings in self:
            company = settings.company_id.sudo()
            settings.billy_api_key = company.billy_api_key
            settings.billy_api_url = company.billy_api_url

    def _inverse_billy_connection_fields(self):
        for settings in self:
            company = settings.company_id
            vals = {
                name: settings[name]
                for name in ("billy_api_key", "billy_api_url")
                if settings[name] != company.sudo()[name]
            }
            if vals:
                company.write(vals)

    def action_billy_test_connection(self):
        self.ensure_one()
        self.company_id._billy_check_manager()
        self.execute()
        return self.company_id.billy_test_connection()

    def action_billy_sync_now(self):
        self.ensure_one()
        self.company_id._billy_check_manager()
        self.execute()
        log = self.company_id.billy_sync_all()
        return self.env["billy.sync.result"]._open_for([], log)

    def action_billy_open_tax_maps(self):
        self.ensure_one()
        self.company_id._billy_check_manager()
        self.execute()
        if not self.env["billy.tax.map"].search_count([("company_id", "=", self.company_id.id)]):
            self.company_id.billy_test_connection()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "billy_connector.billy_tax_map_action"
        )
        action["domain"] = [("company_id", "=", self.company_id.id)]
        return action

    @api.depends("company_id", "billy_mapping_mode")
    def _compute_billy_mapping_html(self):
        for settings in self:
            settings.billy_mapping_html = mapping_html(
                self.env, settings.company_id, settings.billy_mapping_mode
            )

    def action_billy_mapping_edit(self):
        """Save the settings and open the company's custom mapping, one group per kind."""
        self.ensure_one()
        self.company_id._billy_check_manager()
        self.execute()
        Mapping = self.env["billy.field.mapping"]
        Mapping._billy_copy_standard(self.company_id)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "billy_connector.billy_field_mapping_action"
        )
        action["domain"] = [("company_id", "=", self.company_id.id)]
        action["context"] = {
            "default_company_id": self.company_id.id,
            "group_by": ["record_kind"],
        }
        return action

    def action_billy_mapping_reset(self):
        self.ensure_one()
        self.company_id._billy_check_manager()
        self.execute()
        self.company_id.billy_mapping_reset()
        return {"type": "ir.actions.client", "tag": "reload"}

    def action_billy_open_logs(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "billy_connector.billy_sync_log_action"
        )
