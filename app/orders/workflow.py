"""The guarded status setters: every order transition and every payment transition goes
through here and leaves a history row."""

from app.domain import payment_states
from app.domain.order_states import check_transition
from app.extensions import db
from app.models_base import utcnow
from app.orders.models import Order, OrderStatusChange, PaymentStatusChange


def set_status(order: Order, wanted: str, actor: str, reason: str = "", actor_user_id: int | None = None) -> None:
    """Move ``order`` to ``wanted`` and record who did it; raises ForbiddenTransition and
    changes nothing when the state table forbids it. Does not commit."""
    check_transition(order.status, wanted)
    db.session.add(
        OrderStatusChange(
            order_id=order.id,
            from_status=order.status,
            to_status=wanted,
            actor=actor,
            actor_user_id=actor_user_id,
            reason=reason[:255],
        )
    )
    order.status = wanted
    now = utcnow()
    stamp = {"paid": "paid_at", "shipped": "shipped_at", "delivered": "delivered_at"}.get(wanted)
    if stamp:
        setattr(order, stamp, now)


def record_creation(order: Order, actor: str, actor_user_id: int | None, reason: str) -> None:
    db.session.add(creation(order, actor, actor_user_id, reason))


def creation(order: Order, actor: str, actor_user_id: int | None, reason: str) -> OrderStatusChange:
    """The history row of a new order, not yet added: for a use case that inserts it together
    with the order (record_creation adds it to the session)."""
    return OrderStatusChange(
        order_id=order.id,
        from_status=None,
        to_status=order.status,
        actor=actor,
        actor_user_id=actor_user_id,
        reason=reason,
    )


def set_payment_status(
    order: Order,
    wanted: str,
    amount_fen: int,
    method: str,
    actor: str,
    reason: str = "",
    actor_user_id: int | None = None,
) -> None:
    """Move ``order``'s payment to ``wanted`` as ``amount_fen`` came in (or, negative, went back)
    and record it; raises ForbiddenTransition and changes nothing when payment_states forbids
    it. Does not commit."""
    payment_states.check_transition(order.payment_status, wanted)
    db.session.add(
        PaymentStatusChange(
            order_id=order.id,
            from_status=order.payment_status,
            to_status=wanted,
            amount_fen=amount_fen,
            method=method,
            actor=actor,
            actor_user_id=actor_user_id,
            reason=reason[:255],
        )
    )
    order.payment_status = wanted
