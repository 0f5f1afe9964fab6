"""The attacks of issue 12, each made as the wrong user: refused or harmless, and the right
user still gets the work done (docs/security.md names each test)."""

import json
import urllib.request

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged

from ..sync.identity import withhold_user_identity
from .common import ORGANIZATION, TOKEN, BillyCase

MANAGER = "billy_connector.group_billy_manager"
NOT_HERE = "not working in"  # the refusal of a company the caller does not work in


def raw_contact_names(sandbox):
    """Contact names as the sandbox sends them, before the client cleans its answers."""
    request = urllib.request.Request(f"{sandbox.url}/contacts", headers={"X-Access-Token": TOKEN})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return [contact["name"] for contact in json.load(answer)["contacts"]]


class AttackCase(BillyCase):
    """Company A (the test company, connected to Billy) and company B, with their users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Andet Firma ApS"})
        both = [(6, 0, (cls.company | cls.company_b).ids)]
        cls.portal = new_test_user(cls.env, login="attack_portal", groups="base.group_portal")
        # a customer of A with a portal account: synced as a Billy person like any customer
        cls.portal.partner_id.country_id = cls.denmark
        cls.plain = new_test_user(cls.env, login="attack_plain", groups="base.group_user")
        cls.manager = new_test_user(cls.env, login="attack_manager", groups=MANAGER)
        cls.manager_b = new_test_user(
            cls.env,
            login="attack_manager_b",
            groups=MANAGER,
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.manager_ab = new_test_user(
            cls.env, login="attack_manager_ab", groups=MANAGER, company_ids=both
        )
        cls.editor_ab = new_test_user(
            cls.env,
            login="attack_editor_ab",
            groups="base.group_user,base.group_partner_manager",
            company_ids=both,
        )
        cls.invoicer = new_test_user(
            cls.env, login="attack_invoicer", groups="account.group_account_invoice"
        )

    def as_user(self, user, records, companies=None):
        """`records` as `user` would call them over RPC, working in `companies` (default: A)."""
        companies = companies or self.company
        return records.with_user(user).with_context(allowed_company_ids=companies.ids)

    def billy_names(self):
        return sorted(contact["name"] for contact in self.billy_contacts())

    def count_logs(self):
        return self.env["billy.sync.log"].sudo().search_count([])


@tagged("post_install", "-at_install")
class TestAccessAttacks(AttackCase):
    # --- 1. only Billy managers of a company sync it, test its connection, reset its mapping

    def test_portal_and_plain_users_cannot_sync_test_or_reset(self):
        self.make_company()
        self.company.billy_connection_state = "unknown"
        logs = self.count_logs()
        for user in (self.portal, self.plain):
            company = self.as_user(user, self.company)
            for call in (
                company.billy_sync_all,
                company.billy_test_connection,
                company.billy_mapping_reset,
            ):
                with (
                    self.subTest(user=user.login, method=call.__name__),
                    self.assertRaises(AccessError),
                ):
                    call()
        self.assertEqual(self.count_logs(), logs)
        self.assertEqual(self.billy_contacts(), [])
        self.assertEqual(self.company.billy_connection_state, "unknown")
        # the right user
        log = self.as_user(self.manager, self.company).billy_sync_all()
        self.assertEqual(log.state, "done", log.summary)
        self.assertEqual(self.billy_names(), sorted(["Fjord Design ApS", self.portal.name]))
        self.as_user(self.manager, self.company).billy_test_connection()
        self.assertEqual(self.company.billy_connection_state, "ok")

    def test_a_manager_of_another_company_cannot_sync_this_one(self):
        self.make_company()
        with self.assertRaisesRegex(AccessError, NOT_HERE):
            self.as_user(self.manager_b, self.company, self.company_b).billy_sync_all()
        with self.assertRaises(AccessError):  # naming the company in the context won't do
            self.as_user(self.manager_b, self.company).billy_sync_all()
        # a manager of both companies who is working in B only
        with self.assertRaisesRegex(AccessError, NOT_HERE):
            self.as_user(self.manager_ab, self.company, self.company_b).billy_sync_all()
        self.assertEqual(self.billy_contacts(), [])
        log = self.as_user(self.manager_ab, self.company).billy_sync_all()
        self.assertIn("Fjord Design ApS", self.billy_names(), log.summary)

    def test_only_the_scheduler_starts_an_automatic_run(self):
        # an automatic run commits as it goes: not for a caller to ask for
        with self.assertRaises(AccessError):
            self.as_user(self.manager, self.company).billy_sync_all(trigger="cron")
        self.assertFalse(self.env["billy.sync.log"].search([("trigger", "=", "cron")]))

    def test_settings_buttons_check_the_company(self):
        admin_b = new_test_user(
            self.env,
            login="attack_admin_b",
            groups="base.group_system",
            company_id=self.company_b.id,
            company_ids=[(6, 0, self.company_b.ids)],
        )
        Settings = self.as_user(admin_b, self.env["res.config.settings"], self.company_b)
        settings = Settings.create({"company_id": self.company.id})  # B's admin, A's settings
        for action in ("action_billy_sync_now", "action_billy_mapping_reset"):
            with self.subTest(action=action), self.assertRaisesRegex(AccessError, NOT_HERE):
                getattr(settings, action)()
        self.assertFalse(self.env["billy.sync.log"].search([("company_id", "=", self.company.id)]))

    # --- 4. another company's id in a wizard, another company's record -------------------------

    def test_a_dashboard_or_preview_of_another_company_is_refused(self):
        self.make_company()
        for model in ("billy.dashboard", "billy.sync.preview"):
            Model = self.as_user(self.manager_b, self.env[model], self.company_b)
            with self.subTest(model=model), self.assertRaisesRegex(AccessError, NOT_HERE):
                Model.create({"company_id": self.company.id})
        # a manager of both, working in B
        Dashboard = self.as_user(self.manager_ab, self.env["billy.dashboard"], self.company_b)
        with self.assertRaisesRegex(AccessError, NOT_HERE):
            Dashboard.create({"company_id": self.company.id})
        self.assertEqual(self.billy_contacts(), [])
        # working in A, the preview runs (and writes nothing to Billy)
        Dashboard = self.as_user(self.manager_ab, self.env["billy.dashboard"])
        dashboard = Dashboard.browse(Dashboard.action_open_dashboard()["res_id"])
        self.assertEqual(dashboard.company_id, self.company)
        preview = self.env["billy.sync.preview"].browse(dashboard.action_preview()["res_id"])
        self.assertIn("Fjord Design ApS", preview.line_ids.mapped("record_name"))
        self.assertEqual(self.billy_contacts(), [])

    def test_the_dashboard_is_for_billy_managers_only(self):
        for user in (self.plain, self.portal):
            Dashboard = self.as_user(user, self.env["billy.dashboard"])
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Dashboard.action_open_dashboard()

    def test_a_record_of_another_company_is_not_synced_to_this_company_s_billy(self):
        foreign = self.make_company("Fremmed ApS", company_id=self.company_b.id)
        shared = self.make_company("Fælles ApS", vat="DK87654321", company_id=False)
        both = self.company | self.company_b  # working in A, and B is open too
        with self.assertRaisesRegex(UserError, "another company"):
            self.as_user(self.editor_ab, foreign, both).action_billy_sync()
        with self.assertRaises(AccessError):  # not even readable for a user of A only
            self.as_user(self.plain, foreign).action_billy_sync()
        self.assertEqual(self.billy_contacts(), [])
        self.as_user(self.editor_ab, shared).action_billy_sync()
        self.assertEqual([c["name"] for c in self.billy_contacts()], ["Fælles ApS"])

    # --- 5. invoice finances through billy.link ------------------------------------------------

    def _synced_invoice(self):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.make_company().id,
                "invoice_date": "2026-11-02",
                "invoice_line_ids": [
                    (0, 0, {"name": "Vinduespudsning", "quantity": 1, "price_unit": 300.0})
                ],
            }
        )
        move.action_post()
        self.company.billy_invoice_state = "approved"
        self.sync()
        return move

    def test_invoice_links_are_for_those_who_may_read_invoices(self):
        move = self._synced_invoice()
        link = self.link_of(move)
        self.assertTrue(link.billy_invoice_no)
        partner_link = self.link_of(move.partner_id)
        Link = self.as_user(self.plain, self.env["billy.link"])
        self.assertIn(partner_link, Link.search([]))
        self.assertNotIn(link, Link.search([]))
        self.assertEqual(self.env["billy.link"].search([("billy_balance", ">", 0)]), link)
        self.assertFalse(Link.search([("billy_balance", ">", 0)]))
        with self.assertRaises(AccessError):
            Link.browse(link.id).read(["billy_invoice_no", "billy_balance", "billy_late_fees"])
        with self.assertRaises(AccessError):
            self.as_user(self.portal, self.env["billy.link"]).search([])
        # those who may read invoices read their links, and the form shows Billy's figures
        for user in (self.invoicer, self.manager):
            with self.subTest(user=user.login):
                found = self.as_user(user, self.env["billy.link"]).search(
                    [("res_model", "=", "account.move")]
                )
                self.assertEqual(found.billy_invoice_no, link.billy_invoice_no)
        self.assertEqual(self.as_user(self.invoicer, move).billy_invoice_no, link.billy_invoice_no)
        with self.assertRaises(AccessError):
            self.as_user(self.plain, move).action_billy_open_pdf()
        action = self.as_user(self.invoicer, move).action_billy_open_pdf()
        self.assertEqual(action["url"], f"/web/content/{link.billy_pdf_id.id}?download=true")

    # --- 6. mapping fields, the API URL, what portal users read ------------------------------

    def test_a_mapping_cannot_send_a_field_its_author_may_not_read(self):
        self.company.billy_mapping_mode = "custom"
        field = self.env["ir.model.fields"]._get("res.partner", "signup_type")
        self.assertFalse(
            self.manager.has_groups(self.env["res.partner"]._fields[field.name].groups)
        )
        values = {
            "company_id": self.company.id,
            "record_kind": "person",
            "billy_field": "fax",
            "odoo_field_id": field.id,
            "direction": "to_billy",
        }
        Mapping = self.as_user(self.manager, self.env["billy.field.mapping"])
        with self.assertRaises(ValidationError) as refused:
            Mapping.create(values)
        self.assertIn(field.field_description, str(refused.exception))
        offered = Mapping.new({k: v for k, v in values.items() if k != "odoo_field_id"})
        self.assertNotIn(field, offered.compatible_field_ids)
        self.assertIn("phone", offered.compatible_field_ids.mapped("name"))
        admin = new_test_user(self.env, login="attack_admin", groups="base.group_system")
        self.assertTrue(self.as_user(admin, self.env["billy.field.mapping"]).create(values))

    def test_only_administrators_move_the_api_url_and_a_move_clears_the_key(self):
        # "Access Rights" administrators may edit companies, not where the key is sent
        rights = new_test_user(
            self.env, login="attack_rights", groups=f"base.group_erp_manager,{MANAGER}"
        )
        for user in (self.manager, rights):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.as_user(user, self.company).write({"billy_api_url": "https://x.test/v2"})
        self.as_user(rights, self.company).write({"billy_sync_mode": "auto"})
        rights_only = new_test_user(
            self.env, login="attack_rights_only", groups="base.group_erp_manager"
        )
        with self.assertRaises(AccessError):
            self.as_user(rights_only, self.company).write({"billy_sync_direction": "odoo_to_billy"})
        self.as_user(rights_only, self.company).write({"report_footer": "CVR 12345678"})
        self.assertEqual(self.company.billy_sync_direction, "both")
        admin = new_test_user(self.env, login="attack_admin2", groups="base.group_system")
        company = self.as_user(admin, self.company)
        for url in ("http://billy.attacker.test/v2", "ftp://127.0.0.1/v2", "billy.dk"):
            with self.subTest(url=url), self.assertRaises(ValidationError):
                company.write({"billy_api_url": url})
        self.assertEqual(self.company.sudo().billy_api_key, TOKEN)
        company.write({"billy_api_url": "https://billy.attacker.test/v2"})
        self.assertFalse(self.company.sudo().billy_api_key)
        self.assertEqual(self.company.billy_connection_state, "unknown")
        # a key given with the new URL is kept (and tested there): the local sandbox
        company.write({"billy_api_url": self.sandbox.url, "billy_api_key": TOKEN})
        self.assertEqual(self.company.billy_connection_state, "ok")
        # in the settings a new key comes with the new URL, whatever order they are written in
        self.sandbox.add_token("second-token", ORGANIZATION)
        local = self.sandbox.url.replace("127.0.0.1", "localhost")
        settings = self.as_user(admin, self.env["res.config.settings"]).create(
            {"billy_api_key": "second-token", "billy_api_url": local}
        )
        settings.execute()
        self.assertEqual(self.company.sudo().billy_api_key, "second-token")
        self.assertEqual(self.company.billy_api_url, local)
        self.assertEqual(self.company.billy_connection_state, "ok")

    def test_portal_users_do_not_read_the_connection(self):
        company = self.as_user(self.portal, self.company)
        for name in ("billy_connection_message", "billy_organization_id", "billy_api_key"):
            with self.subTest(field=name), self.assertRaises(AccessError):
                company.read([name])
        self.assertNotIn("billy_organization_id", company.fields_get())
        self.assertTrue(self.as_user(self.plain, self.company).billy_connection_message)


@tagged("post_install", "-at_install")
class TestDataAttacks(AttackCase):
    # --- 2. Billy's data does not take over Odoo accounts --------------------------------------

    def test_billy_cannot_change_who_a_portal_user_is(self):
        customer = self.make_company()
        self.portal.partner_id.write(
            {
                "parent_id": customer.id,
                "company_id": self.company.id,
                "name": "Hanne Portal",
                "email": "hanne@fjord.dk",
            }
        )
        colleague = self.env["res.partner"].create(
            {"name": "Bo Kollega", "email": "bo@fjord.dk", "parent_id": customer.id}
        )
        self.sync()
        persons = {p["name"]: p for p in self.billy_contacts()[0]["contactPersons"]}
        self.assertEqual(set(persons), {"Hanne Portal", "Bo Kollega"})
        for name, email in (("Hanne Portal", "attacker@evil.test"), ("Bo Kollega", "bo@new.dk")):
            self.billy.update(
                "contactPersons", persons[name]["id"], {"email": email, "name": f"{name} X"}
            )
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        self.assertEqual(self.portal.partner_id.email, "hanne@fjord.dk")
        self.assertEqual(self.portal.email, "hanne@fjord.dk")
        self.assertEqual(self.portal.partner_id.name, "Hanne Portal")
        line = log.line_ids.filtered(lambda line: line.res_id == self.portal.partner_id.id)
        self.assertIn("Not taken from Billy: email, name", line.message)
        # anyone else's contact details still come from Billy
        self.assertEqual((colleague.name, colleague.email), ("Bo Kollega X", "bo@new.dk"))

    def test_archived_and_internal_users_keep_their_identity_too(self):
        archived = new_test_user(self.env, login="attack_archived", groups="base.group_portal")
        archived.active = False
        pulled = {"email": "attacker@evil.test", "name": "X", "phone": "12345678"}
        for user in (archived, self.plain):
            kept, note = withhold_user_identity(user.partner_id, pulled)
            self.assertEqual(kept, {"phone": "12345678"})
            self.assertIn("email, name", note)
        self.assertEqual(withhold_user_identity(self.make_company(), pulled), (pulled, ""))

    # --- 3. one bad Billy record does not stop the run ----------------------------------------

    def test_a_nul_in_billy_s_data_is_removed_and_every_record_arrives(self):
        self.company.billy_sync_direction = "billy_to_odoo"
        self.billy_create(
            "contacts",
            {
                "type": "company",
                "name": "Nul\x00 Firma ApS",
                "countryId": "DK",
                "cityText": "Aal\x00borg",
                "contactPersons": [{"name": "Ida\x00 Holm", "email": "ida@nul.dk"}],
            },
        )
        self.billy_create("contacts", {"type": "company", "name": "Pæn ApS", "countryId": "DK"})
        # Billy keeps the NUL (the sandbox stores what it was sent); the client cleans answers
        self.assertIn("Nul\x00 Firma ApS", raw_contact_names(self.sandbox))
        log = self.sync()
        self.assertEqual(log.state, "done", log.summary)
        self.assertEqual(log.created_odoo, 3, log.summary)
        Partner = self.env["res.partner"]
        bad = Partner.search([("name", "=", "Nul Firma ApS")])
        self.assertEqual(bad.city, "Aalborg")
        self.assertEqual(bad.child_ids.name, "Ida Holm")
        self.assertTrue(Partner.search([("name", "=", "Pæn ApS")]))
        again = self.sync()  # and it stays settled
        self.assertEqual((again.created_odoo, again.updated_odoo, again.failed), (0, 0, 0))


@tagged("post_install", "-at_install")
class TestRpcAttacks(HttpCase, AttackCase):
    """The same calls as a browser makes them: JSON-RPC to /web/dataset/call_kw."""

    def call_kw(self, model, method, args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def test_a_portal_customer_cannot_sync_over_json_rpc(self):
        self.make_company()
        self.authenticate(self.portal.login, self.portal.login)
        company = [[self.company.id]]
        for method in ("billy_sync_all", "billy_test_connection", "billy_mapping_reset"):
            with self.subTest(method=method), self.assertRaises(JsonRpcException) as refused:
                self.call_kw("res.company", method, company)
            self.assertEqual(str(refused.exception), "odoo.exceptions.AccessError")
        for model, method, args in (
            ("res.company", "_cron_billy_sync", []),
            ("billy.dashboard", "create", [{"company_id": self.company.id}]),
            ("billy.link", "search_read", [[]]),
        ):
            with self.subTest(method=method), self.assertRaises(JsonRpcException):
                self.call_kw(model, method, args)
        self.assertEqual(self.billy_contacts(), [])
        # a Billy manager of the company, the same call
        self.authenticate(self.manager.login, self.manager.login)
        context = {"allowed_company_ids": [self.company.id]}
        log_ids = self.call_kw("res.company", "billy_sync_all", company, context=context)
        self.assertEqual(self.env["billy.sync.log"].browse(log_ids).state, "done")
        self.assertIn("Fjord Design ApS", self.billy_names())
