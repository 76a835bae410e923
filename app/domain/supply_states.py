"""A household's supply post (需求发布): the only place that says which status may follow which.

Open until staff list it in the shop (with a lot), a supporting unit takes it up as a contract
line, or the administrator withdraws it. Each of those ends it: the produce is then sold through
the product or the contract, which carry the household as their own producer."""

from app.domain.transitions import ForbiddenTransition, check  # noqa: F401

OPEN = "open"
LISTED = "listed"
TAKEN = "taken"
WITHDRAWN = "withdrawn"

TRANSITIONS: dict[str, frozenset[str]] = {
    OPEN: frozenset({LISTED, TAKEN, WITHDRAWN}),
    LISTED: frozenset(),
    TAKEN: frozenset(),
    WITHDRAWN: frozenset(),
}

ALL = tuple(TRANSITIONS)


def check_transition(current: str, wanted: str) -> None:
    check(TRANSITIONS, current, wanted, "supply post")
