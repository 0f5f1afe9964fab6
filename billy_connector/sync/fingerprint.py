"""Comparable values and their fingerprints.

Both sides are reduced to the same shape, a dict of Billy wire names to normalized values,
so that "did it change" is a fingerprint comparison and "do they differ" a dict comparison.
"""

import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value):
    """An amount to the cent, rounded half up (as Billy and Odoo round)."""
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def normalize(value):
    if value is None or value is False or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float | int | Decimal):
        return float(money(value))
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list | tuple):
        return [normalize(item) for item in value]
    if isinstance(value, dict):
        return {key: normalize(item) for key, item in value.items()}
    return value


def normalize_values(values):
    return {key: normalize(value) for key, value in values.items()}


def fingerprint(values):
    """A short stable digest of normalized values; None for no values."""
    if values is None:
        return None
    payload = json.dumps(normalize_values(values), sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(payload.encode(), usedforsecurity=False).hexdigest()


def differing_fields(left, right):
    """Billy field names whose normalized values differ between two value dicts."""
    left, right = normalize_values(left), normalize_values(right or {})
    return [key for key in left if left.get(key) != right.get(key)]


def changed_since(stored_fingerprint, values):
    """Do mapped values differ from those whose fingerprint a sync stored? `values` None (they
    can't be told) or no stored fingerprint count as a change: the next run looks."""
    if values is None or not stored_fingerprint:
        return True
    return fingerprint(values) != stored_fingerprint
