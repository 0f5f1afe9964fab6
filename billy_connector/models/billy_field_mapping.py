from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..sync.custom_mapping import (
    BILLY_FIELDS,
    KIND_MODELS,
    billy_field_selection,
    build_line,
    compatible_fields,
    incompatibility,
    is_standard_pair,
    mappable_kinds,
    standard_specs,
    written_fields,
)
from ..sync.links import link_domain
from ..sync.mapping import mapping_for
from ..sync.vocabulary import BOTH, CHANGED, RECORD_KINDS, SYNCED, TO_BILLY, kind_labels

DIRECTIONS = [("both", "Both ways"), ("to_billy", "Odoo → Billy"), ("to_odoo", "Billy → Odoo")]


class BillyFieldMapping(models.Model):
    """One line of a company's custom mapping: which Odoo field maps which Billy field.

    Used when the company's mapping mode is Custom; switching to Custom starts from a copy
    of the standard mapping. An impossible line is refused when it is saved.
    """

    _name = "billy.field.mapping"
    _description = "Billy field mapping"
    _order = "company_id, record_kind, sequence, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )
    record_kind = fields.Selection(RECORD_KINDS, required=True)
    sequence = fields.Integer(default=10)
    billy_field = fields.Selection(
        selection="_selection_billy_field",
        required=True,
        help="Billy's name of the field (as in Billy's API).",
    )
    odoo_model = fields.Char(compute="_compute_odoo_model")
    odoo_field_id = fields.Many2one(
        "ir.model.fields",
        string="Odoo field",
        required=True,
        ondelete="cascade",
        domain="[('id', 'in', compatible_field_ids)]",
    )
    odoo_field_type = fields.Selection(related="odoo_field_id.ttype", string="Type")
    compatible_field_ids = fields.Many2many(
        "ir.model.fields", compute="_compute_compatible_field_ids"
    )
    direction = fields.Selection(
        DIRECTIONS,
        default=BOTH,
        required=True,
        help="Both ways: the side that changed moves the value (the priority side when both "
        "did). Odoo → Billy: Odoo owns the field, its value is sent whenever they differ. "
        "Billy → Odoo: Billy owns the field.",
    )
    billy_required = fields.Boolean(
        compute="_compute_billy_info", help="Billy requires this field: the line can't be removed."
    )
    converter = fields.Selection(
        [("standard", "Standard"), ("generic", "By field type")],
        compute="_compute_billy_info",
        help="Standard: the standard mapping's conversion (e.g. street + street2, CVR from VAT "
        "or company registry). By field type: the value is converted by the Odoo field's type.",
    )

    _unique_billy_field = models.Constraint(
        "UNIQUE (company_id, record_kind, billy_field)",
        "A Billy field can be mapped only once per record kind.",
    )

    @api.model
    def _selection_billy_field(self):
        return billy_field_selection(self.env)

    @api.depends("record_kind")
    def _compute_odoo_model(self):
        for line in self:
            line.odoo_model = KIND_MODELS.get(line.record_kind)

    @api.depends("record_kind", "billy_field", "direction")
    def _compute_compatible_field_ids(self):
        Fields = self.env["ir.model.fields"].sudo()
        for line in self:
            kind = line.record_kind
            if kind not in BILLY_FIELDS or line.billy_field not in BILLY_FIELDS[kind]:
                line.compatible_field_ids = Fields
                continue
            model = self.env[KIND_MODELS[kind]]
            names = [
                name
                for name in compatible_fields(self.env, kind, line.billy_field, line.direction)
                if self._billy_may_read(model._fields[name])
            ]
            line.compatible_field_ids = Fields.search(
                [("model", "=", KIND_MODELS[kind]), ("name", "in", names)]
            )

    @api.depends("record_kind", "billy_field", "odoo_field_id")
    def _compute_billy_info(self):
        for line in self:
            spec = BILLY_FIELDS.get(line.record_kind, {}).get(line.billy_field)
            line.billy_required = bool(spec and spec.required)
            standard = is_standard_pair(line.record_kind, line.billy_field, line.odoo_field_id.name)
            line.converter = "standard" if standard else "generic"

    # --- validation -----------------------------------------------------------------------

    def _billy_may_read(self, field):
        """Whether the user may read `field`: a mapping pushes its value to Billy as superuser.

        The user, not the environment: constraints run in sudo.
        """
        user = self.env.user
        return not field.groups or user._is_superuser() or user.has_groups(field.groups)

    def _incompatibility(self):
        """Why this line is impossible, or None."""
        kind, kinds = self.record_kind, kind_labels(self.env)
        if kind not in mappable_kinds():
            return self.env._("The mapping of %s can't be customized yet.", kinds.get(kind, kind))
        spec = BILLY_FIELDS[kind].get(self.billy_field)
        if spec is None:
            return self.env._(
                "Billy has no writable field %(billy)s for %(kind)s.",
                billy=self.billy_field,
                kind=kinds[kind],
            )
        model = KIND_MODELS[kind]
        field = self.env[model]._fields.get(self.odoo_field_id.name)
        if self.odoo_field_id.model != model or field is None:
            return self.env._(
                "%(field)s is not a field of %(model)s.",
                field=self.odoo_field_id.display_name,
                model=model,
            )
        if not self._billy_may_read(field):
            return self.env._(
                "%s is restricted to some user groups and you are not in them: a mapping "
                "would send its value to Billy.",
                field.string,
            )
        if spec.required and self.direction not in (BOTH, TO_BILLY):
            return self.env._(
                "Billy requires %s: its line must send it to Billy (Both ways or Odoo → Billy).",
                self.billy_field,
            )
        return incompatibility(self.env, kind, self.billy_field, field, self.direction)

    @api.constrains("record_kind", "billy_field", "odoo_field_id", "direction")
    def _check_compatible(self):
        for line in self:
            reason = line._incompatibility()
            if reason:
                raise ValidationError(
                    self.env._(
                        "Billy mapping %(kind)s / %(billy)s ↔ %(field)s is impossible: %(reason)s",
                        kind=kind_labels(self.env).get(line.record_kind),
                        billy=line.billy_field,
                        field=line.odoo_field_id.name,
                        reason=reason,
                    )
                )

    @api.constrains("company_id", "record_kind", "billy_field", "odoo_field_id", "direction")
    def _check_complete(self):
        for company, kind in {(line.company_id, line.record_kind) for line in self}:
            lines = self.search([("company_id", "=", company.id), ("record_kind", "=", kind)])
            lines._check_kind_complete(company, kind)

    def _check_kind_complete(self, company, kind):
        kinds = kind_labels(self.env)
        pushed = {line.billy_field for line in self if line.direction in (BOTH, TO_BILLY)}
        for name, spec in BILLY_FIELDS.get(kind, {}).items():
            if spec.required and name not in pushed:
                raise ValidationError(
                    self.env._(
                        "The Billy mapping of %(kind)s (%(company)s) needs a line that sends "
                        "%(billy)s to Billy: Billy requires it.",
                        kind=kinds.get(kind, kind),
                        company=company.name,
                        billy=name,
                    )
                )
        written = {}
        for line in self.filtered(lambda line: line.direction != TO_BILLY):
            for name in written_fields(kind, line.billy_field, line.odoo_field_id.name):
                other = written.get(name)
                if other:
                    raise ValidationError(
                        self.env._(
                            "In the Billy mapping of %(kind)s, both %(one)s and %(two)s would "
                            "write the Odoo field %(field)s: let one of them only send to Billy "
                            "(Odoo → Billy).",
                            kind=kinds.get(kind, kind),
                            field=name,
                            one=other.billy_field,
                            two=line.billy_field,
                        )
                    )
                written[name] = line

    @api.ondelete(at_uninstall=False)
    def _unlink_except_required(self):
        if self.env.context.get("billy_mapping_reset"):
            return
        for line in self.filtered("billy_required"):
            raise ValidationError(
                self.env._(
                    "Billy requires %(billy)s for %(kind)s: its line can't be removed "
                    "(change its Odoo field instead).",
                    billy=line.billy_field,
                    kind=kind_labels(self.env).get(line.record_kind),
                )
            )

    # --- changes mark links -----------------------------------------------------------------

    def _billy_scope(self):
        return {(line.company_id, line.record_kind) for line in self}

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        self._billy_mapping_changed(lines._billy_scope())
        return lines

    def write(self, vals):
        scope = self._billy_scope()
        res = super().write(vals)
        self._billy_mapping_changed(scope | self._billy_scope())
        return res

    def unlink(self):
        scope = self._billy_scope()
        res = super().unlink()
        self._billy_mapping_changed(scope)
        return res

    @api.model
    def _billy_mapping_changed(self, scope):
        """The mapping of (company, kind) pairs changed: next sync re-applies it."""
        self.env.registry.clear_cache()
        if self.env.context.get("billy_mapping_copy"):
            return  # the caller compares the mapping before and after
        for company, kind in scope:
            if company.billy_mapping_mode == "custom":
                self._billy_mark_links_changed(company, [kind])

    @api.model
    def _billy_mark_links_changed(self, company, kinds):
        domain = link_domain(company, record_kind=list(kinds), state=SYNCED)
        self.env["billy.link"].sudo().search(domain).write({"state": CHANGED})
        for model in {KIND_MODELS[kind] for kind in kinds if kind in KIND_MODELS}:
            if model in self.env and "billy_sync_state" in self.env[model]._fields:
                self.env[model].invalidate_model(["billy_sync_state"])

    # --- the mapping in force -----------------------------------------------------------------

    @api.model
    def _billy_signatures(self, companies):
        """What each company's mapping in force looks like, per kind (to spot changes)."""
        return {
            (company.id, kind): tuple(
                (line.billy_field, line.odoo_fields, line.direction)
                for line in mapping_for(company, kind)
            )
            for company in companies
            for kind in mappable_kinds()
        }

    @api.model
    def _billy_apply_mode(self, companies, before):
        """After a change of mapping mode: start custom mappings, mark what changed."""
        self._billy_copy_standard(companies.filtered(lambda c: c.billy_mapping_mode == "custom"))
        self.env.registry.clear_cache()
        after = self._billy_signatures(companies)
        for company in companies:
            kinds = [
                kind
                for kind in mappable_kinds()
                if before.get((company.id, kind)) != after[(company.id, kind)]
            ]
            if kinds:
                self._billy_mark_links_changed(company, kinds)

    @api.model
    def _billy_copy_standard(self, companies):
        """Give each company a copy of the standard mapping for every kind it has none of."""
        IrFields = self.env["ir.model.fields"].sudo()
        existing = {
            (line.company_id.id, line.record_kind)
            for line in self.sudo().search([("company_id", "in", companies.ids)])
        }
        vals_list = []
        for company in companies:
            for kind in mappable_kinds():
                if (company.id, kind) in existing:
                    continue
                for sequence, (billy_field, name, direction) in enumerate(standard_specs(kind)):
                    vals_list.append(
                        {
                            "company_id": company.id,
                            "record_kind": kind,
                            "sequence": (sequence + 1) * 10,
                            "billy_field": billy_field,
                            "odoo_field_id": IrFields._get(KIND_MODELS[kind], name).id,
                            "direction": direction,
                        }
                    )
        return self.sudo().with_context(billy_mapping_copy=True).create(vals_list)

    @api.model
    def _billy_reset(self, companies):
        """Bring the standard mapping back (as the starting copy of the custom mapping)."""
        before = self._billy_signatures(companies)
        lines = self.sudo().search([("company_id", "in", companies.ids)])
        lines.with_context(billy_mapping_reset=True, billy_mapping_copy=True).unlink()
        self._billy_copy_standard(companies)
        self._billy_apply_mode(companies, before)

    @api.model
    @tools.ormcache("company_id", "kind")
    def _billy_line_specs(self, company_id, kind):
        lines = self.sudo().search([("company_id", "=", company_id), ("record_kind", "=", kind)])
        return tuple((line.billy_field, line.odoo_field_id.name, line.direction) for line in lines)

    @api.model
    def _billy_lines(self, company, kind):
        """The FieldMap lines of a company's custom mapping of a kind ([] without lines)."""
        if kind not in mappable_kinds():
            return []
        model = self.env[KIND_MODELS[kind]]
        return [
            build_line(self.env, kind, billy_field, name, direction)
            for billy_field, name, direction in self._billy_line_specs(company.id, kind)
            if name in model._fields and billy_field in BILLY_FIELDS[kind]
        ]

    @api.model
    @tools.ormcache("kind")
    def _billy_custom_watched_fields(self, kind):
        """Odoo fields read by the custom mappings of a kind, over the companies using one."""
        lines = self.sudo().search(
            [("record_kind", "=", kind), ("company_id.billy_mapping_mode", "=", "custom")]
        )
        names = set()
        for line in lines:
            names |= written_fields(kind, line.billy_field, line.odoo_field_id.name)
        return frozenset(names)
