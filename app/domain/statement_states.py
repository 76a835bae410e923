"""The settlement statement's state machine: the only place that says which status may follow which.

A draft is the figures as built; staff confirm it (the producer is told what it owes its
households, and payouts may be recorded against it), then mark it paid when the county's
transfer to the producer has gone out with its bank reference. A draft is only figures: it may
be deleted and built again (the audit log keeps that it was); nothing after it is undone."""

from app.domain.transitions import ForbiddenTransition, check  # noqa: F401

DRAFT = "draft"
CONFIRMED = "confirmed"
PAID = "paid"

TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({CONFIRMED}),
    CONFIRMED: frozenset({PAID}),
    PAID: frozenset(),
}

ALL = tuple(TRANSITIONS)
# Statements whose household lines are owed: payouts may be recorded against them.
PAYABLE = frozenset({CONFIRMED, PAID})


def check_transition(current: str, wanted: str) -> None:
    check(TRANSITIONS, current, wanted, "statement")
