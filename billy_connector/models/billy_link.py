from odoo import api, fields, models
from odoo.exceptions import UserError

from ..sync.messages import render, stored
from ..sync.sanitize import clean_values
from ..sync.vocabulary import CHANGED, LINK_STATES, RECORD_KINDS, kind_labels


class BillyLink(models.Model):
    """The bond between one Odoo record and one Billy record, per company.

    A link is made once and kept. It remembers fingerprints of the mapped values on both
    sides at the last sync, so that a side that did not change costs nothing.
    """

    _name = "billy.link"
    _description = "Billy link"
    _order = "id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    res_model = fields.Char(string="Odoo model", required=True, index=True)
    res_id = fields.Many2oneReference(string="Odoo record", model_field="res_model", index=True)
    record_kind = fields.Selection(RECORD_KINDS, required=True)
    billy_id = fields.Char(index=True, copy=False)
    billy_sub_id = fields.Char(
        help="Second Billy record of the same Odoo record: the contact person that carries "
        "the e-mail of a person without a company."
    )
    billy_parent_id = fields.Char(help="Billy contact a contact person belongs to.")
    billy_own_contact_id = fields.Char(
        help="With the Contacts invoice priority: the Billy contact of its own that a person "
        "of a company is invoiced as."
    )
    # what Billy says of a linked invoice (shown on account.move)
    billy_invoice_no = fields.Char(copy=False)
    billy_state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved"), ("voided", "Voided")], copy=False
    )
    billy_is_paid = fields.Boolean(copy=False)
    billy_balance = fields.Float(copy=False)
    billy_late_fees = fields.Float(copy=False)
    # set once a sync read Billy's figures of the invoice: until then the ones above are
    # unknown, not 0 (a link made before this field has them read again by its next sync)
    billy_figures_known = fields.Boolean(copy=False)
    billy_paid = fields.Float(copy=False, help="What Billy's payments of the invoice add up to.")
    billy_paid_date = fields.Date(copy=False, help="The date of Billy's latest payment.")
    billy_credited = fields.Float(copy=False, help="What Billy's credit notes settled.")
    # Billy's PDF of the invoice, fetched when first needed (its downloadUrl changes on every
    # read and may expire): stale once Billy's invoice changed (billy_fingerprint)
    billy_pdf_id = fields.Many2one("ir.attachment", copy=False, ondelete="set null")
    billy_pdf_fingerprint = fields.Char(copy=False)
    odoo_fingerprint = fields.Char(copy=False)
    billy_fingerprint = fields.Char(copy=False)
    state = fields.Selection(LINK_STATES, default=CHANGED, required=True, index=True)
    # why the last sync failed: as a text in the language of that run, and as a code and
    # parameters (sync/messages.py) to show it in the reader's language (error_display)
    error = fields.Text("Error (as stored)", copy=False)
    error_code = fields.Char("Error code", copy=False)
    error_params = fields.Json("Error parameters", copy=False)
    error_display = fields.Text("Error", compute="_compute_error_display")
    last_sync = fields.Datetime(copy=False)
    display_record = fields.Char(compute="_compute_display_record")

    _unique_record = models.Constraint(
        "UNIQUE (company_id, res_model, res_id)",
        "An Odoo record can be linked to only one Billy record per company.",
    )
    _unique_billy_record = models.Constraint(
        "UNIQUE (company_id, res_model, billy_id)",
        "A Billy record can be linked to only one Odoo record per company.",
    )

    # what Billy said (invoice numbers, PDF links, its error messages) is stored as it is said:
    # cleaned of what PostgreSQL refuses, or one bad answer would fail the run
    @api.model_create_multi
    def create(self, vals_list):
        return super().create(clean_values([self._billy_error_values(v) for v in vals_list]))

    def write(self, vals):
        return super().write(clean_values(self._billy_error_values(vals)))

    @api.model
    def _billy_error_values(self, vals):
        """`vals` with the code and parameters of its `error` (a Message keeps its code)."""
        if "error" not in vals:
            return vals
        code, params = stored(vals["error"])
        return {**vals, "error_code": code, "error_params": params}

    @api.depends("error", "error_code", "error_params")
    @api.depends_context("lang")
    def _compute_error_display(self):
        for link in self:
            code = link.error_code
            link.error_display = render(link.env, code, link.error_params) if code else link.error

    @api.depends("res_model", "res_id")
    def _compute_display_record(self):
        for link in self:
            record = link.res_model and self.env[link.res_model].browse(link.res_id).exists()
            link.display_record = record.display_name if record else False

    @api.depends("record_kind", "billy_id")
    def _compute_display_name(self):
        kinds = kind_labels(self.env)
        for link in self:
            link.display_name = f"{kinds.get(link.record_kind)} {link.billy_id or '—'}"

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }

    def action_billy_retry(self):
        """Sync this link's Odoo record again (the dashboard's Retry button)."""
        self.ensure_one()
        record = self.res_model and self.env[self.res_model].browse(self.res_id).exists()
        if not record:
            raise UserError(self.env._("The Odoo record of this link no longer exists."))
        return record.with_company(self.company_id).action_billy_sync()
