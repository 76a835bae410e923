"""Booth sales arriving from a tablet: each stored exactly once, whatever the network did.

A tablet resends whatever it has not seen acknowledged, so the same sale may arrive any
number of times, in any batch, even from two requests at once. The client's UUID decides:
the first copy is stored, a copy with the same content is answered as a duplicate with the
same order, and different content under a used UUID is refused as a conflict. A sale is
money already taken: it is never refused for stock, only flagged for staff to reconcile.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app.catalog.models import Product, Sku
from app.clock import COUNTY_TZ, county_date
from app.domain import order_states as states
from app.domain import payment_states
from app.domain.money import format_fen
from app.extensions import db
from app.impact.services import record_sales
from app.models_base import insert_objects, insert_rows, utcnow
from app.orders.lines import SkuFacts, order_line
from app.orders.models import Order, OrderLine, OrderStatusChange, PaymentStatusChange
from app.orders.services import new_order_number
from app.payments.models import Payment
from app.pos import notes
from app.pos.models import Booth, BoothAllocation, BoothSale, Device
from app.pos.schemas import ORDER_PAYMENT_METHOD, CashTender, MerchantQrTender, OnlineTender, SaleIn, explain
from app.records import spoken_lines
from app.trace.models import Lot

CREATED, DUPLICATE, CONFLICT, INVALID = "created", "duplicate", "conflict", "invalid"
log = logging.getLogger(__name__)
# A tablet clock this far ahead of the server, or this far before the event, is wrong;
# the sale is then dated by the server and flagged.
CLOCK_AHEAD = timedelta(minutes=10)
CLOCK_BEHIND_EVENT = timedelta(days=1)


@dataclass
class SaleResult:
    uuid: str | None
    outcome: str
    order_number: str | None = None
    flags: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_json(self, receipt_url: Callable[[str | None], str]) -> dict[str, object]:
        answer: dict[str, object] = {"uuid": self.uuid, "outcome": self.outcome}
        if self.order_number:
            answer.update(order_number=self.order_number, receipt_url=receipt_url(self.uuid), flags=self.flags)
        if self.errors:
            answer["errors"] = self.errors
        return answer


def record_booth_sales(device: Device, raw_sales: list[Any], now: datetime | None = None) -> list[SaleResult]:
    """Store a batch from a tablet and answer for every sale in the order sent. Commits.

    Valid sales are stored even when others in the batch are refused. When two requests
    carry the same new sale at once, the loser's transaction fails on the UUID and the
    batch is simply run again: the second time the sale is found and answered as a duplicate.
    """
    device_id = device.id  # read once: the commit expires the row
    for attempt in range(3):
        try:
            results = _record(device_id, raw_sales, now or utcnow())
            db.session.commit()
            log.info(
                "booth sync from device %s: %s",
                device_id,
                {o: sum(r.outcome == o for r in results) for o in (CREATED, DUPLICATE, CONFLICT, INVALID)},
            )
            return results
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def record_paid_online_sale(device_id: int, sale: dict[str, Any], provider_ref: str, now: datetime) -> SaleResult:
    """A sale the buyer paid on their phone, now that the acquirer has confirmed the money:
    recorded like any synced sale, its payment being the PaymentIntent. Does not commit."""
    return _record(device_id, [sale], now, {sale["uuid"]: provider_ref})[0]


def _record(
    device_id: int, raw_sales: list[Any], now: datetime, paid_online: dict[str, str] | None = None
) -> list[SaleResult]:
    """``paid_online`` maps the sales whose online payment is confirmed to its reference; an
    online sale outside it has not been paid (as far as we know) and is refused."""
    paid_online = paid_online or {}
    parsed: list[SaleIn | SaleResult] = [_parse(raw) for raw in raw_sales]
    valid = [p for p in parsed if isinstance(p, SaleIn)]
    highest = max((s.device_sequence for s in valid), default=0)
    # Writing first takes SQLite's write lock before anything is read, so two workers
    # syncing at once queue instead of failing on a stale snapshot.
    db.session.execute(
        update(Device)
        .where(Device.id == device_id)
        .values(
            last_seen_at=now,
            last_sequence=func.max(Device.last_sequence, highest)
            if db.engine.dialect.name == "sqlite"
            else func.greatest(Device.last_sequence, highest),
        )
    )
    device = db.session.get_one(Device, device_id)
    # The booth and its event in one statement (they were two lazy loads in every batch); the
    # device's own booth is then found in the session.
    booth = db.session.get_one(Booth, device.booth_id, options=[joinedload(Booth.event)])

    known = (
        {
            s.uuid: s
            for s in db.session.execute(
                select(BoothSale)
                .where(BoothSale.uuid.in_([s.uuid for s in valid]))
                .options(selectinload(BoothSale.order))
            ).scalars()
        }
        if valid
        else {}
    )
    skus = (
        {
            s.code: s
            for s in db.session.execute(
                select(Sku)
                .where(Sku.code.in_({line.sku for s in valid for line in s.lines}))
                .options(joinedload(Sku.product).selectinload(Product.certifications))
            ).scalars()
        }
        if valid
        else {}
    )
    lots = (
        {
            lot.code: lot
            for lot in db.session.execute(
                select(Lot).where(Lot.code.in_({line.lot.upper() for s in valid for line in s.lines if line.lot}))
            ).scalars()
        }
        if valid
        else {}
    )
    allocations = {
        a.sku_id: a
        for a in db.session.execute(
            select(BoothAllocation)
            .where(BoothAllocation.booth_id == booth.id)
            .order_by(BoothAllocation.id)
            .with_for_update()
        ).scalars()
    }

    event_start = booth.event.starts_on
    # What a line copies from its SKU on a day: the same for every sale of that SKU that day.
    facts: dict[tuple[int, date], SkuFacts] = {}
    results: list[SaleResult] = []
    fresh: list[tuple[SaleIn, Order, dict[str, Any]]] = []
    seen: dict[str, tuple[Order, str, str]] = {}
    for item in parsed:
        if isinstance(item, SaleResult):
            results.append(item)
            continue
        digest = item.payload_hash()
        earlier = known.get(item.uuid)
        if earlier is not None:
            results.append(
                _repeat(
                    item.uuid,
                    earlier.payload_hash == digest and earlier.booth_id == booth.id,
                    earlier.order.number,
                    earlier.flags,
                )
            )
            continue
        if item.uuid in seen:  # the same sale twice in one batch
            first = seen[item.uuid]
            results.append(_repeat(item.uuid, first[1] == digest, first[0].number, first[2]))
            continue
        if isinstance(item.tender, OnlineTender) and item.uuid not in paid_online:
            results.append(SaleResult(item.uuid, INVALID, errors=[_("这笔在线付款还没有确认到账，不能记为销售。")]))
            continue
        unknown = sorted({line.sku for line in item.lines if line.sku not in skus})
        if unknown:
            results.append(
                SaleResult(item.uuid, INVALID, errors=[_("商品编码不存在：%(codes)s", codes=", ".join(unknown))])
            )
            continue
        order, sale = _build(
            item, digest, device, event_start, facts, skus, lots, allocations, now, paid_online.get(item.uuid, "")
        )
        seen[item.uuid] = (order, digest, sale["flags"])
        fresh.append((item, order, sale))
        results.append(SaleResult(item.uuid, CREATED, order.number, _flag_list(sale["flags"])))

    if fresh:
        _write(fresh, allocations)
    return results


def _parse(raw: Any) -> SaleIn | SaleResult:
    uuid = raw.get("uuid") if isinstance(raw, dict) and isinstance(raw.get("uuid"), str) else None
    try:
        return SaleIn.model_validate(raw)
    except ValidationError as error:
        return SaleResult(uuid, INVALID, errors=explain(error))


def _repeat(uuid: str, same: bool, order_number: str, flags: str) -> SaleResult:
    if same:
        return SaleResult(uuid, DUPLICATE, order_number, _flag_list(flags))
    return SaleResult(
        uuid, CONFLICT, errors=[_("这个 UUID 已用于另一笔内容不同的销售；原销售保持不变。请为新销售生成新的 UUID。")]
    )


def _flag_list(flags: str) -> list[str]:
    # Stored as notes, one a line; the tablet reads them in its language.
    return spoken_lines(flags)


def sale_moment(item: SaleIn, event_start: date, now: datetime) -> tuple[datetime, list[str]]:
    """When the sale counts: the tablet's time, unless its clock is clearly wrong (ahead of the
    server, or before the event); then the server's, with a flag for staff."""
    sold_at = item.sold_at.astimezone(UTC)
    earliest = datetime.combine(event_start, datetime.min.time(), tzinfo=COUNTY_TZ) - CLOCK_BEHIND_EVENT
    if sold_at > now + CLOCK_AHEAD or sold_at < earliest:
        return now, [notes.note("tablet_clock", moment=sold_at.isoformat())]
    return sold_at, []


def _build(
    item: SaleIn,
    digest: str,
    device: Device,
    event_start: date,
    facts: dict[tuple[int, date], SkuFacts],
    skus: dict[str, Sku],
    lots: dict[str, Lot],
    allocations: dict[int, BoothAllocation],
    now: datetime,
    online_ref: str,
) -> tuple[Order, dict[str, Any]]:
    booth = device.booth
    sold_at, flags = sale_moment(item, event_start, now)
    day = county_date(sold_at)
    order = Order(
        number=new_order_number(sold_at),
        channel="booth",
        event_id=booth.event_id,
        status=states.COMPLETED,
        payment_status=payment_states.PAID,
        payment_method=ORDER_PAYMENT_METHOD.get(item.tender.method, item.tender.method),
        subtotal_fen=item.total_fen,
        shipping_fen=0,
        total_fen=item.total_fen,
        paid_fen=item.total_fen,
        created_at=sold_at,
        paid_at=sold_at,
        delivered_at=sold_at,
        note=notes.note("booth_note", code=booth.code),
    )
    for line in item.lines:
        sku = skus[line.sku]
        lot = lots.get(line.lot.upper()) if line.lot else None
        if line.lot and (lot is None or lot.sku_id != sku.id):
            flags.append(notes.note("lot_mismatch", lot=line.lot, sku=sku.code))
            lot = None
        if (sku.id, day) not in facts:
            facts[sku.id, day] = SkuFacts.of(sku, day)
        order.lines.append(order_line(facts[sku.id, day], line.unit_price_fen, line.quantity, lot.id if lot else None))
        if line.unit_price_fen != sku.price_fen:
            flags.append(
                notes.note(
                    "price_differs",
                    sku=sku.code,
                    charged=format_fen(line.unit_price_fen),
                    listed=format_fen(sku.price_fen),
                )
            )
        allocation = allocations.get(sku.id)
        if allocation is None:
            allocation = allocations[sku.id] = BoothAllocation(booth_id=booth.id, sku_id=sku.id, allocated=0, sold=0)
            db.session.add(allocation)
        allocation.sold += line.quantity
        if allocation.sold > allocation.allocated:
            flags.append(
                notes.note("over_allocation", sku=sku.code, allocated=allocation.allocated, sold=allocation.sold)
            )
    cash = item.tender if isinstance(item.tender, CashTender) else None
    sale = dict(
        uuid=item.uuid,
        payload_hash=digest,
        booth_id=booth.id,
        device_id=device.id,
        device_sequence=item.device_sequence,
        device_time=item.sold_at.astimezone(UTC),
        received_at=now,
        day=day,
        tender=item.tender.method,
        total_fen=item.total_fen,
        tendered_fen=cash.tendered_fen if cash else 0,
        change_fen=cash.change_fen if cash else 0,
        reference=item.tender.reference if isinstance(item.tender, MerchantQrTender) else online_ref,
        flags="\n".join(flags),
        reconciled_at=None,
        reconciled_by_id=None,
        reconciliation_note="",
    )
    return order, sale


def _write(fresh: list[tuple[SaleIn, Order, dict[str, Any]]], allocations: dict[int, BoothAllocation]) -> None:
    """Insert the new sales' orders and lines (whose ids the ledger needs), then their status
    rows, payments, booth records and ledger rows as plain multi-row inserts."""
    orders = [order for _item, order, _sale in fresh]
    _insert_orders(orders)
    changes, paid, payments = [], [], []
    for item, order, sale in fresh:
        sale["order_id"] = order.id
        changes.append(
            dict(
                order_id=order.id,
                from_status=None,
                to_status=order.status,
                actor="booth",
                actor_user_id=None,
                created_at=order.paid_at,
                reason=notes.note("booth_payment", booth=sale["booth_id"], sequence=sale["device_sequence"]),
            )
        )
        paid.append(
            dict(
                order_id=order.id,
                from_status=None,
                to_status=order.payment_status,
                amount_fen=order.total_fen,
                method=order.payment_method,
                actor="booth",
                actor_user_id=None,
                reason=sale["reference"],
                created_at=order.paid_at,
            )
        )
        payments.append(
            dict(
                order_id=order.id,
                method=order.payment_method,
                attempt=1,
                amount_fen=order.total_fen,
                currency="CNY",
                status=payment_states.ATTEMPT_SUCCEEDED,
                refunded_fen=0,
                flag="",
                reference=sale["reference"],
                # An online tender's PaymentIntent: refunds go back through it, and Stripe's
                # later events about it find this payment.
                provider_ref=sale["reference"] if item.tender.method == "online" else None,
                created_at=order.paid_at,
                succeeded_at=order.paid_at,
            )
        )
    insert_rows(BoothSale, [sale for _item, _order, sale in fresh])
    insert_rows(OrderStatusChange, changes)
    insert_rows(PaymentStatusChange, paid)
    insert_rows(Payment, payments)
    record_sales(orders)


def _insert_orders(orders: list[Order]) -> None:
    """Write the new orders and their lines, giving them ids (the ledger needs the lines')."""
    insert_objects(Order, orders)
    lines = []
    for order in orders:
        for line in order.lines:
            line.order_id = order.id
            lines.append(line)
    insert_objects(OrderLine, lines)
