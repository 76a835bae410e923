"""Historical sales for the demo: paid orders on every channel over two years and several
events, written in bulk with their ledger rows split exactly as the live services split them."""

import random
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select, text

from app.accounts.models import User
from app.catalog.models import Certification, Product, Sku
from app.clock import COUNTY_TZ, county_date
from app.domain import roles
from app.domain.money import allocate
from app.events.models import Event
from app.extensions import db
from app.impact.models import Attribution
from app.impact.services import RollUpTotals, add_to, roll_up
from app.models_base import column_values, insert_rows
from app.orders.lines import SkuFacts, order_line
from app.orders.models import Order, OrderLine, OrderStatusChange, PaymentStatusChange
from app.registry.models import BenefitLink, Household, Producer, Village

BATCH = 20_000
# Roll-up keys held before they are added into the tables: a province's 20 million daily keys
# at once would take some 10 GB; adding part by part is the same sum (the roll-up adds up).
ROLLUP_BATCH = 1_000_000
SEEDED_PREFIX = "H"  # order numbers of seeded history: H + 13 digits, never clashing with live ones


def seed_sales(lines: int, today: date) -> int:
    """Add the seeded history unless it is there already; returns the number of lines added."""
    if db.session.scalar(select(func.count(Order.id)).where(Order.number.like(f"{SEEDED_PREFIX}%"))):
        return 0
    rng = random.Random(2020)
    world = _World.load(today)
    ids = {
        t: (db.session.scalar(select(func.coalesce(func.max(m.id), 0))) or 0)
        for t, m in (("order", Order), ("line", OrderLine), ("attribution", Attribution), ("change", OrderStatusChange))
    }
    buffers: dict = defaultdict(list)
    rollup: RollUpTotals = {}
    lines_left, order_no = lines, 0
    while lines_left > 0:
        order_no += 1
        channel, paid_at, event_id = world.moment(rng)
        day = county_date(paid_at)
        ids["order"] += 1
        order_id = ids["order"]
        picks = [rng.choice(world.skus) for _ in range(min(lines_left, rng.choice((1, 1, 1, 2, 2, 3))))]
        total = 0
        for facts, price_fen in {facts.sku_id: (facts, price) for facts, price in picks}.values():
            quantity = rng.randint(20, 120) if channel == "intent" else rng.randint(1, 3)
            ids["line"] += 1
            certified = world.certified(facts.product_id, day)
            # The same snapshot as every channel's, written below the ORM for speed.
            line = order_line(replace(facts, certified=certified), price_fen, quantity)
            line.id, line.order_id = ids["line"], order_id
            buffers[OrderLine].append(column_values(line))
            amount = line.line_total_fen
            total += amount
            for household_id, link_id, village_id, township_id, part in world.split(facts.producer_id, amount):
                key = (
                    day,
                    township_id,
                    village_id or 0,
                    household_id or 0,
                    facts.producer_id,
                    facts.product_id,
                    channel,
                    event_id or 0,
                    certified,
                )
                add_to(rollup, key, part, 1 if household_id else 0)
                ids["attribution"] += 1
                buffers[Attribution].append(
                    dict(
                        id=ids["attribution"],
                        order_line_id=ids["line"],
                        order_id=order_id,
                        household_id=household_id,
                        benefit_link_id=link_id,
                        producer_id=facts.producer_id,
                        village_id=village_id,
                        township_id=township_id,
                        channel=channel,
                        event_id=event_id,
                        kind="sale",
                        amount_fen=part,
                        created_at=paid_at,
                    )
                )
            lines_left -= 1
        buffers[Order].append(
            dict(
                id=order_id,
                number=f"{SEEDED_PREFIX}{order_no:013d}",
                channel=channel,
                event_id=event_id,
                user_id=world.buyer(channel),
                status="completed",
                payment_status="paid",
                payment_method={"online": "cod", "intent": "bank_transfer", "booth": "cash"}[channel],
                currency="CNY",
                subtotal_fen=total,
                shipping_fen=0,
                total_fen=total,
                paid_fen=total,
                refunded_fen=0,
                recipient="",
                mobile="",
                province="湖南省",
                city="邵阳市",
                county="洞口县",
                street="",
                note="",
                carrier="",
                tracking_number="",
                created_at=paid_at,
                paid_at=paid_at,
            )
        )
        ids["change"] += 1
        buffers[OrderStatusChange].append(
            dict(
                id=ids["change"],
                order_id=order_id,
                from_status=None,
                to_status="completed",
                actor="system",
                reason="演示历史数据",
                created_at=paid_at,
            )
        )
        buffers[PaymentStatusChange].append(
            dict(
                order_id=order_id,
                from_status=None,
                to_status="paid",
                amount_fen=total,
                method=buffers[Order][-1]["payment_method"],
                actor="system",
                actor_user_id=None,
                reason="",
                created_at=paid_at,
            )
        )
        if len(buffers[Attribution]) >= BATCH:
            _flush(buffers)
        if len(rollup) >= ROLLUP_BATCH:
            _roll_up(rollup)
    _flush(buffers)
    _roll_up(rollup)
    _resync_sequences()
    db.session.commit()
    return lines


def _flush(buffers) -> None:
    for model in (Order, OrderStatusChange, PaymentStatusChange, OrderLine, Attribution):
        insert_rows(model, buffers[model])
        buffers[model].clear()


def _roll_up(rollup: RollUpTotals) -> None:
    roll_up(rollup)
    rollup.clear()


def _resync_sequences() -> None:
    # Rows were written with explicit ids; PostgreSQL's sequences must move past them.
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("orders", "order_lines", "attributions", "order_status_changes"):
        # The table names are the four constants above, never input.
        resync = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"  # nosec B608
        db.session.execute(text(resync))


class _World:
    """What the generator needs from the catalogue and registry, loaded once."""

    def __init__(self, today, skus, links, certs, events, buyers):
        self.today, self.skus, self.links, self.certs, self.events, self.buyers = (
            today,
            skus,
            links,
            certs,
            events,
            buyers,
        )

    @classmethod
    def load(cls, today: date) -> "_World":
        # Each SKU's snapshot and price; whether it was certified depends on the day of the sale.
        skus = [
            (SkuFacts(s.id, s.product_id, p.producer_id, p.name, s.code, s.name, s.unit, False), s.price_fen)
            for s, p in db.session.execute(select(Sku, Product).join(Product)).all()
        ]
        links: dict[int, list[tuple[int | None, int | None, int | None, int, int]]] = defaultdict(list)
        for link_id, producer_id, household_id, weight, village_id, township_id in db.session.execute(
            select(
                BenefitLink.id,
                BenefitLink.producer_id,
                BenefitLink.household_id,
                BenefitLink.weight,
                Household.village_id,
                Village.township_id,
            )
            .join(Household, Household.id == BenefitLink.household_id)
            .join(Village)
            .where(BenefitLink.valid_to.is_(None))
            .order_by(BenefitLink.household_id, BenefitLink.id)
        ):
            links[producer_id].append((household_id, link_id, village_id, township_id, weight))
        producer_townships = dict(db.session.execute(select(Producer.id, Producer.township_id)).all())
        for producer_id, township_id in producer_townships.items():
            links.setdefault(producer_id, [(None, None, None, township_id, 1)])
        certs = defaultdict(list)
        for product_id, start, end in db.session.execute(
            select(Certification.product_id, Certification.valid_from, Certification.valid_to)
        ):
            certs[product_id].append((start, end))
        events = [
            (e.id, e.starts_on, e.ends_on)
            for e in db.session.execute(select(Event)).scalars()
            if e.starts_on >= today - timedelta(days=730) and e.ends_on < today
        ]
        buyers = dict(db.session.execute(select(User.role, func.min(User.id)).group_by(User.role)).all())
        return cls(today, skus, dict(links), dict(certs), events, buyers)

    def moment(self, rng: random.Random) -> tuple[str, datetime, int | None]:
        channel = rng.choices(("online", "intent", "booth"), (55, 5, 40))[0]
        event_id = None
        if channel == "booth" and self.events:
            event_id, start, end = rng.choice(self.events)
            day = start + timedelta(days=rng.randint(0, (end - start).days))
        else:
            day = self.today - timedelta(days=rng.randint(1, 730))
        at = datetime.combine(day, time(rng.randint(8, 19), rng.randint(0, 59)), COUNTY_TZ)
        return channel, at.astimezone(UTC), event_id

    def split(self, producer_id: int, amount: int):
        shares = self.links[producer_id]
        for (household_id, link_id, village_id, township_id, _w), part in zip(
            shares, allocate(amount, [s[4] for s in shares]), strict=False
        ):
            if part:
                yield household_id, link_id, village_id, township_id, part

    def certified(self, product_id: int, on: date) -> bool:
        return any(start <= on <= end for start, end in self.certs.get(product_id, ()))

    def buyer(self, channel: str) -> int | None:
        return self.buyers.get({"online": roles.CONSUMER, "intent": roles.UNIT_MEMBER}.get(channel, ""))
