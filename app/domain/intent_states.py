"""The purchase-intent contract (购销意向合同) state machine: the only place that says which
status may follow which.

A unit drafts and submits; county staff confirm or decline; the first delivery puts a
confirmed contract in fulfilment and the last one fulfils it. A contract not yet in
fulfilment may be cancelled by the unit or by staff; one whose delivery window passed
before fulfilment began expires.
"""

from app.domain.transitions import check

DRAFT = "draft"
SUBMITTED = "submitted"
CONFIRMED = "confirmed"
IN_FULFILMENT = "in_fulfilment"
FULFILLED = "fulfilled"
DECLINED = "declined"
CANCELLED = "cancelled"
EXPIRED = "expired"

TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({SUBMITTED, CANCELLED}),
    SUBMITTED: frozenset({CONFIRMED, DECLINED, CANCELLED, DRAFT}),
    CONFIRMED: frozenset({IN_FULFILMENT, CANCELLED, EXPIRED}),
    IN_FULFILMENT: frozenset({FULFILLED}),
    FULFILLED: frozenset(),
    DECLINED: frozenset(),
    CANCELLED: frozenset(),
    EXPIRED: frozenset(),
}
ALL = tuple(TRANSITIONS)
# While a contract is one of these, its lines and deliveries may still be edited by the unit.
EDITABLE = frozenset({DRAFT})
# Deliveries may be created against these.
DELIVERABLE = frozenset({CONFIRMED, IN_FULFILMENT})


def check_transition(current: str, wanted: str) -> None:
    """Raise ForbiddenTransition unless ``wanted`` may follow ``current``."""
    check(TRANSITIONS, current, wanted, "purchase intent")
