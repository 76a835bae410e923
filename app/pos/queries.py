"""Read-only questions about booths: the tablet's catalogue, a day's figures, the event board."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from app.catalog.models import Product, Sku
from app.clock import county_time
from app.extensions import db
from app.impact.models import Attribution
from app.orders.models import Order
from app.pos.models import TENDERS, Booth, BoothAllocation, BoothClose, BoothSale, Device
from app.registry.models import Village
from app.trace.models import Lot


def booth_catalogue(booth: Booth, image_url, online_payment: bool) -> dict:
    """What a tablet caches to sell offline: the booth, every SKU it may sell and the SKUs'
    lot codes (a scanned or typed label finds its SKU without the network), and whether the
    shop takes online payments (the till's QR tender)."""
    allocations = (
        db.session.execute(
            db.select(BoothAllocation)
            .where(BoothAllocation.booth_id == booth.id)
            .order_by(BoothAllocation.id)
            .options(selectinload(BoothAllocation.sku).selectinload(Sku.product).selectinload(Product.images))
        )
        .scalars()
        .all()
    )
    lots: dict[int, list[str]] = {}
    for sku_id, code in db.session.execute(
        db.select(Lot.sku_id, Lot.code).where(Lot.sku_id.in_([a.sku_id for a in allocations])).order_by(Lot.id)
    ).all():
        lots.setdefault(sku_id, []).append(code)
    items = []
    for allocation in allocations:
        sku = allocation.sku
        if not sku.is_active or not sku.product.is_active:
            continue
        image = sku.product.images[0].path if sku.product.images else None
        items.append(
            {
                "sku": sku.code,
                "product": sku.product.name,
                "name": sku.name,
                "unit": sku.unit,
                "price_fen": sku.price_fen,
                "image_url": image_url(image) if image else None,
                "allocated": allocation.allocated,
                "sold": allocation.sold,
                "remaining": allocation.remaining,
                "lots": lots.get(sku.id, []),
            }
        )
    return {
        "booth": {
            "code": booth.code,
            "name": booth.name,
            "township": booth.township.name,
            "merchant_name": booth.merchant_name,
            "opening_float_fen": booth.opening_float_fen,
            "online_payment": online_payment,
            "event": {"code": booth.event.code, "name": booth.event.name},
        },
        "items": items,
    }


def booths_for_clerk(user_id: int, include_all: bool) -> Sequence[Booth]:
    query = db.select(Booth).options(selectinload(Booth.event), selectinload(Booth.township)).order_by(Booth.code)
    if not include_all:
        query = query.where(Booth.clerks.any(id=user_id))
    return db.session.execute(query).scalars().all()


def is_clerk_of(booth: Booth, user_id: int) -> bool:
    return any(clerk.id == user_id for clerk in booth.clerks)


def day_summary(booth: Booth, day: date) -> dict:
    """The Z report's figures for one booth and day, all from stored sales and the ledger."""
    by_tender = dict.fromkeys(TENDERS, (0, 0))
    for tender, count, total in db.session.execute(
        db.select(BoothSale.tender, func.count(), func.sum(BoothSale.total_fen))
        .where(BoothSale.booth_id == booth.id, BoothSale.day == day)
        .group_by(BoothSale.tender)
    ).all():
        by_tender[tender] = (count, int(total))
    orders = db.select(BoothSale.order_id).where(BoothSale.booth_id == booth.id, BoothSale.day == day)
    villages = db.session.execute(
        db.select(Village.name, func.count(func.distinct(Attribution.household_id)), func.sum(Attribution.amount_fen))
        .join(Village, Village.id == Attribution.village_id)
        .where(Attribution.order_id.in_(orders))
        .group_by(Village.name)
        .order_by(func.sum(Attribution.amount_fen).desc())
    ).all()
    households = (
        db.session.scalar(
            db.select(func.count(func.distinct(Attribution.household_id))).where(Attribution.order_id.in_(orders))
        )
        or 0
    )
    flagged = (
        db.session.scalar(
            db.select(func.count()).where(BoothSale.booth_id == booth.id, BoothSale.day == day, BoothSale.flags != "")
        )
        or 0
    )
    cash_total = by_tender["cash"][1]
    return {
        "count": sum(c for c, _t in by_tender.values()),
        "total_fen": sum(t for _c, t in by_tender.values()),
        "by_tender": by_tender,
        "expected_cash_fen": booth.opening_float_fen + cash_total,
        "households": households,
        "villages": [{"name": name, "households": n, "amount_fen": int(amount)} for name, n, amount in villages],
        "flagged": flagged,
        "close": db.session.execute(
            db.select(BoothClose).where(BoothClose.booth_id == booth.id, BoothClose.day == day)
        ).scalar_one_or_none(),
    }


def sale_with_order(uuid: str) -> BoothSale | None:
    return db.session.execute(
        db.select(BoothSale)
        .where(BoothSale.uuid == uuid)
        .options(
            selectinload(BoothSale.order).selectinload(Order.lines),
            selectinload(BoothSale.booth).selectinload(Booth.event),
        )
    ).scalar_one_or_none()


def event_booths(event_id: int) -> list[dict]:
    """Each booth of an event with its clerks and its sales so far."""
    totals = {
        booth_id: (count, int(total or 0), int(flagged or 0))
        for booth_id, count, total, flagged in db.session.execute(
            db.select(
                BoothSale.booth_id,
                func.count(),
                func.sum(BoothSale.total_fen),
                func.sum(case((BoothSale.flags != "", 1), else_=0)),
            )
            .join(Booth)
            .where(Booth.event_id == event_id)
            .group_by(BoothSale.booth_id)
        ).all()
    }
    booths = (
        db.session.execute(
            db.select(Booth)
            .where(Booth.event_id == event_id)
            .order_by(Booth.code)
            .options(selectinload(Booth.township), selectinload(Booth.clerks), selectinload(Booth.allocations))
        )
        .scalars()
        .all()
    )
    return [{"booth": b, "sales": totals.get(b.id, (0, 0, 0))} for b in booths]


def event_board(event_id: int) -> dict:
    """Sales of an event by booth and by county hour, for the live board."""
    rows = db.session.execute(
        db.select(Booth.name, Order.paid_at, BoothSale.total_fen)
        .join(Booth, Booth.id == BoothSale.booth_id)
        .join(Order, Order.id == BoothSale.order_id)
        .where(Booth.event_id == event_id)
    ).all()
    by_booth: dict[str, list[int]] = {}
    by_hour: dict[str, int] = {}
    for name, paid_at, total in rows:
        entry = by_booth.setdefault(name, [0, 0])
        entry[0] += 1
        entry[1] += total
        hour = county_time(paid_at, "%m-%d %H:00")
        by_hour[hour] = by_hour.get(hour, 0) + total
    ranked = sorted(by_booth.items(), key=lambda item: -item[1][1])
    return {
        "count": len(rows),
        "total_fen": sum(t for *_x, t in rows),
        "booths": [{"name": n, "count": c, "total_fen": t} for n, (c, t) in ranked],
        "hours": [{"hour": h, "total_fen": by_hour[h]} for h in sorted(by_hour)],
    }


def reconciliation_list() -> dict:
    """What staff still have to look at: flagged booth sales and cash counts that did not match."""
    flagged = (
        db.session.execute(
            db.select(BoothSale)
            .where(BoothSale.flags != "", BoothSale.reconciled_at.is_(None))
            .order_by(BoothSale.id.desc())
            .limit(500)
            .options(selectinload(BoothSale.order), selectinload(BoothSale.booth), selectinload(BoothSale.device))
        )
        .scalars()
        .all()
    )
    closes = db.session.execute(
        db.select(BoothClose, Booth)
        .join(Booth, Booth.id == BoothClose.booth_id)
        .where(BoothClose.over_short_fen != 0)
        .order_by(BoothClose.day.desc(), Booth.code)
        .limit(500)
        .options(selectinload(BoothClose.closed_by))
    ).all()
    return {"flagged": flagged, "closes": closes}


def booth_devices(booth_id: int) -> list[Device]:
    return list(db.session.execute(select(Device).where(Device.booth_id == booth_id).order_by(Device.id)).scalars())
