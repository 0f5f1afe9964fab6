"""billy_connector/sync/sanitize.py: values from Billy that PostgreSQL would refuse."""

import json

import pytest

from billy_connector.sync import sanitize


def storable(text):
    """What PostgreSQL (UTF-8, no NUL) accepts; raises like psycopg2 would refuse."""
    if "\x00" in text:
        raise ValueError("A string literal cannot contain NUL (0x00) characters.")
    text.encode("utf-8")  # UnicodeEncodeError on a lone surrogate
    return text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Nul\x00 Firma ApS", "Nul Firma ApS"),
        ("\x00\x00", ""),
        (json.loads('"Bad \\ud800 half"'), "Bad \ufffd half"),
        (json.loads('"\\udfff\\u0000x"'), "\ufffdx"),
    ],
)
def test_what_postgresql_refuses_is_cleaned(raw, clean):
    with pytest.raises((ValueError, UnicodeEncodeError)):
        storable(raw)
    assert storable(sanitize.clean_text(raw)) == clean


@pytest.mark.parametrize(
    "text", ["Ærø Købmand", "😀", json.loads('"\\ud83d\\ude00"'), "tab\tand\nnewline"]
)
def test_storable_text_is_kept(text):
    assert sanitize.clean_text(text) == storable(text)


def test_clean_values_walks_odoo_write_values():
    vals = {
        "name": "A\x00B",
        "active": True,
        "list_price": 2.5,
        "country_id": False,
        "invoice_line_ids": [(0, 0, {"name": "Line\x00", "quantity": 1})],
        "taxes_id": [(6, 0, [1, 2])],
    }
    cleaned = sanitize.clean_values(vals)
    assert cleaned == {
        "name": "AB",
        "active": True,
        "list_price": 2.5,
        "country_id": False,
        "invoice_line_ids": [(0, 0, {"name": "Line", "quantity": 1})],
        "taxes_id": [(6, 0, [1, 2])],
    }
    assert isinstance(cleaned["invoice_line_ids"][0], tuple)
    assert vals["name"] == "A\x00B"  # a copy: the caller's values are left alone
