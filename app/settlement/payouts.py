"""Recording what reached each household: payouts, reversals and the household's confirmation.
Each function is one transaction with its audit row; the payout book only grows."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.audit.services import Actor, record
from app.clock import county_date, today
from app.domain import statement_states as states
from app.domain.money import format_fen
from app.extensions import db
from app.pictures import MAX_BYTES, PictureRejected, store_upload
from app.refusals import Missing
from app.settlement.balances import balances
from app.settlement.models import PAYOUT_METHODS, Payout, PayoutConfirmation, StatementLine
from app.settlement.refusals import SettlementError
from app.settlement.scope import Scope, may_handle

RECEIPT_SIDE = 1600  # a signature and a thumbprint stay legible


@dataclass(frozen=True)
class PayoutDraft:
    amount_fen: int
    paid_on: date
    method: str
    reference: str = ""
    receipt: bytes | None = None
    note: str = ""


def _line_for(line_id: int, scope: Scope) -> StatementLine:
    # Locked: two people recording the same household at once cannot together pay out more than is owed.
    line = db.session.scalar(select(StatementLine).where(StatementLine.id == line_id).with_for_update())
    if line is None or not may_handle(scope, line.household, line.statement.producer_id):
        raise Missing(line_id)
    return line


def record_payout(line_id: int, draft: PayoutDraft, scope: Scope, actor: Actor) -> Payout:
    """Money handed to the line's household. Commits."""
    line = _line_for(line_id, scope)
    statement = line.statement
    if statement.status not in states.PAYABLE:
        raise SettlementError("not_payable")
    if draft.method not in PAYOUT_METHODS:
        raise ValueError(draft.method)
    if draft.amount_fen <= 0:
        raise SettlementError("amount_positive")
    outstanding = balances([line])[line.id].outstanding_fen
    if draft.amount_fen > outstanding:
        raise SettlementError("over_outstanding", outstanding=format_fen(max(outstanding, 0)))
    assert statement.confirmed_at is not None  # every payable statement was confirmed
    if not county_date(statement.confirmed_at) <= draft.paid_on <= today():
        raise SettlementError("paid_on")
    payout = Payout(
        line_id=line.id,
        household_id=line.household_id,
        amount_fen=draft.amount_fen,
        paid_on=draft.paid_on,
        method=draft.method,
        reference=draft.reference.strip()[:64],
        receipt_key=_store_receipt(statement.number, line.id, draft.receipt) if draft.receipt else "",
        note=draft.note.strip()[:200],
        recorded_by=actor.user_id,
    )
    db.session.add(payout)
    db.session.flush()
    record(
        actor,
        "record_payout",
        "payout",
        payout.id,
        after={"line": line.id, "amount_fen": payout.amount_fen, "method": payout.method, "paid_on": payout.paid_on},
    )
    db.session.commit()
    return payout


def _store_receipt(number: str, line_id: int, data: bytes) -> str:
    try:
        return store_upload("documents", f"receipts/{number}/{line_id}", data, RECEIPT_SIDE)
    except PictureRejected as exc:
        raise SettlementError(f"receipt_{exc.reason}", mb=MAX_BYTES // 1024 // 1024) from exc


def _payout_for(payout_id: int, scope: Scope) -> Payout:
    payout = db.session.get(Payout, payout_id)
    if payout is None or not may_handle(scope, payout.household, payout.line.statement.producer_id):
        raise Missing(payout_id)
    return payout


def reverse_payout(payout_id: int, reason: str, scope: Scope, actor: Actor) -> Payout:
    """Take back a payout recorded in error with a negative row; the line is owed again. Commits."""
    payout = _payout_for(payout_id, scope)
    if payout.reverses_id is not None:
        raise SettlementError("already_reversed")
    if not reason.strip():
        raise SettlementError("reversal_reason")
    if db.session.scalar(select(Payout.id).where(Payout.reverses_id == payout.id)) is not None:
        raise SettlementError("already_reversed")
    reversal = Payout(
        line_id=payout.line_id,
        household_id=payout.household_id,
        amount_fen=-payout.amount_fen,
        paid_on=today(),
        method=payout.method,
        reference=payout.reference,
        reverses_id=payout.id,
        note=reason.strip()[:200],
        recorded_by=actor.user_id,
    )
    db.session.add(reversal)
    db.session.flush()
    record(actor, "reverse_payout", "payout", payout.id, after={"reversal": reversal.id, "reason": reversal.note})
    db.session.commit()
    return reversal


def confirm_receipt(payout_id: int, confirmed_on: date, scope: Scope, actor: Actor) -> PayoutConfirmation:
    """The household says the money arrived. Commits."""
    payout = _payout_for(payout_id, scope)
    if payout.reverses_id is not None or db.session.scalar(select(Payout.id).where(Payout.reverses_id == payout.id)):
        raise SettlementError("reversed_payout")
    if db.session.scalar(select(PayoutConfirmation.id).where(PayoutConfirmation.payout_id == payout.id)):
        raise SettlementError("already_confirmed")
    confirmation = PayoutConfirmation(payout_id=payout.id, confirmed_on=confirmed_on, recorded_by=actor.user_id)
    db.session.add(confirmation)
    record(actor, "confirm_payout", "payout", payout.id, after={"confirmed_on": confirmed_on})
    db.session.commit()
    return confirmation
