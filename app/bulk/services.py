"""Units and their contracts: registration, approval, pledges, members, drafting a contract
(quantity grid or spreadsheet) and moving it through its life. Each function commits once or
raises and leaves the database as it was."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.audit.services import Actor, record
from app.bulk import notes
from app.bulk.models import IntentLine, PlannedDelivery, Pledge, PurchaseIntent, SupportingUnit, UnitMember
from app.bulk.pricing import agreed_price
from app.bulk.refusals import UnitError
from app.bulk.upload import UploadRow
from app.bulk.workflow import set_intent_status
from app.catalog.models import Sku
from app.domain import intent_states as states
from app.domain import roles
from app.domain.identity import is_valid_credit_code, is_valid_mobile
from app.events.models import Event
from app.extensions import db
from app.models_base import utcnow
from app.outbox.services import mail_user


@dataclass(frozen=True)
class UnitDraft:
    name: str
    kind: str
    credit_code: str
    contact_name: str
    contact_phone: str
    address: str


def register_unit(draft: UnitDraft, user_id: int, actor: Actor) -> SupportingUnit:
    """A new unit, pending county approval, with the registering user as its admin. Commits."""
    code = draft.credit_code.strip().upper()
    if not is_valid_credit_code(code):
        raise UnitError("credit_code")
    if db.session.scalar(select(SupportingUnit.id).where(SupportingUnit.credit_code == code)):
        raise UnitError("credit_code_taken")
    if db.session.scalar(select(UnitMember.id).where(UnitMember.user_id == user_id)):
        raise UnitError("already_in_a_unit")
    if not is_valid_mobile(draft.contact_phone):
        raise UnitError("contact_mobile")
    unit = SupportingUnit(
        name=draft.name.strip(),
        kind=draft.kind,
        credit_code=code,
        contact_name=draft.contact_name.strip(),
        contact_phone=draft.contact_phone.strip(),
        address=draft.address.strip(),
    )
    db.session.add(unit)
    db.session.flush()
    _join(unit, db.session.get_one(User, user_id), "admin")
    record(actor, "register_unit", "unit", unit.id, after={"name": unit.name, "credit_code": code})
    db.session.commit()
    return unit


def _join(unit: SupportingUnit, user: User, role: str) -> None:
    db.session.add(UnitMember(unit_id=unit.id, user_id=user.id, role=role))
    if user.role == roles.CONSUMER:
        user.role = roles.UNIT_MEMBER


def approve_unit(unit: SupportingUnit, actor: Actor) -> None:
    if unit.approved_at is None:
        unit.approved_at = utcnow()
        record(actor, "approve_unit", "unit", unit.id, after={"name": unit.name})
    db.session.commit()


def add_member(unit: SupportingUnit, email: str, role: str, actor: Actor) -> UnitMember:
    user = db.session.execute(select(User).where(User.email == email.strip().lower())).scalar_one_or_none()
    if user is None or user.role not in (roles.CONSUMER, roles.UNIT_MEMBER):
        raise UnitError("no_such_account", email=email)
    if db.session.scalar(select(UnitMember.id).where(UnitMember.user_id == user.id)):
        raise UnitError("member_elsewhere", name=user.name)
    _join(unit, user, role)
    record(actor, "add_unit_member", "unit", unit.id, after={"member": user.email, "role": role})
    db.session.commit()
    return db.session.execute(select(UnitMember).where(UnitMember.user_id == user.id)).scalar_one()


def set_pledge(unit: SupportingUnit, year: int, amount_fen: int, on_leaderboard: bool, actor: Actor) -> Pledge:
    """The unit's purchase pledge for a year, and whether it is listed on the public board. Commits."""
    pledge = db.session.execute(
        select(Pledge).where(Pledge.unit_id == unit.id, Pledge.year == year)
    ).scalar_one_or_none()
    before = {"year": year, "amount_fen": pledge.amount_fen if pledge else None, "on_leaderboard": unit.on_leaderboard}
    if pledge is None:
        pledge = Pledge(unit_id=unit.id, year=year, amount_fen=amount_fen)
        db.session.add(pledge)
    pledge.amount_fen = amount_fen
    unit.on_leaderboard = on_leaderboard
    record(
        actor,
        "set_pledge",
        "unit",
        unit.id,
        before=before,
        after={"year": year, "amount_fen": amount_fen, "on_leaderboard": on_leaderboard},
    )
    db.session.commit()
    return pledge


@dataclass(frozen=True)
class IntentDraft:
    po_number: str
    payment_terms: str
    due_days: int
    delivery_from: date
    delivery_to: date
    event_code: str
    note: str


def create_intent(unit: SupportingUnit, draft: IntentDraft, actor: Actor) -> PurchaseIntent:
    """A draft contract for the unit; its number is fixed now and printed on every document. Commits."""
    intent = new_intent(unit, draft, actor)
    db.session.commit()
    return intent


def new_intent(unit: SupportingUnit, draft: IntentDraft, actor: Actor) -> PurchaseIntent:
    """``create_intent`` inside the caller's transaction. Does not commit."""
    if draft.delivery_to < draft.delivery_from:
        raise UnitError("window_order")
    event_id = None
    if draft.event_code.strip():
        event_id = db.session.scalar(select(Event.id).where(Event.code == draft.event_code.strip().upper()))
        if event_id is None:
            raise UnitError("unknown_event", code=draft.event_code)
    intent = PurchaseIntent(
        number="pending",
        unit_id=unit.id,
        year=draft.delivery_from.year,
        po_number=draft.po_number.strip(),
        payment_terms=draft.payment_terms,
        due_days=draft.due_days if draft.payment_terms == "pay_by_due" else 0,
        delivery_from=draft.delivery_from,
        delivery_to=draft.delivery_to,
        event_id=event_id,
        note=draft.note.strip(),
        created_by_id=actor.user_id,
    )
    db.session.add(intent)
    db.session.flush()
    intent.number = f"DKYX{draft.delivery_from.year}{intent.id:05d}"
    record(actor, "create_intent", "purchase_intent", intent.number, after={"unit": unit.name})
    return intent


def _editable(intent: PurchaseIntent) -> None:
    if intent.status not in states.EDITABLE:
        raise UnitError("not_a_draft")


def set_lines(intent: PurchaseIntent, quantities: dict[int, int], actor: Actor) -> None:
    """Replace the contract's lines from the quantity grid (SKU id → quantity; 0 drops it). Commits."""
    _editable(intent)
    skus = {s.id: s for s in db.session.execute(select(Sku).where(Sku.id.in_(quantities))).scalars()}
    unknown = [str(k) for k in quantities if k not in skus]
    if unknown:
        raise UnitError("sku_withdrawn")
    put_lines(intent, {skus[k]: q for k, q in quantities.items() if q > 0})
    record(
        actor,
        "set_intent_lines",
        "purchase_intent",
        intent.number,
        after={skus[k].code: q for k, q in quantities.items() if q > 0},
    )
    db.session.commit()


def put_lines(intent: PurchaseIntent, wanted: dict[Sku, int]) -> None:
    """The contract's lines become ``wanted`` (SKU → quantity) at the agreed prices. Does not commit."""
    intent.lines.clear()
    db.session.flush()
    for sku, quantity in sorted(wanted.items(), key=lambda item: item[0].id):
        intent.lines.append(IntentLine(sku_id=sku.id, quantity=quantity, unit_price_fen=agreed_price(sku, quantity)))


def import_lines(intent: PurchaseIntent, rows: list[UploadRow], actor: Actor) -> None:
    """Replace lines and planned deliveries from a checked upload (quantities per SKU are
    summed; each distinct date and address becomes a planned delivery). Commits."""
    _editable(intent)
    skus = {
        s.code: s for s in db.session.execute(select(Sku).where(Sku.code.in_({r.sku_code for r in rows}))).scalars()
    }
    totals: dict[Sku, int] = {}
    for row in rows:
        totals[skus[row.sku_code]] = totals.get(skus[row.sku_code], 0) + row.quantity
    put_lines(intent, totals)
    planned = sorted({(r.delivery_date, r.address) for r in rows if r.delivery_date and r.address})
    if planned:
        intent.deliveries.clear()
        intent.deliveries.extend(PlannedDelivery(planned_on=d, address=a) for d, a in planned)
    record(
        actor,
        "import_intent_lines",
        "purchase_intent",
        intent.number,
        after={"rows": len(rows), "skus": len(totals), "planned_deliveries": len(planned)},
    )
    db.session.commit()


def add_planned_delivery(
    intent: PurchaseIntent, planned_on: date, address: str, recipient: str, mobile: str, actor: Actor
) -> None:
    _editable(intent)
    if not intent.delivery_from <= planned_on <= intent.delivery_to:
        raise UnitError("planned_outside_window", start=intent.delivery_from, end=intent.delivery_to)
    intent.deliveries.append(
        PlannedDelivery(
            planned_on=planned_on, address=address.strip(), recipient=recipient.strip(), mobile=mobile.strip()
        )
    )
    record(
        actor,
        "add_planned_delivery",
        "purchase_intent",
        intent.number,
        after={"planned_on": planned_on, "address": address.strip()},
    )
    db.session.commit()


def submit_intent(intent: PurchaseIntent, actor: Actor) -> None:
    if not intent.lines:
        raise UnitError("no_lines")
    if not intent.deliveries:
        raise UnitError("no_planned_delivery")
    set_intent_status(intent, states.SUBMITTED, actor, notes.note("unit_submitted"))
    db.session.commit()


def withdraw_intent(intent: PurchaseIntent, actor: Actor) -> None:
    set_intent_status(intent, states.DRAFT, actor, notes.note("unit_withdrew"))
    db.session.commit()


def cancel_intent(intent: PurchaseIntent, actor: Actor, reason: str) -> None:
    set_intent_status(intent, states.CANCELLED, actor, reason or notes.note("cancelled"))
    db.session.commit()


def confirm_intent(intent: PurchaseIntent, actor: Actor) -> None:
    if intent.unit.approved_at is None:
        raise UnitError("unit_not_approved")
    set_intent_status(intent, states.CONFIRMED, actor, notes.note("office_confirmed"))
    _mail_buyer(intent, "intent_confirmed")
    db.session.commit()


def decline_intent(intent: PurchaseIntent, actor: Actor, reason: str) -> None:
    if not reason.strip():
        raise UnitError("decline_reason")
    set_intent_status(intent, states.DECLINED, actor, reason)
    _mail_buyer(intent, "intent_declined", reason=reason)
    db.session.commit()


def expire_intents(today: date, actor: Actor) -> list[str]:
    """Confirmed contracts whose delivery window ended with nothing delivered. Commits."""
    due = (
        db.session.execute(
            select(PurchaseIntent).where(PurchaseIntent.status == states.CONFIRMED, PurchaseIntent.delivery_to < today)
        )
        .scalars()
        .all()
    )
    for intent in due:
        set_intent_status(intent, states.EXPIRED, actor, notes.note("window_passed"))
    db.session.commit()
    return [i.number for i in due]


def intent_for_unit(unit_id: int, number: str) -> PurchaseIntent | None:
    """The unit's own contract by number; None for another unit's, so they look the same as missing."""
    return db.session.execute(
        select(PurchaseIntent)
        .where(PurchaseIntent.number == number, PurchaseIntent.unit_id == unit_id)
        .options(
            selectinload(PurchaseIntent.lines).selectinload(IntentLine.sku).selectinload(Sku.product),
            selectinload(PurchaseIntent.deliveries),
        )
    ).scalar_one_or_none()


def _mail_buyer(intent: PurchaseIntent, kind: str, **context: Any) -> None:
    """Tell the unit member who drew up the contract. Does not commit."""
    mail_user(db.session.get_one(User, intent.created_by_id), kind, intent=intent, **context)
