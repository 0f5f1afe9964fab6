"""Stored messages are read in the reader's language, not in the language of who ran the sync
(issue 15, item 8): the sync log's name, summary and lines, the preview's summary, the
mapping's labels and the invoice's two Billy states."""

import importlib.util
from pathlib import Path

from odoo.tests import HttpCase, new_test_user, tagged

from ..sync.messages import TEXT, Message, adopt_legacy_messages
from .common import BillyCase

MANAGER = "base.group_user,billy_connector.group_billy_manager"
NO_COUNTRY_EN = "Billy needs a country for every contact: set the country of Landløs ApS."
NO_COUNTRY_DA = "Billy kræver et land for hver kontakt: angiv landet for Landløs ApS."


def danish_and_english_managers(cls):
    """Load Danish and make a Danish and an English Billy manager of the test company."""
    cls.env["res.lang"]._activate_lang("da_DK")
    cls.env["ir.module.module"]._load_module_terms(["billy_connector"], ["da_DK"])
    users = {}
    for login, lang in (("msg_dane", "da_DK"), ("msg_english", "en_US")):
        users[lang] = new_test_user(
            cls.env,
            login=login,
            groups=MANAGER,
            lang=lang,
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
    return users["da_DK"], users["en_US"]


class TestMessages(BillyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dane, cls.english = danish_and_english_managers(cls)

    def as_reader(self, records, user):
        """`records` as `user` reads them: in the user's language."""
        return records.with_user(user).with_context(lang=user.lang)

    def sync_as_dane(self):
        self.make_company("Landløs ApS", country_id=False, vat=False)
        self.make_company()
        company = self.as_reader(self.company, self.dane)
        return company.billy_sync_all()

    def test_log_is_read_in_the_readers_language(self):
        log = self.sync_as_dane()
        self.assertEqual(log.state, "partial")
        failed = log.line_ids.filtered(lambda line: line.action == "failed")
        self.assertEqual(failed.message_code, "no_country")

        english = self.as_reader(log, self.english)
        self.assertEqual(self.as_reader(failed, self.english).message, NO_COUNTRY_EN)
        self.assertIn("Created in Billy: 1", english.summary)
        self.assertIn("Failed: 1", english.summary)
        self.assertTrue(english.display_name.startswith("Bulk sync "), english.display_name)

        danish = self.as_reader(log, self.dane)
        self.assertEqual(self.as_reader(failed, self.dane).message, NO_COUNTRY_DA)
        self.assertIn("Oprettet i Billy: 1", danish.summary)
        self.assertIn("Fejlet: 1", danish.summary)
        self.assertTrue(
            danish.display_name.startswith("Samlet synkronisering "), danish.display_name
        )

        # the record's Billy error too (its link keeps the run's text as well)
        partner = self.env["res.partner"].browse(failed.res_id)
        link = self.link_of(partner)
        self.assertEqual(link.error, NO_COUNTRY_DA)
        self.assertEqual(self.as_reader(link, self.english).error_display, NO_COUNTRY_EN)
        self.assertEqual(self.as_reader(partner, self.english).billy_sync_error, NO_COUNTRY_EN)
        self.assertEqual(self.as_reader(partner, self.dane).billy_sync_error, NO_COUNTRY_DA)

    def test_preview_summary_is_read_in_the_readers_language(self):
        self.make_company("Landløs ApS", country_id=False, vat=False)
        self.make_company()
        Preview = self.as_reader(self.env["billy.sync.preview"], self.dane)
        preview = Preview._billy_preview(self.as_reader(self.company, self.dane))
        self.assertIn("Ville fejle: 1", preview.summary)
        line = preview.line_ids.filtered(lambda line: line.action == "failed")
        self.assertEqual(line.message, NO_COUNTRY_DA)
        english = preview.with_context(lang="en_US")
        self.assertIn("Would fail: 1", english.summary)
        self.assertIn("To create in Billy: 1", english.summary)
        self.assertEqual(line.with_context(lang="en_US").message, NO_COUNTRY_EN)

    def test_run_message_is_read_in_the_readers_language(self):
        log = self.env["billy.sync.log"].create({"company_id": self.company.id})
        log._billy_set_message(Message(log.env, "busy", "Billy Test ApS"))
        self.assertEqual(
            log.with_context(lang="en_US").message,
            "A Billy sync of Billy Test ApS is already running; try again when it has finished.",
        )
        danish = log.with_context(lang="da_DK")
        self.assertNotIn("already running", danish.message)
        self.assertIn("Billy Test ApS", danish.message)
        self.assertIn(danish.message, danish.summary)

    def test_nested_message_parameters_are_translated_too(self):
        """A conflict line names the winning side, a word of the reader's language."""
        env = self.env(context=dict(self.env.context, lang="da_DK"))
        message = Message(env, "no_sales_tax", rate=25.0, mode=Message(env, "including"))
        log = self.env["billy.sync.log"].create({"company_id": self.company.id})
        line = self.env["billy.sync.log.line"].create(
            {"log_id": log.id, "action": "failed", "message": message}
        )
        self.assertEqual(
            line.with_context(lang="en_US").message,
            "Odoo has no 25.0 % sales tax with prices including VAT.",
        )
        self.assertNotIn("including", line.with_context(lang="da_DK").message)

    def test_a_plain_text_message_is_shown_as_it_is(self):
        """Billy's own words, and callers that still pass a text: kept as they were said."""
        log = self.env["billy.sync.log"].create({"company_id": self.company.id})
        line = self.env["billy.sync.log.line"].create(
            {"log_id": log.id, "action": "failed", "message": "Billy: name is too long"}
        )
        self.assertEqual(line.message_code, TEXT)
        for lang in ("en_US", "da_DK"):
            self.assertEqual(line.with_context(lang=lang).message, "Billy: name is too long")

    def test_mapping_labels_are_translated(self):
        Mapping = self.env["billy.field.mapping"]
        danish = dict(
            Mapping.with_context(lang="da_DK").fields_get(["billy_field"])["billy_field"][
                "selection"
            ]
        )
        english = dict(
            Mapping.with_context(lang="en_US").fields_get(["billy_field"])["billy_field"][
                "selection"
            ]
        )
        self.assertEqual(english["street"], "street (Street)")
        self.assertEqual(danish["street"], "street (Gade)")
        self.assertEqual(danish["zipcodeText"], "zipcodeText (Postnummer)")
        # Settings → Billy: the mapping table's kinds and Billy's labels, in the reader's language
        settings = self.env["res.config.settings"]
        danish_html = settings.with_context(lang="da_DK").create({}).billy_mapping_html
        english_html = settings.with_context(lang="en_US").create({}).billy_mapping_html
        self.assertIn("<h5 class='mt-3'>Organization</h5>", english_html)
        self.assertIn("<h5 class='mt-3'>Organisation</h5>", danish_html)
        self.assertIn("<h5 class='mt-3'>Kontaktperson</h5>", danish_html)
        self.assertIn("Postal code", english_html)
        self.assertIn("Postnummer", danish_html)
        self.assertNotIn("Postal code", danish_html)

    def test_invoice_billy_states_have_distinct_labels(self):
        for lang in ("en_US", "da_DK"):
            fields = (
                self.env["account.move"]
                .with_context(lang=lang)
                .fields_get(["billy_state", "billy_sync_state"], ["string"])
            )
            self.assertNotEqual(
                fields["billy_state"]["string"], fields["billy_sync_state"]["string"], lang
            )
        danish = self.env["account.move"].with_context(lang="da_DK")
        self.assertEqual(
            danish.fields_get(["billy_state"], ["string"])["billy_state"]["string"],
            "Fakturastatus i Billy",
        )


@tagged("post_install", "-at_install")
class TestMessagesTour(HttpCase, BillyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dane, cls.english = danish_and_english_managers(cls)

    def test_a_danish_user_reads_an_english_run_in_danish(self):
        self.make_company("Landløs ApS", country_id=False, vat=False)
        log = self.company.with_user(self.english).with_context(lang="en_US").billy_sync_all()
        self.assertEqual(log.state, "partial")
        self.start_tour(
            f"/odoo/action-billy_connector.billy_sync_log_action/{log.id}",
            "billy_log_in_danish",
            login=self.dane.login,
        )


class TestLegacyMessages(BillyCase):
    """19.0.1.2.0: messages stored as text before stay readable (migration script)."""

    def _old_row(self, table, record, text):
        cr = self.env.cr
        cr.execute(f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS message text')
        cr.execute(
            f'UPDATE "{table}" SET message = %s, message_code = NULL, message_params = NULL '
            "WHERE id = %s",
            (text, record.id),
        )

    def test_old_text_messages_become_text_messages(self):
        log = self.env["billy.sync.log"].create({"company_id": self.company.id})
        old = self.env["billy.sync.log.line"].create({"log_id": log.id, "action": "failed"})
        empty = self.env["billy.sync.log.line"].create({"log_id": log.id, "action": "created"})
        new = self.env["billy.sync.log.line"].create(
            {"log_id": log.id, "action": "failed", "message": Message(self.env, "not_posted")}
        )
        self._old_row("billy_sync_log", log, "Forbundet til Nordisk Test ApS")
        self._old_row("billy_sync_log_line", old, "Billy kræver et land for hver kontakt")
        self._old_row("billy_sync_log_line", empty, "")
        self.env.cr.execute(
            "UPDATE billy_sync_log_line SET message = 'stale text' WHERE id = %s", (new.id,)
        )

        script = Path(__file__).parents[1] / "migrations" / "19.0.1.2.0" / "post-migrate.py"
        spec = importlib.util.spec_from_file_location("billy_post_migrate_1_2", script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "19.0.1.1.0")
        self.env.invalidate_all()

        for lang in ("en_US", "da_DK"):
            self.assertEqual(log.with_context(lang=lang).message, "Forbundet til Nordisk Test ApS")
            self.assertEqual(
                old.with_context(lang=lang).message, "Billy kræver et land for hver kontakt"
            )
        self.assertFalse(empty.message_code)
        self.assertFalse(empty.message)
        self.assertEqual(new.message_code, "not_posted")  # a coded message is left alone
        self.assertEqual(new.message, "Only posted invoices are sent to Billy; post it first.")
        # run again (a second upgrade): nothing left to adopt
        self.assertEqual(adopt_legacy_messages(self.env.cr, "billy_sync_log_line"), 0)
