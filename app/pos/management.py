"""County staff set up fairs: events, booths, their clerks and stock allocations, and settle
the booth sales flagged for reconciliation. Every change is audited."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.audit.services import Actor, record
from app.catalog.models import Sku
from app.domain import roles
from app.events.models import Event
from app.extensions import db
from app.models_base import utcnow
from app.pos.models import Booth, BoothAllocation, BoothSale
from app.pos.refusals import SetupError
from app.records import county_words
from app.registry.models import Township


@dataclass(frozen=True)
class EventDraft:
    code: str
    name: str
    kind: str
    starts_on: date
    ends_on: date
    venue: str


def create_event(draft: EventDraft, actor: Actor) -> Event:
    code = draft.code.strip().upper()
    if db.session.scalar(select(Event.id).where(Event.code == code)):
        raise SetupError("event_code_taken", code=code)
    if draft.ends_on < draft.starts_on:
        raise SetupError("event_dates")
    event = Event(
        code=code,
        name=draft.name.strip(),
        kind=draft.kind,
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        venue=draft.venue.strip(),
    )
    db.session.add(event)
    db.session.flush()
    record(
        actor,
        "create_event",
        "event",
        code,
        after={"name": event.name, "kind": event.kind, "starts_on": event.starts_on, "ends_on": event.ends_on},
    )
    db.session.commit()
    return event


def create_booth(event: Event, township_id: int, opening_float_fen: int, merchant_name: str, actor: Actor) -> Booth:
    township = db.session.get(Township, township_id)
    if township is None:
        raise SetupError("township_required")
    code = f"{event.code}-{township.code.upper()}"
    if db.session.scalar(select(Booth.id).where(Booth.code == code)):
        raise SetupError("township_has_booth", township=township.name, code=code)
    booth = Booth(
        code=code,
        event_id=event.id,
        township_id=township.id,
        # A booth's name is a proper name, written once in the county's language like the
        # township's it carries.
        name=county_words("%(township)s展位", township=township.name),
        opening_float_fen=opening_float_fen,
        merchant_name=merchant_name.strip(),
    )
    db.session.add(booth)
    db.session.flush()
    record(
        actor, "create_booth", "booth", code, after={"township": township.name, "opening_float_fen": opening_float_fen}
    )
    db.session.commit()
    return booth


def set_allocation(booth: Booth, sku_code: str, quantity: int, actor: Actor) -> BoothAllocation:
    """Set how many of a SKU the booth takes; never below what it already sold."""
    sku = db.session.execute(select(Sku).where(Sku.code == sku_code.strip())).scalar_one_or_none()
    if sku is None:
        raise SetupError("unknown_sku", code=sku_code)
    allocation = db.session.execute(
        select(BoothAllocation)
        .where(BoothAllocation.booth_id == booth.id, BoothAllocation.sku_id == sku.id)
        .with_for_update()
    ).scalar_one_or_none()
    before = allocation.allocated if allocation else 0
    if allocation is None:
        allocation = BoothAllocation(booth_id=booth.id, sku_id=sku.id, allocated=0, sold=0)
        db.session.add(allocation)
    if quantity < allocation.sold:
        raise SetupError("below_sold", code=sku.code, sold=allocation.sold)
    allocation.allocated = quantity
    record(
        actor,
        "set_booth_allocation",
        "booth",
        booth.code,
        before={"sku": sku.code, "allocated": before},
        after={"sku": sku.code, "allocated": quantity},
    )
    db.session.commit()
    return allocation


def add_clerk(booth: Booth, email: str, actor: Actor) -> User:
    user = db.session.execute(select(User).where(User.email == email.strip().lower())).scalar_one_or_none()
    if user is None or user.role not in (roles.CLERK, roles.STAFF):
        raise SetupError("no_clerk_account", email=email)
    if any(c.id == user.id for c in booth.clerks):
        raise SetupError("already_clerk", name=user.name)
    booth.clerks.append(user)
    record(actor, "add_booth_clerk", "booth", booth.code, after={"clerk": user.email})
    try:
        db.session.commit()
    except IntegrityError as clash:  # added by someone else a moment ago
        db.session.rollback()
        raise SetupError("already_clerk", name=user.name) from clash
    return user


def remove_clerk(booth: Booth, user_id: int, actor: Actor) -> None:
    user = next((c for c in booth.clerks if c.id == user_id), None)
    if user is None:
        raise SetupError("not_a_clerk")
    booth.clerks.remove(user)
    record(actor, "remove_booth_clerk", "booth", booth.code, before={"clerk": user.email})
    db.session.commit()


def reconcile_sale(sale_id: int, note: str, actor: Actor) -> BoothSale:
    """Staff have looked at a flagged sale and say how it was settled; the sale itself never changes."""
    sale = db.session.get(BoothSale, sale_id)
    if sale is None or not sale.flags:
        raise SetupError("sale_not_found")
    if sale.reconciled_at is not None:
        raise SetupError("already_reconciled")
    sale.reconciled_at, sale.reconciled_by_id, sale.reconciliation_note = utcnow(), actor.user_id, note.strip()[:255]
    record(
        actor,
        "reconcile_booth_sale",
        "booth_sale",
        sale.uuid,
        before={"flags": sale.flags},
        after={"note": sale.reconciliation_note},
    )
    db.session.commit()
    return sale
