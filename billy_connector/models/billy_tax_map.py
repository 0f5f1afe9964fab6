from odoo import api, fields, models


class BillyTaxMap(models.Model):
    """Which Billy ruleset carries the VAT of an Odoo sales tax.

    Billy takes VAT from the product's sales tax ruleset, not from the invoice line. The
    maps are made by rate when the connection is tested; a manager can change them.
    """

    _name = "billy.tax.map"
    _description = "Billy VAT mapping"
    _order = "tax_id"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    tax_id = fields.Many2one(
        "account.tax",
        required=True,
        ondelete="cascade",
        check_company=True,
        domain="[('type_tax_use', '=', 'sale'), ('company_id', '=', company_id)]",
    )
    ruleset_id = fields.Many2one(
        "billy.tax.ruleset",
        string="Billy ruleset",
        ondelete="set null",
        check_company=True,
        domain="[('company_id', '=', company_id)]",
    )
    tax_rate = fields.Float(related="tax_id.amount", string="Rate (%)", digits=(16, 2))
    advice = fields.Char(string="What to do", compute="_compute_advice")

    _unique_tax = models.Constraint(
        "UNIQUE (company_id, tax_id)", "A sales tax is mapped once per company."
    )

    @api.depends("ruleset_id", "tax_id.amount")
    def _compute_advice(self):
        for tax_map in self:
            tax_map.advice = (
                False
                if tax_map.ruleset_id
                else self.env._(
                    "Choose the Billy ruleset for %(rate)s %%, or create a sales tax ruleset "
                    "with this rate in Billy and test the connection again. Until then, a "
                    "product or invoice with this tax fails to sync.",
                    rate=f"{tax_map.tax_rate:g}",
                )
            )

    @api.model
    def _refresh_for(self, company, rulesets):
        """Store Billy's rulesets and map every unmapped sales tax by its rate."""
        Ruleset = self.env["billy.tax.ruleset"].sudo()
        known = {r.billy_id: r for r in Ruleset.search([("company_id", "=", company.id)])}
        for billy_id, (name, rate) in rulesets.items():
            values = {"name": name, "rate": rate}
            if billy_id in known:
                known[billy_id].write(values)
            else:
                known[billy_id] = Ruleset.create(
                    {"company_id": company.id, "billy_id": billy_id, **values}
                )
        maps = self.sudo().search([("company_id", "=", company.id)])
        mapped = {m.tax_id.id: m for m in maps}
        taxes = (
            self.env["account.tax"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("type_tax_use", "=", "sale"),
                    ("amount_type", "=", "percent"),
                ]
            )
        )
        for tax in taxes:
            current = mapped.get(tax.id)
            if current and current.ruleset_id:
                continue
            ruleset = next(
                (r for r in known.values() if round(r.rate, 4) == round(tax.amount, 4)), None
            )
            values = {"ruleset_id": ruleset.id if ruleset else False}
            if current:
                current.write(values)
            else:
                self.sudo().create({"company_id": company.id, "tax_id": tax.id, **values})
