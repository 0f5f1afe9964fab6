"""Billy never changes who an Odoo user is.

A partner that belongs to a user (res.users, active or not, internal or portal) carries that
user's identity: the e-mail a password reset goes to, the name the user is known by. Whoever
edits contacts in Billy must not be able to take over an Odoo account, so those fields are
never pulled onto such a partner; everything else is.
"""

from .messages import Message

IDENTITY_FIELDS = ("email", "name")


def withhold_user_identity(record, vals):
    """The values `vals` minus the identity fields when `record` is a user's partner.

    Returns (values to write, a sentence for the sync log: "" when nothing was withheld).
    """
    withheld = [name for name in IDENTITY_FIELDS if name in vals]
    if record._name != "res.partner" or not withheld or not _belongs_to_a_user(record):
        return vals, ""
    kept = {name: value for name, value in vals.items() if name not in IDENTITY_FIELDS}
    note = Message(record.env, "withheld", ", ".join(withheld))
    return kept, note


def _belongs_to_a_user(partner):
    Users = partner.env["res.users"].sudo().with_context(active_test=False)
    return bool(Users.search_count([("partner_id", "=", partner.id)], limit=1))
