"""Asking for after-sales and deciding it. Each function is one transaction with its audit row.

An approval refunds through the payment service, in the same transaction: the money goes back by
the way it came (Stripe, or a recorded offline refund), and the ledger takes the refunded share
back from the households by the sale's own rules."""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from app.aftersales.models import AfterSaleRequest
from app.aftersales.refusals import AfterSaleError
from app.audit.services import Actor, record
from app.clock import county_date, today
from app.domain import aftersale_states as states
from app.domain.money import format_fen
from app.extensions import db
from app.models_base import utcnow
from app.orders.models import Order
from app.payments import services as payments
from app.payments.gateway import StripeGateway
from app.pictures import MAX_BYTES, PictureRejected, store_upload
from app.refusals import Missing

MAX_PHOTOS = 3
PHOTO_SIDE = 1600


@dataclass(frozen=True)
class AfterSaleDraft:
    line_id: int
    kind: str
    reason: str
    description: str
    asked_fen: int
    photos: list[bytes] = field(default_factory=list)


def _open_on_line(line_id: int) -> bool:
    return (
        db.session.scalar(
            select(AfterSaleRequest.id).where(
                AfterSaleRequest.order_line_id == line_id, AfterSaleRequest.status == states.REQUESTED
            )
        )
        is not None
    )


def ask(order: Order, user_id: int, draft: AfterSaleDraft, days: int, actor: Actor) -> AfterSaleRequest:
    """The buyer's request on one line of their delivered order. Commits."""
    if order.delivered_at is None:
        raise AfterSaleError("not_delivered")
    if today() > county_date(order.delivered_at) + timedelta(days=days):
        raise AfterSaleError("window_passed", days=days)
    if order.paid_fen <= order.refunded_fen:
        raise AfterSaleError("not_paid")
    line = next((line for line in order.lines if line.id == draft.line_id), None)
    if line is None:
        raise Missing(draft.line_id)
    if _open_on_line(line.id):
        raise AfterSaleError("open_request")
    left = line.line_total_fen - line.refunded_fen
    if not 0 < draft.asked_fen <= left:
        raise AfterSaleError("amount", left=format_fen(left))
    if len(draft.photos) > MAX_PHOTOS:
        raise AfterSaleError("too_many_photos", n=MAX_PHOTOS)
    keys = [_store_photo(order.number, line.id, photo) for photo in draft.photos]
    request = AfterSaleRequest(
        order_id=order.id,
        order_line_id=line.id,
        requested_by=user_id,
        kind=draft.kind,
        reason=draft.reason,
        description=draft.description.strip()[:1000],
        asked_fen=draft.asked_fen,
        photos="\n".join(keys),
    )
    db.session.add(request)
    db.session.flush()
    record(actor, "ask_after_sales", "order", order.number, after={"line": line.id, "amount_fen": draft.asked_fen})
    db.session.commit()
    return request


def _store_photo(number: str, line_id: int, data: bytes) -> str:
    try:
        return store_upload("documents", f"aftersales/{number}/{line_id}", data, PHOTO_SIDE)
    except PictureRejected as exc:
        raise AfterSaleError(f"photo_{exc.reason}", mb=MAX_BYTES // 1024 // 1024) from exc


def _pending(request_id: int) -> AfterSaleRequest:
    request = db.session.scalar(select(AfterSaleRequest).where(AfterSaleRequest.id == request_id).with_for_update())
    if request is None:
        raise Missing(request_id)
    return request


def approve(
    request_id: int, amount_fen: int, note: str, actor: Actor, gateway: StripeGateway | None
) -> AfterSaleRequest:
    """Refund ``amount_fen`` of what was asked (all of it, or part). Commits with the refund, or
    changes nothing (a PaymentError from the refund says why)."""
    request = _pending(request_id)
    states.check_transition(request.status, states.APPROVED)
    if not 0 < amount_fen <= request.asked_fen:
        raise AfterSaleError("approve_amount", asked=format_fen(request.asked_fen))
    order = db.session.get_one(Order, request.order_id)
    request.status, request.approved_fen, request.decision_note = states.APPROVED, amount_fen, note.strip()[:200]
    request.decided_by = actor.user_id
    request.decided_at = utcnow()
    record(actor, "approve_after_sales", "order", order.number, after={"request": request.id, "amount_fen": amount_fen})
    # The refund commits the decision with it, or rolls both back.
    payments.refund(
        order.number,
        payments.RefundRequest({request.order_line_id: amount_fen}, request.decision_note or request.reason),
        "staff",
        actor.user_id,
        gateway,
    )
    return request


def decline(request_id: int, reason: str, actor: Actor) -> AfterSaleRequest:
    """Commits."""
    request = _pending(request_id)
    states.check_transition(request.status, states.DECLINED)
    if not reason.strip():
        raise AfterSaleError("decline_reason")
    request.status, request.decision_note = states.DECLINED, reason.strip()[:200]
    request.decided_by = actor.user_id
    request.decided_at = utcnow()
    record(actor, "decline_after_sales", "after_sales", request.id, after={"reason": request.decision_note})
    db.session.commit()
    return request
