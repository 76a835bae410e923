"""Read-only questions about units: membership, the dashboard, the public leaderboard."""

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from app.bulk.models import IntentLine, Pledge, PurchaseIntent, SupportingUnit, UnitMember
from app.catalog.models import Product, Sku
from app.domain import intent_states
from app.domain import order_states as states
from app.extensions import db
from app.impact.models import Attribution
from app.impact.queries import day_bound
from app.orders.models import Order
from app.registry.models import Village

COUNTED = (intent_states.CONFIRMED, intent_states.IN_FULFILMENT, intent_states.FULFILLED)
NOT_LIVE = (states.CANCELLED,)


def membership(user_id: int) -> UnitMember | None:
    return db.session.execute(
        db.select(UnitMember).where(UnitMember.user_id == user_id).options(selectinload(UnitMember.unit))
    ).scalar_one_or_none()


def unit_intents(unit_id: int) -> Sequence[PurchaseIntent]:
    return (
        db.session.execute(
            db.select(PurchaseIntent)
            .where(PurchaseIntent.unit_id == unit_id)
            .order_by(PurchaseIntent.id.desc())
            .options(selectinload(PurchaseIntent.lines))
        )
        .scalars()
        .all()
    )


def deliveries(intent_id: int) -> Sequence[Order]:
    return (
        db.session.execute(
            db.select(Order)
            .where(Order.purchase_intent_id == intent_id)
            .order_by(Order.id)
            .options(selectinload(Order.lines), selectinload(Order.payments))
        )
        .scalars()
        .all()
    )


@dataclass(frozen=True)
class _UnitOrder:
    id: int
    unit_id: int
    by_staff: bool  # a member's own online purchase, not a contract delivery
    live: bool
    total_fen: int
    paid_fen: int  # net of refunds


def _orders_of(unit_ids: list[int], year: int) -> list[_UnitOrder]:
    """The units' orders of a year: their contracts' deliveries, and their members' own online
    purchases paid in the county's year. Read first, as rows: left as subqueries, their few rows
    were estimated at hundreds of thousands on the county's data and the whole ledger was read
    to find their rows (2.95 s for the public leaderboard of one unit, 15 ms after)."""
    figures = (Order.id, Order.status.not_in(NOT_LIVE), Order.total_fen, Order.paid_fen - Order.refunded_fen)
    delivering = db.session.execute(
        db.select(PurchaseIntent.unit_id, *figures)
        .select_from(Order)
        .join(PurchaseIntent, PurchaseIntent.id == Order.purchase_intent_id)
        .where(_among(PurchaseIntent.unit_id, unit_ids), PurchaseIntent.year == year)
    ).all()
    buying = db.session.execute(
        db.select(UnitMember.unit_id, *figures)
        .select_from(Order)
        .join(UnitMember, UnitMember.user_id == Order.user_id)
        .where(
            _among(UnitMember.unit_id, unit_ids),
            Order.channel == "online",
            Order.paid_at >= day_bound(date(year, 1, 1)),
            Order.paid_at < day_bound(date(year + 1, 1, 1)),
        )
    ).all()
    return [
        _UnitOrder(order_id, unit_id, by_staff, bool(live), total, paid)
        for by_staff, rows in ((False, delivering), (True, buying))
        for unit_id, order_id, live, total, paid in rows
    ]


def _among(column, ids: list[int]):
    # The ids are written into the statement, not bound one parameter each: a big unit's year of
    # members' purchases could pass the databases' limits (SQLite 32,766, PostgreSQL 65,535).
    return column.in_(bindparam(None, ids, expanding=True, literal_execute=True))


def dashboard(unit: SupportingUnit, year: int) -> dict:
    """Pledged vs contracted vs delivered vs paid, and whom the purchases reached, for a year."""
    pledged = db.session.scalar(db.select(Pledge.amount_fen).where(Pledge.unit_id == unit.id, Pledge.year == year)) or 0
    contracted = db.session.scalar(
        db.select(func.coalesce(func.sum(IntentLine.quantity * IntentLine.unit_price_fen), 0))
        .join(PurchaseIntent)
        .where(PurchaseIntent.unit_id == unit.id, PurchaseIntent.year == year, PurchaseIntent.status.in_(COUNTED))
    )
    orders = _orders_of([unit.id], year)
    delivered = [o for o in orders if not o.by_staff and o.live]
    villages = _reached(orders)[unit.id]
    return {
        "year": year,
        "pledged_fen": pledged,
        "contracted_fen": int(contracted),
        "delivered_fen": sum(o.total_fen for o in delivered),
        "paid_fen": sum(o.paid_fen for o in delivered),
        "staff_paid_fen": sum(o.paid_fen for o in orders if o.by_staff),
        "households": _households(villages),
        "villages": sorted(
            (
                {"name": name, "households": len(fen_of), "amount_fen": sum(fen_of.values())}
                for name, fen_of in villages.items()
            ),
            key=lambda v: (-v["amount_fen"], v["name"]),
        ),
    }


Reached = dict[str, dict[int, int]]  # village name → household → fen


def _reached(orders: list[_UnitOrder]) -> defaultdict[int, Reached]:
    """Each unit's households that its orders' ledger rows reached, with what they received, by
    village: one reading of the ledger for the dashboard's figures and the leaderboard's alike.
    Rows without a household (a producer with no benefit links) have no village either."""
    unit_of = {o.id: o.unit_id for o in orders}
    reached: defaultdict[int, Reached] = defaultdict(dict)
    if unit_of:
        for order_id, village, household_id, fen in db.session.execute(
            db.select(Attribution.order_id, Village.name, Attribution.household_id, func.sum(Attribution.amount_fen))
            .join(Village, Village.id == Attribution.village_id)
            .where(_among(Attribution.order_id, list(unit_of)))
            .group_by(Attribution.order_id, Village.name, Attribution.household_id)
        ):
            fen_of = reached[unit_of[order_id]].setdefault(village, {})
            fen_of[household_id] = fen_of.get(household_id, 0) + int(fen)
    return reached


def _households(villages: Reached) -> int:
    return sum(len(fen_of) for fen_of in villages.values())


def leaderboard(year: int) -> list[dict]:
    """Units that chose to be listed, by what they paid for in the year (contracts and staff
    purchases): their dashboards' figures, read for all of them at once."""
    units = db.session.execute(
        db.select(SupportingUnit.id, SupportingUnit.name, SupportingUnit.kind).where(
            SupportingUnit.on_leaderboard.is_(True), SupportingUnit.approved_at.is_not(None)
        )
    ).all()
    if not units:
        return []
    ids = [unit.id for unit in units]
    pledged = dict(
        db.session.execute(
            db.select(Pledge.unit_id, Pledge.amount_fen).where(_among(Pledge.unit_id, ids), Pledge.year == year)
        ).all()
    )
    orders = _orders_of(ids, year)
    reached = _reached(orders)
    by_unit: defaultdict[int, list[_UnitOrder]] = defaultdict(list)
    for order in orders:
        by_unit[order.unit_id].append(order)
    ranked = [
        {
            "name": unit.name,
            "kind": unit.kind,
            # Its live contract deliveries and its members' purchases, net of refunds.
            "paid_fen": sum(o.paid_fen for o in by_unit[unit.id] if o.by_staff or o.live),
            "pledged_fen": pledged.get(unit.id, 0),
            "households": _households(reached[unit.id]),
        }
        for unit in units
    ]
    return sorted(ranked, key=lambda r: -r["paid_fen"])


def staff_units() -> Sequence[SupportingUnit]:
    return (
        db.session.execute(
            db.select(SupportingUnit)
            .order_by(SupportingUnit.approved_at.is_not(None), SupportingUnit.id.desc())
            .options(selectinload(SupportingUnit.pledges))
        )
        .scalars()
        .all()
    )


def staff_intents(status: str | None) -> Sequence[PurchaseIntent]:
    query = (
        db.select(PurchaseIntent)
        .order_by(PurchaseIntent.id.desc())
        .options(selectinload(PurchaseIntent.unit), selectinload(PurchaseIntent.lines))
    )
    if status:
        query = query.where(PurchaseIntent.status == status)
    return db.session.execute(query.limit(500)).scalars().all()


def intent_by_number(number: str) -> PurchaseIntent | None:
    return db.session.execute(
        db.select(PurchaseIntent)
        .where(PurchaseIntent.number == number)
        .options(
            selectinload(PurchaseIntent.lines).selectinload(IntentLine.sku).selectinload(Sku.product),
            selectinload(PurchaseIntent.deliveries),
            selectinload(PurchaseIntent.unit),
        )
    ).scalar_one_or_none()


def grid_skus(on_the_contract: Collection[int] = ()) -> Sequence[Sku]:
    """Every SKU a unit may order, for the quantity grid, and the contract's own: a household's
    produce taken up from its post (供需对接) is sold by contract only, never in the shop."""
    return (
        db.session.execute(
            db.select(Sku)
            .join(Product)
            .where((Sku.is_active.is_(True) & Product.is_active.is_(True)) | Sku.id.in_(list(on_the_contract)))
            .order_by(Product.township_id, Product.id, Sku.price_fen)
            .options(selectinload(Sku.product).selectinload(Product.township))
        )
        .scalars()
        .all()
    )


def delivery(number: str, intent_id: int) -> Order | None:
    """A contract's delivery (an order of the intent channel) by its number."""
    return db.session.execute(
        select(Order).where(Order.number == number, Order.purchase_intent_id == intent_id)
    ).scalar_one_or_none()


def unit_delivery(unit_id: int, number: str) -> tuple[PurchaseIntent, Order] | None:
    """A delivery and its contract, if the contract is the unit's."""
    found = db.session.execute(
        select(PurchaseIntent, Order)
        .join(Order, Order.purchase_intent_id == PurchaseIntent.id)
        .where(Order.number == number, PurchaseIntent.unit_id == unit_id)
    ).one_or_none()
    return (found[0], found[1]) if found else None
