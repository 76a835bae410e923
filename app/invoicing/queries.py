"""Read-only questions about invoices, and who may download one."""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, func, select

from app.bulk.models import PurchaseIntent, UnitMember
from app.domain import invoice_states as states
from app.domain import roles
from app.extensions import db
from app.invoicing.models import InvoiceRequest
from app.orders.models import Order
from app.refusals import Missing


def of_order(order_id: int) -> list[InvoiceRequest]:
    return list(
        db.session.scalars(
            select(InvoiceRequest).where(InvoiceRequest.order_id == order_id).order_by(InvoiceRequest.id.desc())
        )
    )


def of_contract(intent_id: int) -> list[InvoiceRequest]:
    return list(
        db.session.scalars(
            select(InvoiceRequest).where(InvoiceRequest.intent_id == intent_id).order_by(InvoiceRequest.id.desc())
        )
    )


def paid_on_contract(intent_id: int) -> int:
    """What was paid on a contract's deliveries, refunds taken off: what one invoice may cover."""
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(Order.paid_fen - Order.refunded_fen), 0)).where(
                Order.purchase_intent_id == intent_id
            )
        )
        or 0
    )


def for_staff(page: int, per_page: int = 30) -> Pagination:
    """Waiting ones first, then the newest."""
    waiting_first = case((InvoiceRequest.status == states.REQUESTED, 0), else_=1)
    return db.paginate(
        select(InvoiceRequest).order_by(waiting_first, InvoiceRequest.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def references(requests: list[InvoiceRequest]) -> dict[int, str]:
    """Each request's order or contract number, for the staff list."""
    orders = dict(
        db.session.execute(
            select(Order.id, Order.number).where(Order.id.in_([r.order_id for r in requests if r.order_id]))
        ).all()
    )
    intents = dict(
        db.session.execute(
            select(PurchaseIntent.id, PurchaseIntent.number).where(
                PurchaseIntent.id.in_([r.intent_id for r in requests if r.intent_id])
            )
        ).all()
    )
    return {r.id: orders.get(r.order_id or 0) or intents.get(r.intent_id or 0) or "" for r in requests}


def issued_pdf(request_id: int, user) -> InvoiceRequest:
    """An issued invoice, for staff, the order's buyer, or a member of the contract's unit."""
    request = db.session.get(InvoiceRequest, request_id)
    if request is None or request.status != states.ISSUED:
        raise Missing(request_id)
    if user.role == roles.STAFF:
        return request
    if request.order_id is not None:
        owner = db.session.scalar(select(Order.user_id).where(Order.id == request.order_id))
        if owner == user.id:
            return request
    else:
        unit = db.session.scalar(select(PurchaseIntent.unit_id).where(PurchaseIntent.id == request.intent_id))
        member = db.session.scalar(select(UnitMember.unit_id).where(UnitMember.user_id == user.id))
        if member is not None and member == unit:
            return request
    raise Missing(request_id)


def invoiced_and_paid(unit_id: int) -> tuple[int, int]:
    """What the county office has invoiced the unit for over all its contracts, beside what the
    unit has paid on them (refunds taken off): the gap is what it can still ask invoices for."""
    invoiced = db.session.scalar(
        select(func.coalesce(func.sum(InvoiceRequest.amount_fen), 0))
        .join(PurchaseIntent, PurchaseIntent.id == InvoiceRequest.intent_id)
        .where(PurchaseIntent.unit_id == unit_id, InvoiceRequest.status == states.ISSUED)
    )
    paid = db.session.scalar(
        select(func.coalesce(func.sum(Order.paid_fen - Order.refunded_fen), 0))
        .join(PurchaseIntent, PurchaseIntent.id == Order.purchase_intent_id)
        .where(PurchaseIntent.unit_id == unit_id)
    )
    return int(invoiced or 0), int(paid or 0)
