from odoo import models


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "billy.linked.mixin"]
    _billy_kinds = ("product",)
