from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    billy_api_key = fields.Char(
        related="company_id.billy_api_key", readonly=False, groups="base.group_system"
    )
    billy_api_url = fields.Char(related="company_id.billy_api_url", readonly=False)
    billy_sync_mode = fields.Selection(related="company_id.billy_sync_mode", readonly=False)
    billy_sync_direction = fields.Selection(
        related="company_id.billy_sync_direction", readonly=False
    )
    billy_priority = fields.Selection(related="company_id.billy_priority", readonly=False)
    billy_invoice_partner_priority = fields.Selection(
        related="company_id.billy_invoice_partner_priority", readonly=False
    )
    billy_mapping_mode = fields.Selection(related="company_id.billy_mapping_mode", readonly=False)
    billy_connection_state = fields.Selection(related="company_id.billy_connection_state")
    billy_connection_message = fields.Char(related="company_id.billy_connection_message")

    def action_billy_test_connection(self):
        self.ensure_one()
        self.execute()
        self.company_id.billy_test_connection()
        return {"type": "ir.actions.client", "tag": "reload"}

    def action_billy_sync_now(self):
        self.ensure_one()
        self.execute()
        log = self.company_id.billy_sync_all()
        return self.env["billy.sync.result"].open_for([], log)

    def action_billy_open_logs(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "billy_connector.billy_sync_log_action"
        )
