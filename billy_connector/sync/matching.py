"""First link: find the same record on the other side before creating anything.

Each record gives an ordered list of keys (CVR/VAT, then e-mail, then name + country; for
products: product number, then name). A record matches the first candidate sharing its
strongest key. Keys are compared on both sides in the same normalized form.
"""

import re


def registration_key(value):
    """CVR/VAT without spaces, punctuation or a leading country code: DK 12 34 → 1234."""
    if not value:
        return None
    compact = re.sub(r"[^0-9A-Za-z]", "", value).upper()
    return re.sub(r"^[A-Z]{2}(?=\d)", "", compact) or None


def text_key(value):
    return " ".join(value.split()).casefold() if value else None


def contact_keys(registration_no, emails, name, country_code):
    keys = []
    if registration_key(registration_no):
        keys.append(("registration", registration_key(registration_no)))
    keys.extend(("email", text_key(email)) for email in emails if email)
    if name:
        keys.append(("name", f"{text_key(name)}|{country_code or ''}"))
    return keys


def person_keys(parent_billy_id, email, name):
    keys = []
    if email:
        keys.append(("email", f"{parent_billy_id}|{text_key(email)}"))
    if name:
        keys.append(("name", f"{parent_billy_id}|{text_key(name)}"))
    return keys


def product_keys(product_no, name):
    keys = []
    if product_no:
        keys.append(("number", text_key(product_no)))
    if name:
        keys.append(("name", text_key(name)))
    return keys


class Matcher:
    """An index of unlinked candidates by key; each candidate is handed out once."""

    def __init__(self):
        self._by_key = {}
        self._taken = set()

    def add(self, candidate_id, keys):
        for key in keys:
            self._by_key.setdefault(key, []).append(candidate_id)

    def take(self, keys):
        """The first untaken candidate sharing the strongest key, or None."""
        for key in keys:
            for candidate_id in self._by_key.get(key, ()):
                if candidate_id not in self._taken:
                    self._taken.add(candidate_id)
                    return candidate_id
        return None

    def is_taken(self, candidate_id):
        return candidate_id in self._taken
