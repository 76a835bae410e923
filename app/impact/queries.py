"""What the ledger says about an order, in words a public page may show (masked names only)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import func
from sqlalchemy.orm import selectinload

from app.clock import COUNTY_TZ
from app.domain.identity import mask_name
from app.extensions import db
from app.impact.models import Attribution, LedgerMonth
from app.orders.models import Order
from app.registry.models import BenefitLink, Household, Producer, Township, Village


def day_bound(day: date) -> datetime:
    """The moment the county's ``day`` begins, to compare with the ledger's booked times."""
    moment = datetime.combine(day, time.min, COUNTY_TZ)
    # SQLite keeps naive UTC; PostgreSQL compares aware timestamps itself.
    return moment.astimezone(UTC).replace(tzinfo=None) if db.engine.dialect.name == "sqlite" else moment


@dataclass(frozen=True)
class OrderImpact:
    amount_fen: int
    households: int
    people: int
    villages: tuple[str, ...]
    townships: tuple[str, ...]
    sample: tuple[str, ...]  # "李** · 林田村"


def order_impact(order: Order, sample_size: int = 6) -> OrderImpact:
    """Net attributed amount and the households it reached; reads the ledger only. The ledger
    is written when money arrives, so an order never paid is answered without reading it."""
    if not order.paid_fen:
        return OrderImpact(0, 0, 0, (), (), ())
    order_id = order.id
    per_household = (
        db.select(Attribution.household_id, func.sum(Attribution.amount_fen).label("net"))
        .where(Attribution.order_id == order_id)
        .group_by(Attribution.household_id)
        .subquery()
    )
    amount = db.session.scalar(db.select(func.coalesce(func.sum(per_household.c.net), 0)))
    rows = db.session.execute(
        db.select(Household.head_name, Household.members, Village.name, Township.name)
        .join(per_household, per_household.c.household_id == Household.id)
        .join(Village, Village.id == Household.village_id)
        .join(Township, Township.id == Village.township_id)
        .where(per_household.c.net > 0)
        .order_by(per_household.c.net.desc(), Household.id)
    ).all()
    villages = tuple(dict.fromkeys(r[2] for r in rows))
    townships = tuple(dict.fromkeys(r[3] for r in rows))
    sample = tuple(f"{mask_name(r[0])} · {r[2]}" for r in rows[:sample_size])
    return OrderImpact(int(amount), len(rows), sum(r[1] for r in rows), villages, townships, sample)


def producer_overview(producer_id: int) -> dict | None:
    """A producer with its benefit links (current and ended) and, per household, what its
    sales have brought so far (from the ledger's monthly roll-up)."""
    producer = db.session.get(Producer, producer_id)
    if producer is None:
        return None
    links = (
        db.session.execute(
            db.select(BenefitLink)
            .where(BenefitLink.producer_id == producer_id)
            .options(selectinload(BenefitLink.household).selectinload(Household.village))
            .order_by(BenefitLink.household_id, BenefitLink.valid_from)
        )
        .scalars()
        .all()
    )
    brought = dict(
        db.session.execute(
            db.select(LedgerMonth.household_id, func.sum(LedgerMonth.amount_fen))
            .where(LedgerMonth.producer_id == producer_id)
            .group_by(LedgerMonth.household_id)
        ).all()
    )
    return {
        "producer": producer,
        "links": links,
        "brought": {k: int(v) for k, v in brought.items()},
        "total_fen": int(sum(brought.values())),
    }
