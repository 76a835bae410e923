"""The order state machine: the only place that says which status may follow which.

Order status (fulfilment) and payment status (payment_states) are separate: a pay-on-delivery
order is shipped while unpaid, and a refund changes payment status before it ends the order.
"""

# Callers catch states.ForbiddenTransition; it is shared with the other state machines.
from app.domain.transitions import ForbiddenTransition, check  # noqa: F401

PENDING_PAYMENT = "pending_payment"  # paying online; stock reserved until it expires
CONFIRMED = "confirmed"  # pay on delivery: accepted for shipping, paid at the door
PAID = "paid"
SHIPPED = "shipped"
DELIVERED = "delivered"
COMPLETED = "completed"
CANCELLED = "cancelled"
REFUNDED = "refunded"

TRANSITIONS: dict[str, frozenset[str]] = {
    PENDING_PAYMENT: frozenset({PAID, CANCELLED}),
    CONFIRMED: frozenset({SHIPPED, CANCELLED}),
    PAID: frozenset({SHIPPED, REFUNDED}),
    SHIPPED: frozenset({DELIVERED}),
    DELIVERED: frozenset({COMPLETED, REFUNDED}),
    COMPLETED: frozenset({REFUNDED}),
    CANCELLED: frozenset(),
    REFUNDED: frozenset(),
}

ALL = tuple(TRANSITIONS)
# Orders whose stock is still held and whose buyer may still cancel without a refund.
CANCELLABLE_UNPAID = frozenset({PENDING_PAYMENT, CONFIRMED})


def check_transition(current: str, wanted: str) -> None:
    """Raise ForbiddenTransition unless ``wanted`` may follow ``current``."""
    check(TRANSITIONS, current, wanted, "order")
