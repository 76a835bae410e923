"""Asking for an invoice and issuing it. Each function is one transaction with its audit row.

The amount is what was paid and not refunded when the buyer asks: an invoice never covers money
given back."""

import io
import re
from dataclasses import dataclass

from sqlalchemy import select

from app.audit.services import Actor, record
from app.bulk.models import PurchaseIntent
from app.domain import invoice_states as states
from app.domain.identity import is_valid_credit_code
from app.extensions import db
from app.invoicing.models import InvoiceRequest
from app.invoicing.queries import paid_on_contract
from app.invoicing.refusals import InvoiceError
from app.invoicing.words import STATUS
from app.models_base import utcnow
from app.orders.models import Order
from app.refusals import Missing
from app.storage import storage

INVOICE_NUMBER = re.compile(r"^\d{8,20}$")


@dataclass(frozen=True)
class InvoiceDraft:
    kind: str
    title: str
    taxpayer_id: str = ""
    address_phone: str = ""
    bank_account: str = ""
    email: str = ""
    for_a_company: bool = True


def _checked(draft: InvoiceDraft) -> InvoiceDraft:
    taxpayer = draft.taxpayer_id.strip().upper()
    if taxpayer and not is_valid_credit_code(taxpayer):
        raise InvoiceError("taxpayer_id")
    if draft.for_a_company and not taxpayer:
        raise InvoiceError("taxpayer_needed")
    if draft.kind == "special" and not (taxpayer and draft.address_phone.strip() and draft.bank_account.strip()):
        raise InvoiceError("special_needs")
    return InvoiceDraft(
        draft.kind,
        draft.title.strip()[:128],
        taxpayer,
        draft.address_phone.strip()[:200],
        draft.bank_account.strip()[:200],
        draft.email.strip()[:255],
        draft.for_a_company,
    )


def _open_request(**for_what: int) -> InvoiceRequest | None:
    key, value = next(iter(for_what.items()))
    return db.session.scalar(
        select(InvoiceRequest).where(
            getattr(InvoiceRequest, key) == value, InvoiceRequest.status.in_((states.REQUESTED, states.ISSUED))
        )
    )


def _ask(draft: InvoiceDraft, amount_fen: int, user_id: int, actor: Actor, **for_what: int) -> InvoiceRequest:
    draft = _checked(draft)
    if amount_fen <= 0:
        raise InvoiceError("not_paid")
    existing = _open_request(**for_what)
    if existing is not None:
        raise InvoiceError("already_asked", status=STATUS[existing.status])
    request = InvoiceRequest(
        **for_what,
        requested_by=user_id,
        kind=draft.kind,
        title=draft.title,
        taxpayer_id=draft.taxpayer_id,
        address_phone=draft.address_phone,
        bank_account=draft.bank_account,
        email=draft.email,
        amount_fen=amount_fen,
    )
    db.session.add(request)
    db.session.flush()
    record(actor, "request_invoice", "invoice", request.id, after={"kind": draft.kind, "amount_fen": amount_fen})
    db.session.commit()
    return request


def request_for_order(order: Order, user_id: int, draft: InvoiceDraft, actor: Actor) -> InvoiceRequest:
    """Commits."""
    return _ask(draft, order.paid_fen - order.refunded_fen, user_id, actor, order_id=order.id)


def request_for_contract(intent: PurchaseIntent, user_id: int, draft: InvoiceDraft, actor: Actor) -> InvoiceRequest:
    """One invoice for everything paid on a contract's deliveries so far. Commits."""
    return _ask(draft, paid_on_contract(intent.id), user_id, actor, intent_id=intent.id)


def _pending(request_id: int) -> InvoiceRequest:
    request = db.session.scalar(select(InvoiceRequest).where(InvoiceRequest.id == request_id).with_for_update())
    if request is None:
        raise Missing(request_id)
    return request


def issue(request_id: int, number: str, pdf: bytes, actor: Actor) -> InvoiceRequest:
    """Record the issued invoice: its number and its e-invoice PDF, kept in the documents storage. Commits."""
    request = _pending(request_id)
    states.check_transition(request.status, states.ISSUED)
    number = number.strip()
    if not INVOICE_NUMBER.match(number):
        raise InvoiceError("number")
    if not pdf.startswith(b"%PDF-"):
        raise InvoiceError("not_a_pdf")
    key = f"invoices/{request.id}-{number}.pdf"
    storage("documents").put(key, io.BytesIO(pdf))
    request.status, request.invoice_number, request.pdf_key = states.ISSUED, number, key
    request.decided_at, request.decided_by = utcnow(), actor.user_id
    record(actor, "issue_invoice", "invoice", request.id, after={"number": number, "amount_fen": request.amount_fen})
    db.session.commit()
    return request


def decline(request_id: int, reason: str, actor: Actor) -> InvoiceRequest:
    """Commits. The buyer may ask again, corrected."""
    request = _pending(request_id)
    states.check_transition(request.status, states.DECLINED)
    if not reason.strip():
        raise InvoiceError("decline_reason")
    request.status, request.decline_reason = states.DECLINED, reason.strip()[:200]
    request.decided_at, request.decided_by = utcnow(), actor.user_id
    record(actor, "decline_invoice", "invoice", request.id, after={"reason": request.decline_reason})
    db.session.commit()
    return request
