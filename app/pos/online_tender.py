"""The booth's online tender: the till shows a QR code, the buyer pays on their own phone
through the shop's payment page, and the sale is recorded once the money is confirmed.

The server records the sale itself, the moment it learns the PaymentIntent succeeded (from
Stripe's webhook, the buyer's return page or the till asking, whichever comes first), through
the same pipeline as synced sales. A till that dies after the buyer paid loses nothing, and a
till that resends the sale, or syncs it, gets the same order back: the sale's UUID is recorded
once. Money that arrives after the clerk gave up waiting still becomes the sale: it was paid.
"""

import json
import logging
import secrets
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.catalog.models import Sku
from app.domain import payment_states
from app.domain.money import format_fen
from app.extensions import cache, db
from app.models_base import rows_changed, utcnow
from app.orders.models import Order
from app.payments.gateway import GatewayError, IntentState, StripeGateway
from app.pos import notes
from app.pos.models import BoothOnlinePayment, BoothSale, Device
from app.refusals import Refusal

log = logging.getLogger(__name__)
# The till asks every two seconds while the buyer pays; Stripe's webhook normally settles the
# payment first. The acquirer itself is asked at most this often per payment (on any node, when
# the cache is shared): a backstop for a webhook that is late, not a call per poll.
ASK_ACQUIRER_SECONDS = 10
PENDING, SUCCEEDED, CANCELED = (
    payment_states.ATTEMPT_PENDING,
    payment_states.ATTEMPT_SUCCEEDED,
    payment_states.ATTEMPT_CANCELED,
)


class OnlineTenderRefused(Refusal):
    MESSAGES = {
        "unavailable": _l("本商城还没有开通在线支付：请收现金，或用本展位的收款码。"),
        "gateway_failed": _l("支付通道暂时连不上，付款码没有生成：请稍后重试，或改收现金、用收款码。"),
        "invalid_sale": _l("这笔销售的内容有误：%(errors)s"),
        "not_online": _l("在线支付的销售，付款方式应为 online。"),
        "unknown_sku": _l("商品编码不存在：%(codes)s"),
        "uuid_taken": _l("这个 UUID 已用于另一笔销售；原销售保持不变。请为新销售生成新的 UUID。"),
        "not_found": _l("本展位没有这笔在线收款。"),
    }


def open_online_payment(device: Device, raw_sale: Any, gateway: StripeGateway | None) -> BoothOnlinePayment:
    """The online payment of a sale the till is about to take: a PaymentIntent for its total
    and a link for the buyer's phone. Opening the same sale again returns the same payment.
    Commits.

    Raises OnlineTenderRefused when the shop takes no online payments, the sale is invalid,
    its UUID belongs to another sale, or the acquirer cannot be reached.
    """
    # The sale's schema (pydantic, 3.4 MB) loads with the first booth payment, not in every page server.
    from pydantic import ValidationError

    from app.pos.schemas import OnlineTender, SaleIn, explain

    try:
        sale = SaleIn.model_validate(raw_sale)
    except ValidationError as error:
        raise OnlineTenderRefused("invalid_sale", errors="；".join(explain(error))) from error
    if not isinstance(sale.tender, OnlineTender):
        raise OnlineTenderRefused("not_online")
    digest = sale.payload_hash()
    earlier = db.session.execute(
        select(BoothOnlinePayment).where(BoothOnlinePayment.sale_uuid == sale.uuid)
    ).scalar_one_or_none()
    if earlier is not None:
        if earlier.payload_hash != digest or earlier.booth_id != device.booth_id:
            raise OnlineTenderRefused("uuid_taken")
        return earlier
    if db.session.scalar(select(BoothSale.id).where(BoothSale.uuid == sale.uuid)) is not None:
        raise OnlineTenderRefused("uuid_taken")
    if gateway is None:
        raise OnlineTenderRefused("unavailable")
    codes = {line.sku for line in sale.lines}
    known = set(db.session.scalars(select(Sku.code).where(Sku.code.in_(codes))))
    if codes - known:
        raise OnlineTenderRefused("unknown_sku", codes=", ".join(sorted(codes - known)))
    try:
        intent = gateway.create_intent(
            f"booth-sale-{sale.uuid}",
            sale.total_fen,
            "CNY",
            {"booth_sale": sale.uuid, "booth": device.booth.code},
        )
    except GatewayError as error:
        log.warning("booth %s: could not open an online payment: %s", device.booth.code, error)
        raise OnlineTenderRefused("gateway_failed") from error
    payment = BoothOnlinePayment(
        sale_uuid=sale.uuid,
        booth_id=device.booth_id,
        device_id=device.id,
        link_token=secrets.token_urlsafe(24),
        payload=json.dumps(sale.model_dump(mode="json"), ensure_ascii=False),
        payload_hash=digest,
        amount_fen=sale.total_fen,
        provider_ref=intent.id,
        client_secret=intent.client_secret,
    )
    db.session.add(payment)
    db.session.commit()
    return payment


def payment_of_device(device: Device, sale_uuid: str) -> BoothOnlinePayment:
    payment = db.session.execute(
        select(BoothOnlinePayment).where(
            BoothOnlinePayment.sale_uuid == sale_uuid.lower(), BoothOnlinePayment.booth_id == device.booth_id
        )
    ).scalar_one_or_none()
    if payment is None:
        raise OnlineTenderRefused("not_found")
    return payment


def payment_for_link(link_token: str) -> BoothOnlinePayment | None:
    return db.session.execute(
        select(BoothOnlinePayment).where(BoothOnlinePayment.link_token == link_token)
    ).scalar_one_or_none()


def refresh(payment: BoothOnlinePayment, gateway: StripeGateway | None, ask_now: bool = False) -> BoothOnlinePayment:
    """The payment as the shop knows it; one still open is also asked of the acquirer, instead
    of waiting for its webhook, at most every ASK_ACQUIRER_SECONDS (always when
    ``ask_now``: a cancel must know whether the money came). Commits.

    An unreachable acquirer is not an error here: the payment simply stays open."""
    if (
        payment.status == PENDING
        and gateway is not None
        and (ask_now or cache.add(f"booth-payment-asked:{payment.sale_uuid}", 1, timeout=ASK_ACQUIRER_SECONDS))
    ):
        try:
            state = gateway.retrieve_intent(payment.provider_ref)
        except GatewayError as error:
            log.warning("booth payment %s: could not ask the acquirer: %s", payment.sale_uuid, error)
            return payment
        settle_booth_payment(state)
        db.session.commit()
    return payment


def cancel(payment: BoothOnlinePayment, gateway: StripeGateway | None) -> BoothOnlinePayment:
    """The buyer walked away: close the PaymentIntent so the QR code can no longer be paid.
    If the money arrived first, the sale stands and the answer says so. Commits."""
    refresh(payment, gateway, ask_now=True)
    if payment.status != PENDING:
        return payment
    if gateway is not None:
        try:
            gateway.cancel_intent(payment.provider_ref)
        except GatewayError:
            # Most likely paid in the meantime; if not, a late payment is still recorded.
            return refresh(payment, gateway, ask_now=True)
    moved = _move(payment, CANCELED, utcnow())
    db.session.commit()
    db.session.refresh(payment)
    if not moved:
        log.info("booth payment %s changed while being cancelled: %s", payment.sale_uuid, payment.status)
    return payment


def settle_booth_payment(state: IntentState, now: datetime | None = None) -> str:
    """Apply what the acquirer says of a booth sale's PaymentIntent, exactly once. Does not commit.

    Success records the sale; the status moves by a conditional update, so of two callers
    at once (the webhook and the till's poll) only one records it.
    """
    payment = db.session.execute(
        select(BoothOnlinePayment).where(BoothOnlinePayment.provider_ref == state.id)
    ).scalar_one_or_none()
    if payment is None:
        log.warning("stripe: booth PaymentIntent %s matches no online payment of ours", state.id)
        return "unknown_payment"
    if state.status == "canceled":
        _move(payment, CANCELED, now or utcnow())
        return "canceled"
    if state.status != "succeeded":
        return "ignored"
    if (state.amount_fen, state.currency) != (payment.amount_fen, payment.currency):
        payment.flag = notes.note(
            "online_amount_differs",
            paid=f"{format_fen(state.amount_fen)} {state.currency}",
            due=format_fen(payment.amount_fen),
        )
        log.error(
            "stripe: booth PaymentIntent %s paid %s, the sale is %s", state.id, state.amount_fen, payment.amount_fen
        )
        return "flagged"
    if not _move(payment, SUCCEEDED, now or utcnow()):
        return "already_recorded"
    from app.pos.sync import CREATED, DUPLICATE, record_paid_online_sale

    result = record_paid_online_sale(payment.device_id, _sale(payment), payment.provider_ref, now or utcnow())
    if result.outcome not in (CREATED, DUPLICATE):
        # Paid, yet the sale cannot be stored (its SKU was removed since): staff must refund.
        payment.flag = notes.note("online_sale_refused", errors="；".join(result.errors))
        log.error("booth payment %s was paid but refused: %s", payment.sale_uuid, result.errors)
        return "flagged"
    return "recorded"


def _move(payment: BoothOnlinePayment, wanted: str, now: datetime) -> bool:
    """Move the payment to ``wanted`` from any status payment_states lets it follow, in one
    conditional UPDATE: of two callers at once, exactly one sees it move. Does not commit."""
    sources = [current for current, after in payment_states.ATTEMPT_TRANSITIONS.items() if wanted in after]
    return bool(
        rows_changed(
            update(BoothOnlinePayment)
            .where(BoothOnlinePayment.id == payment.id, BoothOnlinePayment.status.in_(sources))
            .values(status=wanted, settled_at=now)
        )
    )


def _sale(payment: BoothOnlinePayment) -> dict[str, Any]:
    return json.loads(payment.payload)


def sale_summary(payment: BoothOnlinePayment) -> list[dict[str, Any]]:
    """What the buyer's phone shows before paying: the goods (with their SKU, for the product's
    name in the reader's language), never anyone's personal data."""
    lines = _sale(payment)["lines"]
    skus = {
        s.code: s
        for s in db.session.scalars(
            select(Sku).where(Sku.code.in_({line["sku"] for line in lines})).options(selectinload(Sku.product))
        )
    }
    return [
        {
            "sku": skus.get(line["sku"]),
            "code": line["sku"],
            "quantity": line["quantity"],
            "total_fen": line["quantity"] * line["unit_price_fen"],
        }
        for line in lines
    ]


def order_number(payment: BoothOnlinePayment) -> str | None:
    """The order the paid sale became."""
    return db.session.scalar(
        select(Order.number).join(BoothSale, BoothSale.order_id == Order.id).where(BoothSale.uuid == payment.sale_uuid)
    )
