# Run by scripts/demo.sh inside `odoo shell` (``env`` is given): the demo company, its Danish
# VAT and its connection to the Billy sandbox. On a fresh database it also runs a first sync.
# ruff: noqa: F821
import os

url = os.environ["BILLY_DEMO_URL"]
token = os.environ["BILLY_DEMO_TOKEN"]
fresh = bool(os.environ.get("BILLY_DEMO_FRESH"))

company = env.ref("base.main_company")
if fresh:
    dkk = env.ref("base.DKK")
    dkk.active = True
    denmark = env.ref("base.dk")
    company.write(
        {
            "name": "Nordisk Demo ApS",
            "street": "Vesterbrogade 1",
            "zip": "1620",
            "city": "København V",
            "country_id": denmark.id,
            "currency_id": dkk.id,
            "email": "info@nordisk-demo.example",
        }
    )
    env.ref("base.user_admin").tz = "Europe/Copenhagen"
    taxes = {}
    for rate, name, group_name in (
        (25.0, "Salgsmoms 25%", "Moms 25%"),
        (0.0, "Momsfri 0%", "Momsfri"),
    ):
        # each tax its own group: an invoice's tax line is labelled by the group's name (the
        # chart's first group reads "Tax 15%")
        group = env["account.tax.group"].create({"name": group_name, "company_id": company.id})
        taxes[rate] = env["account.tax"].create(
            {
                "name": name,
                "amount": rate,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "tax_group_id": group.id,
                "company_id": company.id,
            }
        )
    company.account_sale_tax_id = taxes[25.0]

company.write({"billy_api_url": url, "billy_api_key": token})  # saving the key tests it
if company.billy_connection_state != "ok":
    raise SystemExit(f"the connection to the sandbox failed: {company.billy_connection_message}")
print(company.billy_connection_message)

if fresh:
    # A customer without a country: Billy refuses it, so the dashboard has a failed record to
    # retry once the country is filled in.
    env["res.partner"].create(
        {"name": "Havnens Café", "is_company": True, "city": "Skagen", "customer_rank": 1}
    )
    log = company.billy_sync_all()
    print(f"first sync: {log.summary}")
env.cr.commit()
