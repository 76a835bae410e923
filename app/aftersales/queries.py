"""Read-only questions about after-sales requests."""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload

from app.aftersales.models import AfterSaleRequest
from app.domain import aftersale_states as states
from app.domain import roles
from app.extensions import db
from app.orders.models import Order
from app.refusals import Missing


def of_order(order_id: int) -> list[AfterSaleRequest]:
    return list(
        db.session.scalars(
            select(AfterSaleRequest).where(AfterSaleRequest.order_id == order_id).order_by(AfterSaleRequest.id.desc())
        )
    )


def lines_waiting(order_id: int) -> set[int]:
    """The order's lines with a request not yet decided."""
    return set(
        db.session.scalars(
            select(AfterSaleRequest.order_line_id).where(
                AfterSaleRequest.order_id == order_id, AfterSaleRequest.status == states.REQUESTED
            )
        )
    )


def for_staff(page: int, per_page: int = 30) -> Pagination:
    waiting_first = case((AfterSaleRequest.status == states.REQUESTED, 0), else_=1)
    return db.paginate(
        select(AfterSaleRequest).order_by(waiting_first, AfterSaleRequest.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def orders_of(requests: list[AfterSaleRequest]) -> dict[int, Order]:
    ids = sorted({r.order_id for r in requests})
    return {
        o.id: o
        for o in db.session.scalars(select(Order).options(joinedload(Order.lines)).where(Order.id.in_(ids))).unique()
    }


def photo_key(request_id: int, index: int, user) -> str:
    """A request's photo, for staff and the buyer who sent it."""
    request = db.session.get(AfterSaleRequest, request_id)
    if request is None or not (user.role == roles.STAFF or request.requested_by == user.id):
        raise Missing(request_id)
    keys = request.photo_keys
    if not 0 <= index < len(keys):
        raise Missing(index)
    return keys[index]
