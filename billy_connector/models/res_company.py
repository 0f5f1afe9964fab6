import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from billy_api import DEFAULT_BASE_URL, BillyClient, BillyError

from ..sync.run import SyncRun

_logger = logging.getLogger(__name__)

SYNC_DIRECTIONS = [
    ("odoo_to_billy", "Odoo → Billy"),
    ("billy_to_odoo", "Billy → Odoo"),
    ("both", "Both ways"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    billy_api_key = fields.Char(
        string="Billy API key",
        groups="base.group_system",
        copy=False,
        help="Access token of the Billy organization "
        "(Billy: Indstillinger → Adgangsnøgler → Opret adgangsnøgle).",
    )
    billy_api_url = fields.Char(
        string="Billy API URL",
        default=DEFAULT_BASE_URL,
        required=True,
        help="Billy's v2 API. Point it at the local Billy sandbox for demos and tests.",
    )
    billy_sync_mode = fields.Selection(
        [("manual", "Manual"), ("auto", "Automatic (every 3 hours)")],
        default="manual",
        required=True,
    )
    billy_sync_direction = fields.Selection(SYNC_DIRECTIONS, default="both", required=True)
    billy_priority = fields.Selection(
        [("odoo", "Odoo data first"), ("billy", "Billy data first")],
        default="odoo",
        required=True,
        help="With both ways: the side that wins when a record changed on both sides.",
    )
    billy_invoice_partner_priority = fields.Selection(
        [("organization", "Organizations"), ("contact", "Contacts")],
        default="organization",
        required=True,
        help="Organizations: an invoice for a person of a company goes to the company's "
        "Billy contact with the person as Att. Contacts: it stays with the person.",
    )
    billy_mapping_mode = fields.Selection(
        [("standard", "Standard"), ("custom", "Custom")], default="standard", required=True
    )
    billy_field_mapping_ids = fields.One2many(
        "billy.field.mapping", "company_id", string="Billy field mapping"
    )
    billy_invoice_state = fields.Selection(
        [("draft", "Drafts (the accountant approves in Billy)"), ("approved", "Approved")],
        string="Invoices arrive in Billy as",
        default="draft",
        required=True,
    )
    billy_register_payments = fields.Boolean(
        string="Register Billy payments in Odoo",
        help="When Billy says an invoice is (partly) paid, register that payment in Odoo so "
        "that Odoo's payment status follows Billy.",
    )
    billy_payment_journal_id = fields.Many2one(
        "account.journal",
        string="Journal for Billy payments",
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', id)]",
    )
    billy_requests_in_flight = fields.Integer(
        string="Billy requests at once",
        default=4,
        help="How many requests a bulk sync sends to Billy at the same time. More is faster "
        "for large books; Billy publishes no rate limit, so keep it modest.",
    )
    billy_accept_name_matches = fields.Boolean(
        string="Accept name matches",
        help="A first sync links records whose name (and country) alone agree, when exactly "
        "one record on each side has that name. Off: such matches wait in the match review.",
    )
    billy_connection_state = fields.Selection(
        [("unknown", "Not tested"), ("ok", "Connected"), ("failed", "Failed")],
        default="unknown",
        required=True,
        copy=False,
    )
    billy_connection_message = fields.Char(copy=False)
    billy_organization_id = fields.Char(string="Billy organization id", copy=False)
    billy_organization_name = fields.Char(copy=False)

    def write(self, vals):
        mapping = self.env["billy.field.mapping"]
        mapping_before = mapping._billy_signatures(self) if "billy_mapping_mode" in vals else None
        res = super().write(vals)
        if mapping_before is not None:
            mapping._billy_apply_mode(self, mapping_before)
        if {"billy_api_key", "billy_api_url"} & vals.keys():
            for company in self:
                if company.sudo().billy_api_key:
                    company.billy_test_connection()
                else:
                    company._billy_set_connection("unknown", self.env._("No API key."))
        return res

    def _billy_client(self, **options):
        """A client for this company's Billy organization; raises a readable UserError."""
        self.ensure_one()
        key = self.sudo().billy_api_key
        if not key:
            raise UserError(
                self.env._(
                    "Billy is not configured for %s: enter an API key in Settings → Billy.",
                    self.name,
                )
            )
        return BillyClient(key, base_url=self.billy_api_url or DEFAULT_BASE_URL, **options)

    def _billy_set_connection(self, state, message, organization=None):
        values = {"billy_connection_state": state, "billy_connection_message": message}
        if organization is not None:
            values["billy_organization_id"] = organization.get("id")
            values["billy_organization_name"] = organization.get("name")
        # super().write: a state change must not trigger another connection test
        return super(ResCompany, self.sudo()).write(values)  # pylint: disable=super-method-mismatch

    def billy_test_connection(self):
        """Ask Billy for the token's organization and store the result on the company."""
        for company in self:
            try:
                organization = company._billy_client(max_retries=1).get_organization()
            except UserError as error:
                company._billy_set_connection("failed", str(error))
            except BillyError as error:
                company._billy_set_connection("failed", error.user_message)
            else:
                company._billy_set_connection(
                    "ok",
                    self.env._("Connected to %s", organization.get("name")),
                    organization=organization,
                )
                try:
                    company._billy_refresh_tax_maps(company._billy_client(max_retries=1))
                except BillyError as error:
                    _logger.warning("Billy's VAT rulesets could not be read: %s", error)
        return True

    def _billy_refresh_tax_maps(self, client):
        """Read Billy's sales tax rulesets and map the company's sales taxes to them by rate."""
        self.ensure_one()
        rates = {rate["id"]: rate.get("rate") or 0.0 for rate in client.list("taxRates")}
        rulesets = {
            ruleset["id"]: (
                ruleset.get("name"),
                100 * rates.get(ruleset.get("fallbackTaxRateId"), 0.0),
            )
            for ruleset in client.list("salesTaxRulesets")
        }
        self.env["billy.tax.map"]._refresh_for(self, rulesets)

    def billy_mapping_reset(self):
        """Bring the standard field mapping back (the custom mapping starts again from it)."""
        self.env["billy.field.mapping"]._billy_reset(self)
        return True

    def billy_sync_all(self, trigger="manual"):
        """Sync every record kind of this company now; returns the run's billy.sync.log."""
        self.ensure_one()
        return SyncRun(self, trigger=trigger).run_all()

    @api.model
    def _cron_billy_sync(self):
        companies = self.search([("billy_sync_mode", "=", "auto")])
        for company in companies.filtered(lambda c: c.sudo().billy_api_key):
            company.billy_sync_all(trigger="cron")
