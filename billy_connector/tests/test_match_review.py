from odoo.tests import tagged

from .common import BillyCase


@tagged("post_install", "-at_install")
class TestMatchReview(BillyCase):
    """A dirty book: every first link ends sure (linked rightly), vetoed (created) or in a
    review, never linked wrongly; a second run changes nothing until someone decides."""

    def reviews(self, **conditions):
        domain = [("company_id", "=", self.company.id)]
        domain += [(name, "=", value) for name, value in conditions.items()]
        return self.env["billy.match.review"].search(domain)

    def billy_contact(self, name, **values):
        return self.billy_create("contacts", {"name": name, "countryId": "DK", **values})

    def partner_count(self):
        return self.env["res.partner"].with_context(active_test=False).search_count([])

    def assert_second_run_changes_nothing(self, *records):
        before = (self.partner_count(), len(self.billy_contacts()), len(self.billy_products()))
        reviews = self.reviews()
        states = reviews.mapped("state")
        self.sandbox.reset_stats()
        log = self.sync()
        self.assertEqual(self.writes(), {}, "nothing is sent to Billy")
        after = (self.partner_count(), len(self.billy_contacts()), len(self.billy_products()))
        self.assertEqual(after, before)
        self.assertEqual(self.reviews(), reviews, "no review added, none duplicated")
        self.assertEqual(self.reviews().mapped("state"), states)
        for record in records:
            self.assertFalse(record.billy_id)
        self.assertEqual(log.linked + log.created_billy + log.created_odoo, 0, log.summary)
        return log

    # --- the dirty book -------------------------------------------------------------------

    def test_same_name_different_cvr_on_both_sides_link_rightly(self):
        first = self.billy_contact("Nordlys ApS", registrationNo="11111111")
        second = self.billy_contact("Nordlys ApS", registrationNo="22222222")
        odoo_second = self.make_company("Nordlys ApS", vat="DK22222222")
        odoo_first = self.make_company("Nordlys ApS", vat="DK11111111")
        log = self.sync()
        self.assertEqual(odoo_first.billy_id, first["id"])
        self.assertEqual(odoo_second.billy_id, second["id"])
        self.assertEqual(
            (log.linked, log.created_billy, log.created_odoo, log.to_review), (2, 0, 0, 0)
        )
        self.assertFalse(self.reviews())

    def test_a_cvr_on_one_side_only_waits_for_a_review(self):
        billy = self.billy_contact("Fjord Design ApS")
        partner = self.make_company()  # DK12345678
        count = self.partner_count()
        log = self.sync()
        self.assertFalse(partner.billy_id, "not linked")
        self.assertEqual(len(self.billy_contacts()), 1, "not created in Billy")
        self.assertEqual(self.partner_count(), count, "the Billy contact is not created in Odoo")
        self.assertEqual(log.to_review, 1)
        review = self.reviews()
        self.assertEqual(
            (review.side, review.res_id, review.reason, review.state),
            ("odoo", partner.id, "name_only", "pending"),
        )
        self.assertEqual(review.registration_no, "DK12345678")
        self.assertEqual(review.candidate_ids.mapped("billy_id"), [billy["id"]])
        self.assertEqual(review.candidate_ids.record_name, "Fjord Design ApS")
        line = log.line_ids.filtered(lambda line: line.action == "review")
        self.assertIn("Only the name agrees", line.message)
        log = self.assert_second_run_changes_nothing(partner)
        self.assertEqual(log.to_review, 1, "still waiting")

    def test_one_info_address_on_three_billy_contacts(self):
        for name in ("Ninja Aarhus", "Ninja Odense", "Ninja Aalborg"):
            self.billy_contact(name, contactPersons=[{"name": "Kontor", "email": "info@ninja.dk"}])
        partner = self.make_company("Ninja ApS", vat=False, email="INFO@ninja.dk")
        count = self.partner_count()
        self.sync()
        review = self.reviews(res_id=partner.id)
        self.assertEqual(review.reason, "shared_email")
        self.assertEqual(len(review.candidate_ids), 3)
        self.assertEqual(set(review.candidate_ids.mapped("email")), {"info@ninja.dk"})
        self.assertFalse(partner.billy_id)
        self.assertEqual(self.partner_count(), count, "no candidate is created in Odoo")
        self.assertEqual(len(self.billy_contacts()), 3)
        self.assert_second_run_changes_nothing(partner)

    def test_a_person_never_links_to_a_contact_person_of_another_company(self):
        holm = self.billy_contact(
            "Holm Consult", contactPersons=[{"name": "Ida Holm", "email": "ida@holm.dk"}]
        )
        ida = self.env["res.partner"].create(
            {"name": "Ida Holm", "email": "ida@holm.dk", "country_id": self.denmark.id}
        )
        self.company.billy_accept_name_matches = True
        self.sync()
        self.assertTrue(ida.billy_id)
        self.assertNotEqual(ida.billy_id, holm["id"], "vetoed: created as her own contact")
        own = self.billy.get("contacts", ida.billy_id)
        self.assertEqual(own["type"], "person")
        self.assertFalse(self.reviews())

    def test_two_products_of_one_name_with_different_numbers_link_rightly(self):
        two = self.billy_create("products", {"name": "Rengøring", "productNo": "R-2"})
        one = self.billy_create("products", {"name": "Rengøring", "productNo": "R-1"})
        first = self.make_product("Rengøring", default_code="R-1")
        second = self.make_product("Rengøring", default_code="R-2")
        log = self.sync()
        self.assertEqual(first.billy_id, one["id"])
        self.assertEqual(second.billy_id, two["id"])
        self.assertEqual((log.linked, log.created_billy, log.to_review), (2, 0, 0))

    def test_a_product_without_number_and_two_billy_products_of_its_name(self):
        self.billy_create("products", {"name": "Rengøring", "productNo": "R-1"})
        self.billy_create("products", {"name": "Rengøring", "productNo": "R-2"})
        product = self.make_product("Rengøring", default_code=False)
        self.company.billy_accept_name_matches = True  # one name, two candidates: still unsure
        log = self.sync()
        self.assertFalse(product.billy_id)
        self.assertEqual(log.to_review, 1)
        review = self.reviews(res_id=product.id, res_model="product.template")
        self.assertEqual(review.reason, "several_candidates")
        self.assertEqual(sorted(review.candidate_ids.mapped("product_no")), ["R-1", "R-2"])
        self.assertEqual(len(self.billy_products()), 2)
        self.assert_second_run_changes_nothing(product)

    def test_two_odoo_partners_want_one_billy_contact(self):
        billy = self.billy_contact("Solsikke ApS")
        first = self.make_company("Solsikke ApS", vat=False)
        second = self.make_company("Solsikke ApS", vat=False, email="post@solsikke.dk")
        self.sync()
        review = self.reviews()
        self.assertEqual((review.side, review.billy_id), ("billy", billy["id"]))
        self.assertEqual(set(review.candidate_ids.mapped("res_id")), {first.id, second.id})
        self.assertEqual(len(self.billy_contacts()), 1, "neither is created in Billy")
        self.assert_second_run_changes_nothing(first, second)
        action = first.action_billy_sync()
        popup = self.env["billy.sync.result"].browse(action["res_id"])
        self.assertIn("waiting for your review", popup.message)
        self.assertEqual(popup.review_ids, review)
        review.candidate_ids.filtered(lambda c: c.res_id == second.id).action_link()
        self.assertEqual(second.billy_id, billy["id"])
        self.sync()
        self.assertTrue(first.billy_id, "free again: created in Billy")
        self.assertNotEqual(first.billy_id, billy["id"])

    # --- decisions ------------------------------------------------------------------------

    def pending_name_match(self):
        billy = self.billy_contact("Fjord Design ApS")
        partner = self.make_company()
        self.sync()
        return billy, partner, self.reviews(res_id=partner.id)

    def test_link_decision_links_at_once_and_survives_the_next_runs(self):
        billy, partner, review = self.pending_name_match()
        action = review.candidate_ids.action_link()
        self.assertEqual(action["res_model"], "billy.sync.result")
        self.assertEqual(partner.billy_id, billy["id"])
        self.assertEqual(partner.billy_sync_state, "synced")
        self.assertEqual(review.state, "linked")
        self.assertEqual(review.decided_by, self.env.user)
        self.assertTrue(review.decided_on)
        notes = partner.message_ids.filtered(lambda message: "match review" in message.body)
        self.assertIn(self.env.user.name, notes.body, "who decided, in the partner's chatter")
        # Odoo's data won the first link (priority Odoo): Billy has the CVR now
        self.assertEqual(self.billy.get("contacts", billy["id"])["registrationNo"], "DK12345678")
        for _run in range(2):
            log = self.sync()
            self.assertEqual(partner.billy_id, billy["id"])
            self.assertEqual(review.state, "linked")
            self.assertEqual((log.to_review, log.created_billy, log.created_odoo), (0, 0, 0))
        self.assertEqual(len(self.billy_contacts()), 1)

    def test_create_decision_creates_at_once_and_survives_the_next_runs(self):
        billy, partner, review = self.pending_name_match()
        self.company.billy_sync_direction = "odoo_to_billy"
        review.action_create()
        self.assertEqual(review.state, "created")
        self.assertTrue(partner.billy_id)
        self.assertNotEqual(partner.billy_id, billy["id"])
        self.assertEqual(len(self.billy_contacts()), 2)
        for _run in range(2):
            log = self.sync()
            self.assertEqual(review.state, "created")
            self.assertEqual((log.to_review, log.created_billy, log.linked), (0, 0, 0))
        self.assertEqual(len(self.billy_contacts()), 2)

    def test_create_in_odoo_decision_for_a_billy_record(self):
        billy = self.billy_contact("Solsikke ApS")
        first = self.make_company("Solsikke ApS", vat=False)
        self.make_company("Solsikke ApS", vat=False, email="post@solsikke.dk")
        self.sync()
        review = self.reviews(side="billy")
        count = self.partner_count()
        review.action_create()
        self.assertEqual(self.partner_count(), count + 1)
        created = self.env["res.partner"].search([("billy_id", "=", billy["id"])])
        self.assertEqual(created.name, "Solsikke ApS")
        self.assertNotIn(created, first)
        self.assertEqual(review.state, "created")

    def test_ignore_decision_skips_the_record_until_reset(self):
        billy, partner, review = self.pending_name_match()
        review.action_ignore()
        self.assertEqual(review.state, "ignored")
        log = self.assert_second_run_changes_nothing(partner)
        self.assertEqual(log.to_review, 0)
        self.sync()
        self.assertFalse(partner.billy_id)
        self.assertEqual(len(self.billy_contacts()), 1)
        partner.action_billy_sync()
        self.assertFalse(partner.billy_id, "the button respects the decision too")
        review.action_reset()
        self.assertFalse(review.exists())
        again = self.reviews(res_id=partner.id)
        self.assertEqual(again.state, "pending", "matched again at once")
        self.assertEqual(again.candidate_ids.billy_id, billy["id"])

    def test_a_decided_review_can_not_be_decided_again(self):
        _billy, _partner, review = self.pending_name_match()
        review.action_ignore()
        with self.assertRaises(Exception):  # noqa: B017 - UserError, from Odoo
            review.candidate_ids.action_link()
        self.assertEqual(review.state, "ignored")

    def test_a_review_of_a_deleted_record_goes_with_the_next_run(self):
        _billy, partner, review = self.pending_name_match()
        partner.unlink()
        self.sync()
        self.assertFalse(review.exists())

    def test_name_matches_accepted_by_the_company_link_without_review(self):
        billy = self.billy_contact("Fjord Design ApS")
        partner = self.make_company()
        self.company.billy_accept_name_matches = True
        log = self.sync()
        self.assertEqual(partner.billy_id, billy["id"])
        self.assertEqual(log.to_review, 0)
        linked = log.line_ids.filtered(lambda line: line.action == "linked")
        self.assertIn("same name", linked.message)

    # --- the Sync with Billy button, the preview, the dashboard ---------------------------

    def test_record_button_says_waiting_for_your_review(self):
        billy = self.billy_contact("Fjord Design ApS")
        partner = self.make_company()
        action = partner.action_billy_sync()
        popup = self.env["billy.sync.result"].browse(action["res_id"])
        self.assertIn("waiting for your review", popup.message)
        self.assertEqual(popup.review_count, 1)
        review = self.reviews(res_id=partner.id)
        self.assertEqual(review.candidate_ids.billy_id, billy["id"])
        opened = popup.action_open_reviews()
        self.assertEqual(opened["res_id"], review.id)
        action = partner.action_billy_sync()  # again: the same review, still waiting
        self.assertEqual(self.reviews(), review)
        self.assertIn("waiting", self.env["billy.sync.result"].browse(action["res_id"]).message)
        self.assertFalse(partner.billy_id)

    def test_preview_shows_sure_and_review_and_why_without_writing_a_review(self):
        self.billy_contact("Fjord Design ApS")
        self.billy_contact("Nordlys ApS", registrationNo="11111111")
        self.make_company()
        self.make_company("Nordlys", vat="DK11111111")
        preview = self.env["billy.sync.preview"]._billy_preview(self.company)
        self.assertEqual((preview.to_review, preview.linked), (1, 1))
        review_line = preview.line_ids.filtered(lambda line: line.action == "review")
        self.assertIn("Only the name agrees", review_line.message)
        linked_line = preview.line_ids.filtered(lambda line: line.action == "linked")
        self.assertIn("CVR", linked_line.message)
        self.assertFalse(self.reviews(), "a preview writes no review")

    def test_dashboard_counts_pending_reviews(self):
        self.pending_name_match()
        dashboard = self.env["billy.dashboard"].create({})
        self.assertEqual(dashboard.review_count, 1)
        action = dashboard.action_open_reviews()
        self.assertEqual(self.env["billy.match.review"].search(action["domain"]), self.reviews())

    def test_only_billy_managers_read_reviews(self):
        self.pending_name_match()
        user = self.env["res.users"].create(
            {
                "name": "Clerk",
                "login": "clerk_review",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "group_ids": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        Review = self.env["billy.match.review"].with_user(user)
        with self.assertRaises(Exception):  # noqa: B017 - AccessError, from Odoo
            Review.search([])
