"""Demo booths at the current activity week, and a few days of their sales made through the
same sync the tablets use (fixed UUIDs, so a second seeding stores nothing twice)."""

import random
import uuid
from datetime import date, datetime, time, timedelta

from app.accounts.models import User
from app.audit.services import Actor
from app.catalog.models import Product, Sku
from app.clock import COUNTY_TZ
from app.events.models import Event
from app.extensions import db
from app.pos.devices import issue_device_token
from app.pos.models import Booth, BoothAllocation, BoothSale, Device
from app.pos.sync import record_booth_sales
from app.registry.models import Township

NAMESPACE = uuid.UUID("6f1d8c2e-3b7a-4c55-9e0b-2a4f7d9c1e11")
CLERK_EMAIL = "clerk@dongkou.example"
SALES_PER_BOOTH_DAY = 8


def seed_booths(today: date) -> tuple[int, int]:
    """Booths for every township with products at this year's activity week; returns (booths, sales) added."""
    event = db.session.execute(db.select(Event).where(Event.code == f"WEEK{today.year}")).scalar_one()
    clerk = db.session.execute(db.select(User).where(User.email == CLERK_EMAIL)).scalar_one()
    townships = (
        db.session.execute(
            db.select(Township).where(Township.id.in_(db.select(Product.township_id))).order_by(Township.sort_order)
        )
        .scalars()
        .all()
    )
    added_booths = 0
    for township in townships:
        code = f"{event.code}-{township.code.upper()}"
        if db.session.execute(db.select(Booth.id).where(Booth.code == code)).scalar_one_or_none():
            continue
        booth = Booth(
            code=code,
            event_id=event.id,
            township_id=township.id,
            name=f"{township.name}展位",
            opening_float_fen=50000,
            merchant_name=f"{township.name}农产品合作社收款码",
        )
        if township.code == "gaosha":
            booth.clerks.append(clerk)
        db.session.add(booth)
        db.session.flush()
        skus = db.session.execute(
            db.select(Sku.id).join(Product).where(Product.township_id == township.id).order_by(Sku.id)
        ).scalars()
        db.session.add_all(BoothAllocation(booth_id=booth.id, sku_id=sku_id, allocated=120) for sku_id in skus)
        added_booths += 1
    db.session.commit()
    return added_booths, _sales(event, today)


def _sales(event: Event, today: date) -> int:
    added = 0
    booths = db.session.execute(db.select(Booth).where(Booth.event_id == event.id).order_by(Booth.id)).scalars().all()
    for booth in booths:
        device = db.session.execute(
            db.select(Device).where(Device.booth_id == booth.id, Device.label == "演示平板")
        ).scalar_one_or_none()
        if device is None:
            device, _token = issue_device_token(booth.code, "演示平板", Actor(None, "seed-demo"))
        items = db.session.execute(
            db.select(Sku.code, Sku.price_fen)
            .join(BoothAllocation)
            .where(BoothAllocation.booth_id == booth.id)
            .order_by(Sku.id)
        ).all()
        rng = random.Random(booth.code)
        sales, sequence = [], 0
        day = event.starts_on
        while day < today:  # past days only: today's sales are the clerk's to make
            for n in range(SALES_PER_BOOTH_DAY):
                sequence += 1
                sales.append(_sale(booth, day, n, sequence, rng, items))
            day += timedelta(days=1)
        if sales:
            known = set(db.session.execute(db.select(BoothSale.uuid).where(BoothSale.booth_id == booth.id)).scalars())
            added += sum(1 for s in sales if s["uuid"] not in known)
            record_booth_sales(device, sales)
    return added


def _sale(booth: Booth, day: date, n: int, sequence: int, rng: random.Random, items) -> dict:
    lines: dict[str, tuple[int, int]] = {}
    for _ in range(rng.choice((1, 1, 2, 3))):
        code, price = rng.choice(items)
        quantity, _price = lines.get(code, (0, price))
        lines[code] = (quantity + rng.choice((1, 1, 2)), price)
    total = sum(q * p for q, p in lines.values())
    sold_at = datetime.combine(day, time(9 + n, rng.randrange(60)), tzinfo=COUNTY_TZ)
    if rng.random() < 0.6:
        tendered = -(-total // 5000) * 5000
        tender = {"method": "cash", "tendered_fen": tendered, "change_fen": tendered - total}
    else:
        tender = {"method": "merchant_qr", "reference": f"42000{rng.randrange(10**12):012d}"}
    return {
        "uuid": str(uuid.uuid5(NAMESPACE, f"{booth.code}/{day}/{n}")),
        "device_sequence": sequence,
        "sold_at": sold_at.isoformat(),
        "total_fen": total,
        "tender": tender,
        "lines": [{"sku": code, "quantity": q, "unit_price_fen": p} for code, (q, p) in lines.items()],
    }
