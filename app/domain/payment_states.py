"""The payment state machine of an order: the only place that says which payment status may
follow which. It is kept apart from the order's fulfilment status (order_states): a
pay-on-delivery order ships unpaid, and a refund moves the payment before it ends the order.

Money arrives once (unpaid → paid); refunds only take it back, in parts or whole. A partial
refund may follow another partial refund.
"""

from app.domain.transitions import check

UNPAID = "unpaid"
PAID = "paid"
PARTIALLY_REFUNDED = "partially_refunded"
REFUNDED = "refunded"

TRANSITIONS: dict[str, frozenset[str]] = {
    UNPAID: frozenset({PAID}),
    PAID: frozenset({PARTIALLY_REFUNDED, REFUNDED}),
    PARTIALLY_REFUNDED: frozenset({PARTIALLY_REFUNDED, REFUNDED}),
    REFUNDED: frozenset(),
}
ALL = tuple(TRANSITIONS)
# Money came in at some point: the ledger has its sale rows.
RECEIVED = (PAID, PARTIALLY_REFUNDED, REFUNDED)
REFUNDABLE = (PAID, PARTIALLY_REFUNDED)


def check_transition(current: str, wanted: str) -> None:
    """Raise ForbiddenTransition unless ``wanted`` may follow ``current``."""
    check(TRANSITIONS, current, wanted, "payment")


# One attempt to take the money (a Stripe PaymentIntent, or cash recorded by staff), a
# ``payments`` row. A late success after a cancel or a decline still counts as money received:
# the order then flags it for a refund.
ATTEMPT_PENDING = "pending"
ATTEMPT_SUCCEEDED = "succeeded"
ATTEMPT_FAILED = "failed"
ATTEMPT_CANCELED = "canceled"

ATTEMPT_TRANSITIONS: dict[str, frozenset[str]] = {
    ATTEMPT_PENDING: frozenset({ATTEMPT_SUCCEEDED, ATTEMPT_FAILED, ATTEMPT_CANCELED}),
    ATTEMPT_FAILED: frozenset({ATTEMPT_SUCCEEDED}),
    ATTEMPT_CANCELED: frozenset({ATTEMPT_SUCCEEDED}),
    ATTEMPT_SUCCEEDED: frozenset(),
}
ATTEMPT_ALL = tuple(ATTEMPT_TRANSITIONS)


def check_attempt_transition(current: str, wanted: str) -> None:
    check(ATTEMPT_TRANSITIONS, current, wanted, "payment attempt")
