"""First-link rules as a table: each case gives both sides and what must become of them."""

import pytest

from billy_connector.sync.matching import (
    CREATE,
    HELD,
    NAME_ONLY,
    NO_CANDIDATE,
    REVIEW,
    SEVERAL_CANDIDATES,
    SHARED_EMAIL,
    SURE,
    VETOED,
    contact_entry,
    decide,
    describe,
    person_entry,
    product_entry,
    registration_key,
)


def org(rid, name="Fjord Design ApS", cvr=None, emails=(), country="DK"):
    return contact_entry(rid, "organization", cvr, emails, name, country)


def person(rid, name="Ida Holm", emails=(), country="DK"):
    return contact_entry(rid, "person", None, emails, name, country)


def sure(billy_id):
    return (SURE, billy_id, None)


def review(*candidates, reason):
    return (REVIEW, set(candidates), reason)


def held(subject, reason):
    return (HELD, {subject}, reason)


def create(reason):
    return (CREATE, None, reason)


# (case, Odoo entries, Billy entries, accept name matches, {Odoo id: expected})
CASES = [
    (
        "cvr agrees despite another name",
        [org("o1", "Fjord", cvr="DK 12 34 56 78")],
        [org("b1", "Fjord Design", cvr="12345678")],
        False,
        {"o1": sure("b1")},
    ),
    (
        "same name, different cvr on both sides: each finds its own",
        [org("o1", cvr="11111111"), org("o2", cvr="22222222")],
        [org("b1", cvr="22222222"), org("b2", cvr="11111111")],
        False,
        {"o1": sure("b2"), "o2": sure("b1")},
    ),
    (
        "different cvr vetoes a shared name and e-mail",
        [org("o1", cvr="11111111", emails=["ida@fjord.dk"])],
        [org("b1", cvr="22222222", emails=["ida@fjord.dk"])],
        True,
        {"o1": create(VETOED)},
    ),
    (
        "cvr on one side only: the name alone is not enough",
        [org("o1", cvr="11111111")],
        [org("b1")],
        False,
        {"o1": review("b1", reason=NAME_ONLY)},
    ),
    (
        "cvr on one side only, name matches accepted by the company",
        [org("o1", cvr="11111111")],
        [org("b1")],
        True,
        {"o1": sure("b1")},
    ),
    (
        "name in another country is no candidate",
        [org("o1", "Nordlys ApS")],
        [org("b1", "Nordlys ApS", country="DE")],
        False,
        {"o1": create(NO_CANDIDATE)},
    ),
    (
        "unique e-mail is sure",
        [org("o1", "Holm Consulting", emails=["IDA@holm.dk "])],
        [org("b1", "Holm Consult", emails=["ida@holm.dk"])],
        False,
        {"o1": sure("b1")},
    ),
    (
        "info@ on three Billy contacts: review with the three",
        [org("o1", "Ninja", emails=["info@ninja.dk"])],
        [
            org("b1", "Ninja A", emails=["info@ninja.dk"]),
            org("b2", "Ninja B", emails=["info@ninja.dk"]),
            org("b3", "Ninja C", emails=["info@ninja.dk"]),
        ],
        False,
        {"o1": review("b1", "b2", "b3", reason=SHARED_EMAIL)},
    ),
    (
        "e-mail shared with another Odoo record is not sure",
        [
            org("o1", "Ninja", emails=["info@ninja.dk"]),
            org("o2", "Other", emails=["info@ninja.dk"]),
        ],
        [org("b1", "Ninja A", emails=["info@ninja.dk"])],
        False,
        {"o1": held("b1", SHARED_EMAIL), "o2": held("b1", SHARED_EMAIL)},
    ),
    (
        "shared e-mail and the name still needs a person",
        [org("o1", "Ninja A", emails=["info@ninja.dk"])],
        [
            org("b1", "Ninja A", emails=["info@ninja.dk"]),
            org("b2", "Ninja B", emails=["info@ninja.dk"]),
        ],
        True,
        {"o1": review("b1", "b2", reason=SHARED_EMAIL)},
    ),
    (
        "cvr beats a shared e-mail",
        [org("o1", "Ninja", cvr="33333333", emails=["info@ninja.dk"])],
        [
            org("b1", "Ninja A", cvr="33333333", emails=["info@ninja.dk"]),
            org("b2", "Ninja B", emails=["info@ninja.dk"]),
        ],
        False,
        {"o1": sure("b1")},
    ),
    (
        "a person never links to the company whose contact person has the e-mail",
        [person("o1", "Ida Holm", emails=["ida@holm.dk"])],
        [org("b1", "Holm Consult", emails=["ida@holm.dk"])],
        True,
        {"o1": create(VETOED)},
    ),
    (
        "two Odoo companies of the same name want one Billy contact: one review on Billy's",
        [org("o1", "Nordlys ApS"), org("o2", "Nordlys ApS")],
        [org("b1", "Nordlys ApS")],
        True,
        {"o1": held("b1", SEVERAL_CANDIDATES), "o2": held("b1", SEVERAL_CANDIDATES)},
    ),
    (
        "two Billy contacts of the same name: review even when names are accepted",
        [org("o1", "Nordlys ApS")],
        [org("b1", "Nordlys ApS"), org("b2", "nordlys  aps")],
        True,
        {"o1": review("b1", "b2", reason=SEVERAL_CANDIDATES)},
    ),
    (
        "two Odoo records with one cvr: a person decides",
        [org("o1", cvr="44444444"), org("o2", "Fjord (old)", cvr="44444444")],
        [org("b1", cvr="44444444")],
        False,
        {"o1": held("b1", SEVERAL_CANDIDATES), "o2": held("b1", SEVERAL_CANDIDATES)},
    ),
    (
        "cvr and a unique e-mail pointing at one record: the cvr wins, the other waits",
        [org("o1", "Fjord", cvr="55555555"), org("o2", "Fjord Sales", emails=["sales@fjord.dk"])],
        [org("b1", "Fjord", cvr="55555555", emails=["sales@fjord.dk"])],
        False,
        {"o1": sure("b1"), "o2": review("b1", reason=SEVERAL_CANDIDATES)},
    ),
    (
        "products: same name, different numbers",
        [product_entry("o1", "VP-1", "Cleaning"), product_entry("o2", "VP-2", "Cleaning")],
        [product_entry("b1", "vp-2", "Cleaning"), product_entry("b2", "VP-1", "Cleaning")],
        False,
        {"o1": sure("b2"), "o2": sure("b1")},
    ),
    (
        "products: a different number vetoes the name",
        [product_entry("o1", "VP-1", "Cleaning")],
        [product_entry("b1", "VP-9", "Cleaning")],
        True,
        {"o1": create(VETOED)},
    ),
    (
        "product without a number, two Billy products of its name",
        [product_entry("o1", None, "Cleaning")],
        [product_entry("b1", "VP-1", "Cleaning"), product_entry("b2", "VP-2", "Cleaning")],
        True,
        {"o1": review("b1", "b2", reason=SEVERAL_CANDIDATES)},
    ),
    (
        "product found by name only",
        [product_entry("o1", None, "Rådgivning")],
        [product_entry("b1", None, "Rådgivning")],
        False,
        {"o1": review("b1", reason=NAME_ONLY)},
    ),
    (
        "contact persons: same company, same e-mail",
        [person_entry("o1", "B-FJORD", "ida@fjord.dk", "Ida")],
        [person_entry("b1", "B-FJORD", "ida@fjord.dk", "Ida Holm")],
        False,
        {"o1": sure("b1")},
    ),
    (
        "contact persons of another company never link",
        [person_entry("o1", "B-FJORD", "ida@fjord.dk", "Ida")],
        [person_entry("b1", "B-HOLM", "ida@fjord.dk", "Ida")],
        True,
        {"o1": create(VETOED)},
    ),
    (
        "contact person whose company is not in Billy matches nobody",
        [person_entry("o1", None, "ida@fjord.dk", "Ida")],
        [person_entry("b1", "B-FJORD", "ida@fjord.dk", "Ida")],
        True,
        {"o1": create(VETOED)},
    ),
    (
        "nothing on the other side",
        [org("o1")],
        [],
        False,
        {"o1": create(NO_CANDIDATE)},
    ),
]


def _outcome(decision):
    if decision.outcome == SURE:
        return (SURE, decision.billy_id, None)
    if decision.outcome == CREATE:
        return (CREATE, None, decision.reason)
    return (decision.outcome, set(decision.candidates), decision.reason)


@pytest.mark.parametrize(
    ("odoo", "billy", "accept_names", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_first_link_rules(odoo, billy, accept_names, expected):
    plan = decide(odoo, billy, accept_name_matches=accept_names)
    assert {oid: _outcome(d) for oid, d in plan.odoo.items()} == expected


def test_review_on_a_billy_record_holds_its_odoo_candidates():
    plan = decide([org("o1", "Nordlys ApS"), org("o2", "Nordlys ApS")], [org("b1", "Nordlys ApS")])
    assert plan.billy["b1"].outcome == REVIEW
    assert set(plan.billy["b1"].candidates) == {"o1", "o2"}
    assert plan.billy["b1"].reason == SEVERAL_CANDIDATES
    assert not plan.billy_free("b1")


def test_billy_candidates_of_a_review_are_neither_linked_nor_created():
    plan = decide(
        [org("o1", "Ninja", emails=["info@ninja.dk"])],
        [org(f"b{i}", f"Ninja {i}", emails=["info@ninja.dk"]) for i in range(3)]
        + [org("b9", "Unrelated")],
    )
    assert plan.waiting_billy_ids() == {"b0", "b1", "b2"}
    assert plan.linked_billy_ids() == set()
    assert plan.billy_free("b9")


def test_a_linked_billy_record_is_not_waiting_even_if_another_review_lists_it():
    plan = decide(
        [org("o1", "Fjord", cvr="55555555"), org("o2", "Fjord Sales", emails=["sales@fjord.dk"])],
        [org("b1", "Fjord", cvr="55555555", emails=["sales@fjord.dk"])],
    )
    assert plan.linked_billy_ids() == {"b1"}
    assert plan.waiting_billy_ids() == set()
    assert not plan.billy_free("b1")


def test_the_decision_does_not_depend_on_the_order_of_records():
    odoo = [org("o1", "Nordlys ApS"), org("o2", "Nordlys ApS", cvr="66666666")]
    billy = [org("b1", "Nordlys ApS", cvr="66666666"), org("b2", "Nordlys ApS")]
    forward = decide(odoo, billy).odoo
    backward = decide(odoo[::-1], billy[::-1]).odoo
    assert {k: _outcome(v) for k, v in forward.items()} == {
        k: _outcome(v) for k, v in backward.items()
    }
    assert forward["o2"].billy_id == "b1"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("DK 12 34 56 78", "12345678"),
        ("dk12-34", "1234"),
        ("SE556677889901", "556677889901"),
        ("", None),
        (None, None),
        ("--", None),
    ],
)
def test_registration_key(raw, key):
    assert registration_key(raw) == key


def test_describe_shows_both_sides_alike():
    contact = {
        "name": "Holm Consult",
        "registrationNo": "DK12345678",
        "street": "Vej 1",
        "zipcodeText": "8000",
        "cityText": "Aarhus",
        "countryId": "DK",
        "contactPersons": [{"email": "ida@holm.dk"}, {"email": "bo@holm.dk"}, {"email": None}],
    }
    assert describe(contact) == {
        "record_name": "Holm Consult",
        "registration_no": "DK12345678",
        "email": "ida@holm.dk, bo@holm.dk",
        "address": "Vej 1, 8000 Aarhus, DK",
        "product_no": False,
        "price": False,
    }
    product = describe({"name": "Cleaning", "productNo": "VP-1", "unitPrice": 250.0})
    assert (product["product_no"], product["price"], product["email"]) == ("VP-1", 250.0, False)
