import logging
from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from billy_api import DEFAULT_BASE_URL, BillyClient, BillyError

from ..sync.run import SyncRun

_logger = logging.getLogger(__name__)

LOCAL_HOSTS = ("127.0.0.1", "localhost")  # the Billy sandbox may speak plain http there
MANAGER_GROUP = "billy_connector.group_billy_manager"

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
        help="Billy's v2 API (https). Point it at the local Billy sandbox "
        "(http://127.0.0.1:…/v2) for demos and tests. Only administrators change it; "
        "changing it clears the API key.",
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
    billy_bulk_size = fields.Integer(
        string="Billy records per bulk save",
        default=1000,
        help="A bulk sync creates and updates contacts, contact persons and products in Billy "
        "this many at a time (one request each batch, at most 1,000). 0 or 1: one request per "
        "record.",
    )
    # portal users read their company: what Billy said about the connection is not for them
    billy_connection_state = fields.Selection(
        [("unknown", "Not tested"), ("ok", "Connected"), ("failed", "Failed")],
        default="unknown",
        required=True,
        copy=False,
        groups="base.group_user",
    )
    billy_connection_message = fields.Char(copy=False, groups="base.group_user")
    billy_organization_id = fields.Char(
        string="Billy organization id", copy=False, groups="base.group_user"
    )
    billy_organization_name = fields.Char(copy=False, groups="base.group_user")

    @api.constrains("billy_api_url")
    def _check_billy_api_url(self):
        for company in self:
            url = urlsplit(company.billy_api_url or "")
            secure = url.scheme == "https" and url.hostname
            if not (secure or (url.scheme == "http" and url.hostname in LOCAL_HOSTS)):
                raise ValidationError(
                    self.env._(
                        "The Billy API URL of %(company)s must start with https:// (plain "
                        "http only for a local sandbox on 127.0.0.1 or localhost): %(url)s",
                        company=company.name,
                        url=company.billy_api_url,
                    )
                )

    def _billy_check_url_writer(self, vals):
        # the URL decides where the API key is sent: administrators only
        if "billy_api_url" in vals and not self.env.is_system():
            raise AccessError(self.env._("Only administrators may change the Billy API URL."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._billy_check_url_writer(vals)
        return super().create(vals_list)

    _billy_bulk_size_range = models.Constraint(
        "CHECK(billy_bulk_size >= 0 AND billy_bulk_size <= 1000)",
        "Billy takes 0 to 1,000 records per bulk save.",
    )

    def write(self, vals):
        self._billy_check_url_writer(vals)
        if any(name.startswith("billy_") for name in vals):
            # Billy settings: may edit companies ("Access Rights") is not may manage Billy
            self._billy_check_manager()
        moved = self.browse()
        if "billy_api_url" in vals and "billy_api_key" not in vals:
            moved = self.filtered(lambda c: c.billy_api_url != vals["billy_api_url"])
        mapping = self.env["billy.field.mapping"]
        mapping_before = mapping._billy_signatures(self) if "billy_mapping_mode" in vals else None
        res = super().write(vals)
        if moved:
            # a key is for the Billy it was made for: never send it to a new address
            super(ResCompany, moved.sudo()).write({"billy_api_key": False})  # pylint: disable=super-method-mismatch
        if mapping_before is not None:
            mapping._billy_apply_mode(self, mapping_before)
        if {"billy_api_key", "billy_api_url"} & vals.keys():
            for company in self:
                if company.sudo().billy_api_key:
                    company._billy_test_connection()
                else:
                    company._billy_set_connection("unknown", self.env._("No API key."))
        return res

    def _billy_check_manager(self):
        """Refuse unless the caller is a Billy manager working in each of these companies.

        Every public method that talks to Billy, syncs or changes Billy settings calls this
        first: the work itself then runs as superuser. Superuser callers (the cron, code
        that already checked) pass.
        """
        if self.env.su:
            return
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only Billy managers may sync with Billy or change its settings.")
            )
        foreign = self - self.env.companies
        if foreign:
            raise AccessError(
                self.env._(
                    "You are not working in %s: switch to the company first.",
                    ", ".join(foreign.sudo().mapped("name")),
                )
            )

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
        url = self.sudo().billy_api_url or DEFAULT_BASE_URL
        return BillyClient(key, base_url=url, **options)

    def _billy_set_connection(self, state, message, organization=None):
        values = {"billy_connection_state": state, "billy_connection_message": message}
        if organization is not None:
            values["billy_organization_id"] = organization.get("id")
            values["billy_organization_name"] = organization.get("name")
        # super().write: a state change must not trigger another connection test
        return super(ResCompany, self.sudo()).write(values)  # pylint: disable=super-method-mismatch

    def billy_test_connection(self):
        """Ask Billy for the token's organization and store the result on the company."""
        self._billy_check_manager()
        return self._billy_test_connection()

    def _billy_test_connection(self):
        for company in self.sudo():
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
        self._billy_check_manager()
        self.env["billy.field.mapping"]._billy_reset(self)
        return True

    def billy_sync_all(self, trigger="manual"):
        """Sync every record kind of this company now; returns the run's billy.sync.log."""
        self.ensure_one()
        self._billy_check_manager()
        if trigger != "manual" and not self.env.su:
            # an automatic run commits as it goes: the cron's, not a caller's, to choose
            raise AccessError(self.env._("Only the scheduler starts automatic Billy syncs."))
        return self._billy_run_sync_all(trigger)

    def _billy_run_sync_all(self, trigger):
        """The bulk sync itself, the caller checked (billy_connector_queue queues it)."""
        return SyncRun(self, trigger=trigger).run_all()

    @api.model
    def _cron_billy_sync(self):
        companies = self.sudo().search([("billy_sync_mode", "=", "auto")])
        for company in companies.filtered(lambda c: c.billy_api_key):
            company.billy_sync_all(trigger="cron")
