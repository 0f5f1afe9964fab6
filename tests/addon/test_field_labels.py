"""Chatter notes name Odoo's fields (billy_connector/sync/mapping.py: field_labels)."""

from types import SimpleNamespace

from billy_connector.sync.mapping import STANDARD_MAPPING, field_labels


class Field:
    def __init__(self, label):
        self.label = label

    def _description_string(self, env):
        return self.label


def partner():
    labels = {
        "name": "Name",
        "street": "Street",
        "zip": "Zip",
        "phone": "Phone",
        "lang": "Language",
    }
    return SimpleNamespace(env=None, _fields={name: Field(label) for name, label in labels.items()})


def test_billy_fields_read_as_the_odoo_labels_of_their_lines():
    lines = STANDARD_MAPPING["organization"]()
    assert field_labels(lines, ["phone", "zipcodeText", "localeId"], partner()) == (
        "Phone, Zip, Language"
    )


def test_a_field_no_line_maps_keeps_its_billy_name_and_labels_are_not_repeated():
    lines = STANDARD_MAPPING["organization"]()
    assert field_labels(lines, ["street", "street", "fax"], partner()) == "Street, fax"
