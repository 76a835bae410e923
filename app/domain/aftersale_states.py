"""An after-sales request's state machine (售后): the only place that says which status may follow which.

The buyer asks; county staff approve it, in full or in part (the money goes back through the
payment it came by, and the ledger takes the refunded share back), or decline it with a reason."""

from app.domain.transitions import ForbiddenTransition, check  # noqa: F401

REQUESTED = "requested"
APPROVED = "approved"
DECLINED = "declined"

TRANSITIONS: dict[str, frozenset[str]] = {
    REQUESTED: frozenset({APPROVED, DECLINED}),
    APPROVED: frozenset(),
    DECLINED: frozenset(),
}

ALL = tuple(TRANSITIONS)
KINDS = ("refund", "return")  # 仅退款 (damaged fruit, nothing to send back), 退货退款
REASONS = ("damaged", "spoiled", "short", "wrong_item", "other")


def check_transition(current: str, wanted: str) -> None:
    check(TRANSITIONS, current, wanted, "after-sales request")
