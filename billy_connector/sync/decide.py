"""What moves for one linked pair: a pure decision, tested as a table (tests/addon).

Input: the company's sync direction and priority, whether the pair is being linked now
(`first`), which sides changed since the last sync, the Billy fields whose values differ, and
the Billy fields the mapping pushes and pulls. Output: the winner and the fields each way.
"""

from dataclasses import dataclass

from .vocabulary import BILLY_TO_ODOO, ODOO_TO_BILLY

ODOO, BILLY = "odoo", "billy"


@dataclass(frozen=True)
class Moves:
    winner: str | None  # "odoo", "billy" or None: nothing to settle
    push: tuple  # Billy fields to send to Billy
    pull: tuple  # Billy fields to write in Odoo
    conflict: bool  # changed on both sides since the last sync: the winner's data wins
    settles: bool  # nothing moves and the pair may be recorded as in step

    @property
    def moves(self):
        return bool(self.push or self.pull)


def winner(direction, priority, odoo_changed, billy_changed, first):
    """The side whose values win: the direction decides first, then the changed side, then
    the priority (a first link, or a change on both sides)."""
    if direction == ODOO_TO_BILLY:
        return ODOO if odoo_changed else None
    if direction == BILLY_TO_ODOO:
        return BILLY if billy_changed else None
    if first or (odoo_changed and billy_changed):
        return priority
    return ODOO if odoo_changed else BILLY


def decide(direction, priority, first, odoo_changed, billy_changed, differing, pushes, pulls):
    """The Moves of one pair.

    The winner moves its fields. A one-way line of a custom mapping makes its source side
    the owner of the field: its value moves whenever it differs (within the sync direction).
    """
    odoo_changed, billy_changed = first or odoo_changed, first or billy_changed
    changed = bool((odoo_changed or billy_changed) and differing)
    side = winner(direction, priority, odoo_changed, billy_changed, first) if changed else None
    pushed = [name for name in pushes if name in differing]
    pulled = [name for name in pulls if name in differing]
    push = tuple(
        name
        for name in pushed
        if side == ODOO or (name not in pulled and direction != BILLY_TO_ODOO)
    )
    pull = tuple(
        name
        for name in pulled
        if side == BILLY or (name not in pushed and direction != ODOO_TO_BILLY)
    )
    return Moves(
        winner=side,
        push=push,
        pull=pull,
        conflict=bool(side and odoo_changed and billy_changed and not first),
        settles=side is not None or not changed,
    )
