"""The sync's stored messages: a code and its parameters, shown in the reader's language.

A log line, a run's message or a preview is read later, by other users, in their language:
what is stored is a code of TEXTS and the parameters of its text, never the text itself.
`Message` is that pair and, for whoever made it, also the text in their language (a str), so
that code which takes a message as text (a link's error, a popup's outcome) keeps working.

Billy's own words (its validation messages) and messages stored before codes existed are
kept as they were said: the code TEXT, the text in the parameter "text".
"""


def _lt(source):
    """A source text, marked for the extraction of translations (Odoo extracts `_lt(...)`);
    translated when shown, by `env._(source)`."""
    return source


TEXT = "text"  # a text shown as it is: Billy's words, a message stored before codes existed
LABEL = "label"  # a translatable label of this module (an _lt() text), in its language

TEXTS = {
    # a run
    "queued": _lt(
        "Queued: this sync runs as jobs on the channel %s; this log fills in as they run."
    ),
    "job_failed": _lt("A job of this sync failed after its retries: %s"),
    "busy": _lt("A Billy sync of %s is already running; try again when it has finished."),
    # one record
    "concurrent": _lt("Another sync handled this record at the same time; it is retried next run."),
    "locked": _lt("%s is being synced by someone else right now."),
    "no_country": _lt("Billy needs a country for every contact: set the country of %s."),
    "no_country_field": _lt(
        "Billy needs a country for every contact: set %(field)s of %(record)s."
    ),
    "unknown_country": _lt("Billy's country %s is unknown in Odoo."),
    "unknown_currency": _lt("Billy's currency %s is unknown in Odoo."),
    "unknown_value": _lt("Billy's %(billy)s %(value)s is not a value of %(field)s in Odoo."),
    "several_taxes": _lt("Billy takes one VAT rate per line; %s has several taxes."),
    "no_ruleset": _lt(
        "No Billy sales tax ruleset matches the %(rate)s %% VAT of %(name)s: map "
        "the tax in Settings → Billy."
    ),
    "not_synced_first": _lt("%(name)s could not be synced with Billy first: %(error)s"),
    "unknown_reason": _lt("unknown reason"),
    "parent_not_synced": _lt("The company %s could not be synced with Billy first."),
    # invoices
    "no_invoice_line": _lt("%s has no invoice line Billy can take."),
    "mixed_tax_modes": _lt(
        "%s mixes prices with and without VAT included; Billy takes one tax mode per invoice."
    ),
    "skipped_lines": _lt("Billy has no section or note lines; left out: %s"),
    "not_posted": _lt("Only posted invoices are sent to Billy; post it first."),
    "pull_only": _lt("The sync direction is Billy → Odoo: invoices are not sent to Billy."),
    "approved_changed": _lt(
        "%(name)s changed in Odoo after Billy approved it (no. %(number)s); Billy "
        "keeps approved invoices as they are: issue a credit note."
    ),
    "inactive_currency": _lt("Activate the currency %s in Odoo to receive this Billy invoice."),
    "contact_not_in_odoo": _lt("The Billy contact %s of this invoice is not in Odoo yet."),
    "no_sales_tax": _lt("Odoo has no %(rate)s %% sales tax with prices %(mode)s VAT."),
    "including": _lt("including"),
    "excluding": _lt("excluding"),
    "totals_differ": _lt(
        "Totals differ. Odoo: untaxed %(o1)s, VAT %(o2)s, total %(o3)s. Billy: amount "
        "%(b1)s, tax %(b2)s, gross %(b3)s."
    ),
    "voided": _lt("%s was voided in Billy; cancel it or issue a credit note in Odoo as well."),
    "payment_registered": _lt("Payment of %s registered from Billy."),
    # what a line did
    "conflict": _lt("Changed on both sides; %s data wins."),
    "side_odoo": _lt("Odoo"),
    "side_billy": _lt("Billy"),
    "archived_in_billy": _lt("Deleted in Odoo; archived in Billy and unlinked."),
    "deleted_in_billy_archived": _lt("Deleted in Billy; unlinked and archived in Odoo."),
    "deleted_in_billy": _lt("Deleted in Billy; unlinked."),
    "withheld": _lt("Not taken from Billy: %s (the contact belongs to an Odoo user)."),
    "match_registration": _lt("sure: same CVR/VAT number"),
    "match_number": _lt("sure: same product number"),
    "match_email": _lt("sure: same e-mail, used by no other record"),
    "match_name": _lt("same name (the company accepts name matches)"),
    "review": _lt("%(reason)s; candidates: %(candidates)s"),
}
UNTRANSLATED = {"joined": "%s. %s"}  # two messages in a row
# codes whose text their owner builds: code -> function(env, params) (sync/connection.py)
RENDERERS = {}


def _encoded(value):
    """A parameter as JSON can keep it: a Message as {"code", "params"}, others as text."""
    if isinstance(value, Message):
        return {"code": value.code, "params": value.params}
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def _decoded(env, value):
    if isinstance(value, dict) and "code" in value:
        return render(env, value["code"], value.get("params"))
    return value


def render(env, code, params):
    """The text of a stored message (`code`, `params`) in the language of `env`."""
    if not code:
        return False
    if code == LABEL:
        label = params.get("text") or ""
        return env._(label) if label else ""  # pylint: disable=translation-not-lazy
    if code in RENDERERS:
        return RENDERERS[code](env, params if isinstance(params, dict) else {})
    source = TEXTS.get(code) or UNTRANSLATED.get(code)
    if source is None:  # TEXT, or a code this version no longer knows
        return str(params.get("text") or "") if isinstance(params, dict) else ""
    if isinstance(params, dict):
        args = {key: _decoded(env, value) for key, value in params.items()}
    else:
        args = tuple(_decoded(env, value) for value in params or ())
    text = UNTRANSLATED.get(code) or env._(source)  # pylint: disable=translation-not-lazy
    if not args:
        return text
    try:
        return text % args
    except (TypeError, ValueError, KeyError):  # a translation with other placeholders
        return source % args


class Message(str):
    """A stored message: `code` (of TEXTS) and `params` (a list or a dict, JSON), and as a
    str its text in the language of the `env` it was made with."""

    def __new__(cls, env, code, *args, **kwargs):
        assert not (args and kwargs), "positional or named parameters, not both"
        params = {k: _encoded(v) for k, v in kwargs.items()} or [_encoded(v) for v in args]
        message = super().__new__(cls, render(env, code, params))
        message.code, message.params = code, params
        return message

    @classmethod
    def text(cls, env, text):
        """A text shown as it is (Billy's own words)."""
        return cls(env, TEXT, text=text)

    @classmethod
    def label(cls, env, label):
        """A label of this module (an _lt() text, e.g. a Billy field's), translated."""
        return cls(env, LABEL, text=label)

    def __reduce__(self):
        return (str, (str(self),))


def stored(message):
    """The (code, params) to store for `message`: a Message, a plain text or nothing."""
    if not message:
        return False, False
    if isinstance(message, Message):
        return message.code, message.params
    return TEXT, {"text": str(message)}


def adopt_legacy_messages(cr, table):
    """Messages stored as text (before 19.0.1.2.0) in `table`.message become TEXT messages."""
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
        (table, "message"),
    )
    if not cr.fetchone():
        return 0
    cr.execute(
        f"""UPDATE "{table}"
               SET message_code = %s, message_params = jsonb_build_object('text', message)
             WHERE message_code IS NULL AND COALESCE(message, '') != ''""",
        (TEXT,),
    )
    return cr.rowcount
