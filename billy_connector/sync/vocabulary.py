"""The sync's words, one spelling each: record kinds, link states, directions, run states.

Plain Python (no Odoo import): the models take their selections from here, the engine its
constants.
"""

# record kinds (billy.link.record_kind); mapping.STANDARD_MAPPING has one mapping per kind
ORGANIZATION = "organization"
PERSON = "person"
CONTACT_PERSON = "contact_person"
PRODUCT = "product"
INVOICE = "invoice"
RECORD_KINDS = [
    (ORGANIZATION, "Organization"),
    (PERSON, "Person"),
    (CONTACT_PERSON, "Contact person"),
    (PRODUCT, "Product"),
    (INVOICE, "Invoice"),
]


def kind_labels(env):
    """Record kind → its label in the language of `env`."""
    return dict(env["billy.link"]._fields["record_kind"]._description_selection(env))


# link states (billy.link.state)
SYNCED, CHANGED, FAILED = "synced", "changed", "failed"
LINK_STATES = [
    (SYNCED, "Synced"),
    (CHANGED, "Changed since last sync"),
    (FAILED, "Failed"),
]

# the company's sync direction (res.company.billy_sync_direction)
ODOO_TO_BILLY, BILLY_TO_ODOO, BOTH = "odoo_to_billy", "billy_to_odoo", "both"
# which way one value moved (a log line) or may move (a field mapping line)
TO_BILLY, TO_ODOO = "to_billy", "to_odoo"
LINE_DIRECTIONS = [(TO_BILLY, "Odoo → Billy"), (TO_ODOO, "Billy → Odoo")]

# a run (billy.sync.log.state, billy.sync.preview.state)
RUN_STATES = [
    ("running", "Running"),
    ("done", "Done"),
    ("partial", "Done with errors"),
    ("failed", "Failed"),
]
# a run's counters: fields of billy.sync.log and billy.sync.preview, keys of Journal.counts
COUNTERS = [
    "created_billy",
    "updated_billy",
    "created_odoo",
    "updated_odoo",
    "linked",
    "archived",
    "unchanged",
    "conflicts",
    "to_review",
    "failed",
]


def kind_of(record):
    """The record kind of an Odoo partner, product or invoice (the one resolver)."""
    if record._name == "account.move":
        return INVOICE
    if record._name == "product.template":
        return PRODUCT
    if record.is_company:
        return ORGANIZATION
    return CONTACT_PERSON if record.parent_id.is_company else PERSON


def summary_text(record, nothing):
    """'Created in Billy: 3, Failed: 1' from a log's or preview's counters (`nothing`: none)."""
    env = record.env  # the reader's language: the labels of the counters, the message
    parts = [
        f"{record._fields[name]._description_string(env)}: {record[name]}"
        for name in COUNTERS
        if record[name]
    ]
    text = ", ".join(parts) or nothing
    return f"{record.message}\n{text}" if record.message else text
