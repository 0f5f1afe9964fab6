"""The decision table of one linked pair (billy_connector/sync/decide.py)."""

import pytest

from billy_connector.sync.decide import decide, winner

BOTH, TO_BILLY, TO_ODOO = "both", "odoo_to_billy", "billy_to_odoo"
FIELDS = ["name", "phone"]


@pytest.mark.parametrize(
    ("direction", "priority", "first", "odoo_changed", "billy_changed", "expected"),
    [
        # one way: only that side's change counts, whatever the priority
        (TO_BILLY, "billy", False, True, False, "odoo"),
        (TO_BILLY, "billy", False, False, True, None),
        (TO_BILLY, "billy", False, True, True, "odoo"),
        (TO_ODOO, "odoo", False, False, True, "billy"),
        (TO_ODOO, "odoo", False, True, False, None),
        # both ways: the changed side wins; both changed or a first link: the priority
        (BOTH, "odoo", False, True, False, "odoo"),
        (BOTH, "odoo", False, False, True, "billy"),
        (BOTH, "odoo", False, True, True, "odoo"),
        (BOTH, "billy", False, True, True, "billy"),
        (BOTH, "billy", True, True, True, "billy"),
        (BOTH, "odoo", True, True, True, "odoo"),
    ],
)
def test_winner(direction, priority, first, odoo_changed, billy_changed, expected):
    assert winner(direction, priority, odoo_changed, billy_changed, first) == expected


@pytest.mark.parametrize(
    ("direction", "priority", "first", "odoo_changed", "billy_changed", "push", "pull"),
    [
        (BOTH, "odoo", False, True, False, ("name",), ()),
        (BOTH, "odoo", False, False, True, (), ("name",)),
        (BOTH, "odoo", False, True, True, ("name",), ()),
        (BOTH, "billy", False, True, True, (), ("name",)),
        (BOTH, "billy", True, False, False, (), ("name",)),  # a first link: both "changed"
        (TO_BILLY, "billy", False, False, True, (), ()),  # Billy's change is not pulled
        (TO_ODOO, "odoo", False, True, False, (), ()),  # Odoo's change is not pushed
        (BOTH, "odoo", False, False, False, (), ()),  # nobody changed: the diff stays
    ],
)
def test_moves_of_a_two_way_field(
    direction, priority, first, odoo_changed, billy_changed, push, pull
):
    moves = decide(
        direction, priority, first, odoo_changed, billy_changed, ["name"], FIELDS, FIELDS
    )
    assert (moves.push, moves.pull) == (push, pull)
    assert moves.moves == bool(push or pull)


def test_conflict_only_when_both_changed_and_not_a_first_link():
    both = decide(BOTH, "billy", False, True, True, ["name"], FIELDS, FIELDS)
    assert both.conflict and both.winner == "billy"
    assert not decide(BOTH, "billy", True, False, False, ["name"], FIELDS, FIELDS).conflict
    assert not decide(BOTH, "billy", False, True, False, ["name"], FIELDS, FIELDS).conflict
    # a one-way direction ignores the other side's change: no winner there, no conflict
    assert not decide(TO_ODOO, "odoo", False, True, False, ["name"], FIELDS, FIELDS).conflict


def test_one_way_lines_move_their_field_whatever_the_winner():
    # "phone" only pushes, "email" only pulls (custom mapping lines); Billy wins the rest
    pushes, pulls = ["name", "phone"], ["name", "email"]
    moves = decide(BOTH, "billy", False, True, True, ["name", "phone", "email"], pushes, pulls)
    assert moves.winner == "billy"
    assert moves.push == ("phone",)
    assert moves.pull == ("name", "email")
    # within the direction only: Odoo → Billy never pulls, not even a pull-only line
    moves = decide(TO_BILLY, "billy", False, True, True, ["phone", "email"], pushes, pulls)
    assert (moves.push, moves.pull) == (("phone",), ())


def test_settles_when_nothing_differs_or_a_side_wins():
    # no difference: in step, whatever changed
    assert decide(BOTH, "odoo", False, True, True, [], FIELDS, FIELDS).settles
    # a difference nobody may move (Billy changed, direction Odoo → Billy): not settled
    moves = decide(TO_BILLY, "odoo", False, False, True, ["name"], FIELDS, FIELDS)
    assert not moves.moves and not moves.settles
    # a difference in a field no line moves (say, a read-only mapping): settled by the winner
    moves = decide(BOTH, "odoo", False, True, False, ["name"], [], [])
    assert moves.winner == "odoo" and not moves.moves and moves.settles
