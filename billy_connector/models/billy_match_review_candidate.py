from odoo import fields, models


class BillyMatchReviewCandidate(models.Model):
    """One record of the other side that a match review could link to."""

    _name = "billy.match.review.candidate"
    _description = "Billy match review candidate"
    _order = "id"

    review_id = fields.Many2one("billy.match.review", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="review_id.company_id", store=True, index=True)
    res_model = fields.Char(related="review_id.res_model")
    res_id = fields.Many2oneReference(string="Odoo record", model_field="res_model")
    billy_id = fields.Char(string="Billy id")
    record_name = fields.Char("Record")
    registration_no = fields.Char("CVR/VAT")
    email = fields.Char("E-mail")
    address = fields.Char()
    product_no = fields.Char("Product number")
    price = fields.Float()
    review_state = fields.Selection(related="review_id.state")

    def _record(self):
        self.ensure_one()
        if not self.res_id:
            return self.env[self.res_model]
        return self.env[self.res_model].browse(self.res_id).exists()

    def action_link(self):
        """Link the review's record to this candidate, and sync it at once."""
        self.ensure_one()
        return self.review_id._link(self)
