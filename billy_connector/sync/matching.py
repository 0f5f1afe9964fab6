"""First link: find the same record on the other side, and link it only when sure.

Each unlinked record becomes an `Entry`: its normalized registration number (CVR/VAT), product
number, e-mails, name (+ country) and, for contact persons, the Billy contact they belong to.
`decide` compares the unlinked Odoo entries with the unlinked Billy entries all at once:

- Conflicting evidence vetoes: two different registration numbers, two different product
  numbers, a person against a company, or contact persons of two different companies never link,
  whatever else they share.
- A match is *sure* when a strong key (registration or product number, or an e-mail that no
  other record on either side uses) agrees and nothing vetoes it. Sure matches link.
- A match is *ambiguous* when several candidates share the best key, when only the name agrees,
  or when the only shared key is an e-mail that several records use. Ambiguous records are
  neither linked nor created: they wait for a person to decide (a review, see billy.match.review).
  A company may accept name-only matches that are one to one (`accept_name_matches`).
- No candidate, or only vetoed ones: the record is created on the other side.

Pure Python: no Odoo here, tested with plain pytest (tests/addon/test_matching_rules.py).
"""

import re
from dataclasses import dataclass, field

# outcomes of `Decision`
SURE = "sure"
REVIEW = "review"  # the record itself waits in a review, with `candidates` of the other side
HELD = "held"  # the record is a candidate in a review of a record of the other side
CREATE = "create"

# why a record was not decided (billy.match.review reason codes)
SEVERAL_CANDIDATES = "several_candidates"
NAME_ONLY = "name_only"
SHARED_EMAIL = "shared_email"
# why a record is created although it had candidates
VETOED = "vetoed"
NO_CANDIDATE = "no_candidate"

# keys from strongest to weakest
REGISTRATION, NUMBER, EMAIL, NAME = "registration", "number", "email", "name"
_STRENGTH = {REGISTRATION: 0, NUMBER: 0, EMAIL: 1, NAME: 2}


def registration_key(value):
    """CVR/VAT without spaces, punctuation or a leading country code: DK 12 34 → 1234."""
    if not value:
        return None
    compact = re.sub(r"[^0-9A-Za-z]", "", value).upper()
    return re.sub(r"^[A-Z]{2}(?=\d)", "", compact) or None


def text_key(value):
    return " ".join(value.split()).casefold() if value else None


@dataclass(frozen=True)
class Entry:
    """One unlinked record as the matcher sees it: only normalized keys."""

    id: object
    kind: str = None  # organization / person / contact_person / product: a mismatch vetoes
    registration: str = None
    number: str = None
    emails: frozenset = field(default_factory=frozenset)
    name: str = None
    parent: object = None  # contact persons: the Billy contact id of their company
    has_parent: bool = False  # contact persons must belong to the same company

    def match_keys(self):
        keys = [(REGISTRATION, self.registration), (NUMBER, self.number)]
        keys += [(EMAIL, email) for email in sorted(self.emails)]
        keys.append((NAME, self.name))
        return [key for key in keys if key[1]]


def contact_entry(record_id, kind, registration_no, emails, name, country_code):
    """A contact (company or person without a company) on either side."""
    return Entry(
        record_id,
        kind=kind,
        registration=registration_key(registration_no),
        emails=frozenset(filter(None, map(text_key, emails))),
        name=f"{text_key(name)}|{country_code or ''}" if name else None,
    )


def person_entry(record_id, parent_billy_id, email, name):
    """A contact person of a company; `parent_billy_id` is None when the company is not in
    Billy (then it matches nobody)."""
    return Entry(
        record_id,
        kind="contact_person",
        emails=frozenset(filter(None, [text_key(email)])),
        name=text_key(name),
        parent=parent_billy_id,
        has_parent=True,
    )


def product_entry(record_id, product_no, name):
    return Entry(record_id, kind="product", number=text_key(product_no), name=text_key(name))


def veto(odoo, billy):
    """Why `odoo` and `billy` can never be the same record, or None."""
    if odoo.kind and billy.kind and odoo.kind != billy.kind:
        return "kind"
    if odoo.registration and billy.registration and odoo.registration != billy.registration:
        return REGISTRATION
    if odoo.number and billy.number and odoo.number != billy.number:
        return NUMBER
    if (odoo.has_parent or billy.has_parent) and (not odoo.parent or odoo.parent != billy.parent):
        return "parent"
    return None


@dataclass(frozen=True)
class Decision:
    outcome: str
    billy_id: object = None  # SURE: the Billy record to link
    candidates: tuple = ()  # REVIEW / HELD: ids on the other side (HELD: the review's subject)
    reason: str = None  # REVIEW / HELD: a review reason; CREATE: VETOED or NO_CANDIDATE
    key: str = None  # SURE: the key that decided (registration, number, email, name)


@dataclass
class MatchPlan:
    odoo: dict = field(default_factory=dict)  # Odoo id → Decision
    billy: dict = field(default_factory=dict)  # Billy id → Decision (REVIEW or HELD only)

    def linked_billy_ids(self):
        return {d.billy_id for d in self.odoo.values() if d.outcome == SURE}

    def waiting_billy_ids(self):
        """Billy records that must neither be linked nor created: they wait for a review."""
        waiting = {bid for bid, d in self.billy.items() if d.outcome in (REVIEW, HELD)}
        for decision in self.odoo.values():
            if decision.outcome == REVIEW:
                waiting.update(decision.candidates)
        return waiting - self.linked_billy_ids()

    def billy_free(self, billy_id):
        """A Billy record nobody took nor waits for: it may be created in Odoo."""
        return billy_id not in self.linked_billy_ids() and billy_id not in self.waiting_billy_ids()


class _Index:
    def __init__(self, entries):
        self.by_key = {}
        for entry in entries:
            for key in entry.match_keys():
                self.by_key.setdefault(key, []).append(entry)

    def sharing(self, key):
        return self.by_key.get(key, [])


def _shared(a, b):
    return [key for key in a.match_keys() if key in set(b.match_keys())]


def _best(odoo, candidates):
    """(strength, candidates sharing a key of that strength) among non-vetoed candidates."""
    levels = {}
    for billy in candidates:
        strength = min(_STRENGTH[kind] for kind, _value in _shared(odoo, billy))
        levels.setdefault(strength, []).append(billy)
    strength = min(levels)
    return strength, levels[strength]


def _unique_email(odoo, billy, odoo_index, billy_index):
    """An e-mail both share that no other record on either side uses."""
    return any(
        len(odoo_index.sharing(key)) == 1 and len(billy_index.sharing(key)) == 1
        for key in _shared(odoo, billy)
        if key[0] == EMAIL
    )


def _proposal(odoo, odoo_index, billy_index, accept_name_matches):
    """What one Odoo entry would do, seen from its own candidates: a Decision."""
    found = {b.id: b for key in odoo.match_keys() for b in billy_index.sharing(key)}
    alive = [b for b in found.values() if not veto(odoo, b)]
    if not alive:
        return Decision(CREATE, reason=VETOED if found else NO_CANDIDATE)
    strength, best = _best(odoo, alive)
    ids = tuple(b.id for b in best)
    if len(best) > 1:
        shared_emails = strength == _STRENGTH[EMAIL] and not any(
            _unique_email(odoo, b, odoo_index, billy_index) for b in best
        )
        return Decision(
            REVIEW, candidates=ids, reason=SHARED_EMAIL if shared_emails else (SEVERAL_CANDIDATES)
        )
    billy = best[0]
    rivals = [
        o
        for key in _shared(odoo, billy)
        if _STRENGTH[key[0]] == strength
        for o in odoo_index.sharing(key)
        if o.id != odoo.id and not veto(o, billy)
    ]
    if strength == _STRENGTH[EMAIL]:
        if _unique_email(odoo, billy, odoo_index, billy_index):
            return Decision(SURE, billy_id=billy.id, key=EMAIL)
        return Decision(REVIEW, candidates=ids, reason=SHARED_EMAIL)
    if rivals:
        return Decision(REVIEW, candidates=ids, reason=SEVERAL_CANDIDATES)
    if strength == _STRENGTH[NAME]:
        if accept_name_matches:
            return Decision(SURE, billy_id=billy.id, key=NAME)
        return Decision(REVIEW, candidates=ids, reason=NAME_ONLY)
    key = next(kind for kind, _value in _shared(odoo, billy) if _STRENGTH[kind] == 0)
    return Decision(SURE, billy_id=billy.id, key=key)


def decide(odoo_entries, billy_entries, accept_name_matches=False):
    """Decide every unlinked Odoo entry against the unlinked Billy entries: a MatchPlan.

    A Billy record that several Odoo records want, and nothing else, becomes the subject of
    one review (its Odoo candidates are HELD); otherwise each undecided Odoo record is the
    subject of its own review, with its Billy candidates.
    """
    odoo_entries, billy_entries = list(odoo_entries), list(billy_entries)
    odoo_index, billy_index = _Index(odoo_entries), _Index(billy_entries)
    proposals = {
        o.id: _proposal(o, odoo_index, billy_index, accept_name_matches) for o in odoo_entries
    }
    plan = MatchPlan()
    _settle_sure(proposals)
    claims = {}  # Billy id → Odoo ids in review with only that candidate
    for odoo_id, decision in proposals.items():
        if decision.outcome == REVIEW and len(decision.candidates) == 1:
            claims.setdefault(decision.candidates[0], []).append(odoo_id)
    for billy_id, odoo_ids in claims.items():
        if len(odoo_ids) > 1:
            reasons = {proposals[odoo_id].reason for odoo_id in odoo_ids}
            reason = reasons.pop() if len(reasons) == 1 else SEVERAL_CANDIDATES
            plan.billy[billy_id] = Decision(REVIEW, candidates=tuple(odoo_ids), reason=reason)
            for odoo_id in odoo_ids:
                proposals[odoo_id] = Decision(HELD, candidates=(billy_id,), reason=reason)
    plan.odoo = proposals
    return plan


def _settle_sure(proposals):
    """A Billy record that two sure matches want goes to the strongest one if it is alone at
    its strength; the others (all of them, on a tie) wait in a review."""
    wanted = {}
    for odoo_id, decision in proposals.items():
        if decision.outcome == SURE:
            wanted.setdefault(decision.billy_id, []).append(odoo_id)
    for billy_id, odoo_ids in wanted.items():
        if len(odoo_ids) < 2:
            continue
        strengths = {oid: _STRENGTH[proposals[oid].key] for oid in odoo_ids}
        strongest = min(strengths.values())
        winners = [oid for oid in odoo_ids if strengths[oid] == strongest]
        for odoo_id in odoo_ids:
            if len(winners) > 1 or odoo_id != winners[0]:
                proposals[odoo_id] = Decision(
                    REVIEW, candidates=(billy_id,), reason=SEVERAL_CANDIDATES
                )


def describe(values):
    """What a review shows of one side, from Billy-shaped values (mapped Odoo values or a
    flattened Billy record): name, registration number, e-mail, address, number and price."""
    emails = [values.get("email")] + [
        person.get("email") for person in values.get("contactPersons") or []
    ]
    place = " ".join(filter(None, (values.get("zipcodeText"), values.get("cityText"))))
    address = ", ".join(filter(None, (values.get("street"), place, values.get("countryId"))))
    price = values.get("unitPrice")
    return {
        "record_name": values.get("name") or False,
        "registration_no": values.get("registrationNo") or False,
        "email": ", ".join(dict.fromkeys(filter(None, emails))) or False,
        "address": address or False,
        "product_no": values.get("productNo") or False,
        "price": price if isinstance(price, (int, float)) else False,
    }
