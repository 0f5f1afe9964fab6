"""Comparable values and fingerprints (billy_connector/sync/fingerprint.py)."""

from decimal import Decimal

from billy_connector.sync.fingerprint import (
    changed_since,
    differing_fields,
    fingerprint,
    money,
    normalize,
    normalize_values,
)


def test_empty_values_are_one_none():
    assert [normalize(value) for value in (None, False, "", "   ")] == [None] * 4


def test_numbers_compare_to_the_cent_and_booleans_stay_booleans():
    assert normalize(1) == normalize(1.0) == normalize(Decimal("1.004")) == 1.0
    assert normalize(2.675) == 2.68  # half up on the decimal value, not on the float
    assert normalize(True) is True


def test_text_is_stripped_and_nested_values_normalized():
    assert normalize("  Fjord ApS ") == "Fjord ApS"
    assert normalize({"a": ["", " x ", 1]}) == {"a": [None, "x", 1.0]}
    assert normalize_values({"name": " A ", "phone": False}) == {"name": "A", "phone": None}


def test_money_rounds_half_up_to_the_cent():
    assert money("0.125") == Decimal("0.13")
    assert money(None) == Decimal("0.00")


def test_fingerprint_is_stable_and_ignores_what_normalizes_away():
    assert fingerprint({"a": 1, "b": " x"}) == fingerprint({"b": "x", "a": 1.0})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})
    assert fingerprint(None) is None
    assert len(fingerprint({})) == 40


def test_differing_fields_lists_the_left_keys_that_differ():
    left = {"name": "Fjord", "phone": "1", "city": ""}
    assert differing_fields(left, {"name": "Fjord ", "phone": "2"}) == ["phone"]
    assert differing_fields(left, None) == ["name", "phone"]


def test_changed_since_compares_with_the_synced_fingerprint():
    synced = fingerprint({"unitPrice": 300.0, "name": "Vinduespudsning"})
    # the same price saved again, as a float or a Decimal: no change
    assert not changed_since(synced, {"name": "Vinduespudsning", "unitPrice": Decimal("300.00")})
    assert changed_since(synced, {"name": "Vinduespudsning", "unitPrice": 310.0})
    # values that can't be mapped now, or never synced: the next run looks
    assert changed_since(synced, None)
    assert changed_since(None, {"unitPrice": 300.0})
