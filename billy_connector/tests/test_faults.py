import logging

from odoo.tests import tagged

from billy_api.sandbox.retries import counting_retries

from .common import BillyCase

FAULTS = [
    {"kind": "error", "status": 503, "method": "GET", "count": 2},  # retried, for sure
    {"kind": "latency", "ms": 2, "rate": 0.5},
    {"kind": "error", "status": 503, "rate": 0.12},
    {"kind": "rate_limit", "status": 429, "retry_after": 0, "rate": 0.08},
    {"kind": "lost_response", "method": "POST", "rate": 0.15},
    {"kind": "lost_response", "method": "PUT", "rate": 0.1},
    {"kind": "lost_response", "method": "PATCH", "rate": 0.3},  # bulk saves (on by default)
    {"kind": "malformed", "method": "POST", "rate": 0.05},
]


@tagged("post_install", "-at_install")
class TestFaultSoak(BillyCase):
    """Under every fault the sandbox injects, runs converge: nothing duplicated, nothing lost."""

    def build_books(self):
        orgs = self.env["res.partner"]
        for i in range(6):
            org = self.make_company(f"Kunde {i} ApS", vat=f"DK{20000000 + i}", city=f"By {i}")
            self.env["res.partner"].create(
                {"name": f"Person {i}", "email": f"p{i}@kunde{i}.dk", "parent_id": org.id}
            )
            orgs |= org
        for i in range(3):
            self.env["res.partner"].create(
                {
                    "name": f"Privat {i}",
                    "email": f"privat{i}@example.dk",
                    "country_id": self.denmark.id,
                }
            )
        products = self.env["product.template"]
        for i in range(6):
            products |= self.make_product(f"Vare {i}", default_code=f"V-{i}", list_price=10.0 + i)
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": orgs[i].id,
                    "invoice_date": "2026-11-02",
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": products[i].product_variant_id.id,
                                "quantity": 2,
                                "price_unit": 100.0 + i,
                                "tax_ids": [(6, 0, self.tax_25.ids)],
                            },
                        ),
                        (
                            0,
                            0,
                            {
                                "product_id": products[-1 - i].product_variant_id.id,
                                "quantity": 1,
                                "price_unit": 40.0,
                                "tax_ids": [(6, 0, self.tax_25.ids)],
                            },
                        ),
                    ],
                }
                for i in range(6)
            ]
        )
        moves.action_post()
        return moves

    def test_soak_converges_without_duplicates_or_lost_values(self):
        self.company.tax_calculation_rounding_method = "round_globally"
        moves = self.build_books()
        counter = self.enterContext(counting_retries())
        self.sandbox.set_faults(FAULTS, seed=11)
        logs = self.env["billy.sync.log"]
        for _run in range(12):
            log = self.sync()
            logs |= log
            if log.state == "done" and not (log.created_billy or log.linked):
                break
        self.assertEqual(log.state, "done", logs.mapped("summary"))
        faults = self.sandbox.stats()["faults"]
        self.sandbox.clear_faults()

        # exactly one Billy record per Odoo record, and the reverse
        Link = self.env["billy.link"]
        links = Link.search([("company_id", "=", self.company.id), ("billy_id", "!=", False)])
        self.assertEqual(len(links.mapped("billy_id")), len(links))
        self.assertEqual(set(links.mapped("state")), {"synced"})
        contacts = self.billy_contacts()
        self.assertEqual(len(contacts), 9)  # 6 organizations + 3 persons
        self.assertEqual(sorted(len(c["contactPersons"]) for c in contacts), [1] * 9)
        self.assertEqual(len(self.billy_products()), 6)
        invoices = list(self.billy.list("invoices"))
        self.assertEqual(len(invoices), len(moves))
        # every mapped value equal on both sides
        for contact in contacts:
            partner = self.env["res.partner"].search([("billy_id", "=", contact["id"])])
            self.assertEqual(partner.name, contact["name"])
            self.assertEqual(partner.city or None, contact["cityText"] or None)
        for move in moves:
            billy = self.billy.get("invoices", move.billy_id)
            self.assertEqual(
                (billy["amount"], billy["tax"], billy["grossAmount"]),
                (move.amount_untaxed, move.amount_tax, move.amount_total),
            )
        # every failure on the way is in the log
        failed_lines = logs.line_ids.filtered(lambda line: line.action == "failed")
        # a cut answer to a create is never retried blindly: each one failed a record
        self.assertGreaterEqual(len(failed_lines), faults["malformed"], faults)
        # the soak met faults (fewer requests since invoices go in bulk saves: a run may
        # meet no cut create answer, and then no record fails)
        self.assertTrue(faults["lost_response"] + faults["error"] + faults["malformed"], faults)
        self.assertEqual(sum(logs.mapped("failed")), len(failed_lines))
        for line in failed_lines.filtered("res_id"):
            record = self.env[line.res_model].browse(line.res_id)
            self.assertEqual(record.billy_sync_state, "synced", line.message)
        summary = (
            f"soak: {len(logs)} runs, faults injected {faults}, client retries "
            f"{counter.retries}, failed records logged {len(failed_lines)}, duplicates 0, "
            "values lost 0"
        )
        logging.getLogger(__name__).info(summary)
        self.assertGreater(counter.retries, 0, summary)
        self.assertGreater(faults["lost_response"], 0, summary)
        self.assertTrue(
            any(key.startswith("PATCH") for key in self.sandbox.stats()["requests"]), summary
        )
