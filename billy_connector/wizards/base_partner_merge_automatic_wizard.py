import logging

from odoo import models
from odoo.exceptions import UserError

from billy_api import BillyError

_logger = logging.getLogger(__name__)

BILLY_RESOURCES = {"contact_person": "contactPersons"}  # others: contacts


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Merging partners keeps one Billy link per company: the surviving partner's.

    A merged-away partner's Billy contact is archived in Billy (it is the same customer as the
    survivor's) and its link removed; when only the merged-away partner was in Billy, the
    survivor takes its link over. Nothing is deleted in Billy.
    """

    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        partners = self.env["res.partner"].browse(partner_ids).exists()
        Link = self.env["billy.link"].sudo()
        links = Link.search([("res_model", "=", "res.partner"), ("res_id", "in", partners.ids)])
        result = super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        survivor = partners.exists()
        if len(survivor) != 1 or survivor == partners:
            return result
        for link in links.filtered(lambda link: link.res_id != survivor.id):
            self._billy_merge_link(link, survivor)
        self.env["billy.match.review"].sudo().search(
            [
                ("res_model", "=", "res.partner"),
                ("side", "=", "odoo"),
                ("res_id", "in", (partners - survivor).ids),
            ]
        ).unlink()
        return result

    def _billy_merge_link(self, link, survivor):
        kept = link.search(
            [
                ("company_id", "=", link.company_id.id),
                ("res_model", "=", "res.partner"),
                ("res_id", "=", survivor.id),
            ]
        )
        if not link.billy_id:
            link.unlink()
            return
        if not kept.billy_id:
            kept.unlink()
            link.write({"res_id": survivor.id, "state": "changed"})
            survivor.message_post(
                body=self.env._("Merged: now linked to Billy record %s.", link.billy_id)
            )
            return
        company = link.company_id
        if company.billy_sync_direction == "billy_to_odoo":
            # nothing flows to Billy: it is kept out of the sync instead, or the next run
            # would bring it back as a new partner
            self._billy_keep_out(link, survivor)
            message = self.env._(
                "Merged: the Billy record %(merged)s of the merged partner is left out of the "
                "sync (match review); this partner stays linked to %(kept)s."
            )
        else:
            resource = BILLY_RESOURCES.get(link.record_kind, "contacts")
            try:
                company._billy_client().update(resource, link.billy_id, {"isArchived": True})
            except (BillyError, UserError) as error:
                # the link stays: the next sync sees its partner gone and archives it then
                _logger.warning("Billy record %s not archived: %s", link.billy_id, error)
                return
            message = self.env._(
                "Merged: the Billy record %(merged)s of the merged partner was archived; this "
                "partner stays linked to %(kept)s."
            )
        survivor.message_post(body=message % {"merged": link.billy_id, "kept": kept.billy_id})
        link.unlink()

    def _billy_keep_out(self, link, survivor):
        Review = self.env["billy.match.review"].sudo()
        values = {
            "company_id": link.company_id.id,
            "record_kind": link.record_kind,
            "side": "billy",
            "res_model": "res.partner",
            "billy_id": link.billy_id,
            "record_name": survivor.display_name,
            "reason": "merged",
            "state": "ignored",
        }
        review = Review.search(
            [
                ("company_id", "=", link.company_id.id),
                ("side", "=", "billy"),
                ("res_model", "=", "res.partner"),
                ("billy_id", "=", link.billy_id),
            ]
        )
        if review:
            review.write(values)
        else:
            Review.create(values)
