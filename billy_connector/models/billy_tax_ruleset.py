from odoo import fields, models


class BillyTaxRuleset(models.Model):
    """A sales tax ruleset of the company's Billy organization, read at connection time."""

    _name = "billy.tax.ruleset"
    _description = "Billy sales tax ruleset"
    _order = "rate desc, name"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    billy_id = fields.Char(required=True, index=True)
    name = fields.Char(required=True)
    rate = fields.Float(help="The VAT rate of the ruleset's fallback tax rate, in percent.")
    billy_product_id = fields.Char(
        help="The Billy product the addon uses for invoice lines without a product, or whose "
        "product has another VAT ruleset. Created once, on first use."
    )

    _unique_billy_id = models.Constraint(
        "UNIQUE (company_id, billy_id)", "A Billy ruleset is listed once per company."
    )

    def _compute_display_name(self):
        for ruleset in self:
            ruleset.display_name = f"{ruleset.name} ({ruleset.rate:g} %)"
