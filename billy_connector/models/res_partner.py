from odoo import models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "billy.linked.mixin"]
    _billy_kinds = ("organization", "person", "contact_person")
