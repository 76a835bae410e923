"""Staff create lots; each creation is audited."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.audit.services import Actor, record
from app.catalog.models import Sku
from app.extensions import db
from app.trace.models import Lot
from app.trace.refusals import LotError


@dataclass(frozen=True)
class LotDraft:
    sku_code: str
    harvested_on: date
    quantity: int
    packed_on: date | None = None
    inspection_note: str = ""
    code: str = ""


def _next_code(sku: Sku, harvested_on: date) -> str:
    # Typed at a booth when a camera fails: SKU code and harvest date, then A, B, … per extra lot that day.
    stem = f"{sku.code}-{harvested_on:%y%m%d}"
    taken = set(db.session.execute(select(Lot.code).where(Lot.code.like(f"{stem}%"))).scalars())
    for suffix in "ABCDEFGHJKLMNPQRSTUVWXYZ":
        if f"{stem}{suffix}" not in taken:
            return f"{stem}{suffix}"
    raise LotError("too_many_lots")


def create_lot(draft: LotDraft, actor: Actor) -> Lot:
    """A lot of one SKU, coded automatically unless staff gave a code. Commits."""
    lot = new_lot(draft, actor)
    db.session.commit()
    return lot


def new_lot(draft: LotDraft, actor: Actor) -> Lot:
    """``create_lot`` inside the caller's transaction. Does not commit."""
    sku = db.session.execute(select(Sku).where(Sku.code == draft.sku_code.strip())).scalar_one_or_none()
    if sku is None:
        raise LotError("unknown_sku", code=draft.sku_code)
    if draft.packed_on and draft.packed_on < draft.harvested_on:
        raise LotError("packed_before_harvest")
    code = draft.code.strip().upper() or _next_code(sku, draft.harvested_on)
    if db.session.scalar(select(Lot.id).where(Lot.code == code)):
        raise LotError("lot_code_taken", code=code)
    lot = Lot(
        code=code,
        sku_id=sku.id,
        producer_id=sku.product.producer_id,
        harvested_on=draft.harvested_on,
        packed_on=draft.packed_on,
        quantity=draft.quantity,
        inspection_note=draft.inspection_note.strip(),
        created_by_id=actor.user_id,
    )
    db.session.add(lot)
    db.session.flush()
    record(
        actor,
        "create_lot",
        "lot",
        code,
        after={"sku": sku.code, "harvested_on": draft.harvested_on, "quantity": draft.quantity},
    )
    return lot
