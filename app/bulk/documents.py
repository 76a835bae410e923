"""Numbered PDF documents for contracts and deliveries. An issued document never changes:
when what it says changes, the next issue is a new version, and every version stays."""

import hashlib
import io
import json
from collections.abc import Sequence

from flask import current_app, render_template

from app.audit.services import Actor, record
from app.bulk.models import Document, PurchaseIntent
from app.domain.money import capital_amount
from app.extensions import db
from app.orders.models import Order
from app.pdf import pdf_from_html
from app.storage import storage


def _payee() -> dict:
    config = current_app.config
    return {"name": config["PAYEE_NAME"], "bank": config["PAYEE_BANK"], "account": config["PAYEE_ACCOUNT"]}


def _content(intent: PurchaseIntent, order: Order | None) -> dict:
    """What the document states; its hash decides whether a new version is needed."""
    facts = {
        "payee": _payee(),
        "number": intent.number,
        "unit": intent.unit.name,
        "credit_code": intent.unit.credit_code,
        "po": intent.po_number,
        "terms": intent.payment_terms,
        "due_days": intent.due_days,
        "window": [str(intent.delivery_from), str(intent.delivery_to)],
        "status": intent.status,
        "lines": [[line.sku.code, line.quantity, line.unit_price_fen] for line in intent.lines],
        "planned": [[str(d.planned_on), d.address] for d in intent.deliveries],
    }
    if order is not None:
        facts["delivery"] = [
            order.number,
            order.recipient,
            order.mobile,
            order.street,
            [[line.sku_code, line.quantity, line.unit_price_fen] for line in order.lines],
        ]
    return facts


def issue(kind: str, intent: PurchaseIntent, order: Order | None, actor: Actor) -> Document:
    """The current document of this kind, issuing a new version only when its content changed. Commits."""
    if kind == "contract":
        number = intent.number
    elif order is not None:
        number = f"{intent.number}-{order.number}"
    else:
        raise ValueError("a delivery note needs its delivery")
    content = _content(intent, order)
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    latest = db.session.execute(
        db.select(Document).where(Document.number == number).order_by(Document.version.desc()).limit(1)
    ).scalar_one_or_none()
    if latest is not None and latest.content_hash == digest:
        return latest
    version = 1 + (latest.version if latest else 0)
    template = "bulk/contract_pdf.html" if kind == "contract" else "bulk/delivery_note_pdf.html"
    pdf = pdf_from_html(
        render_template(
            template,
            intent=intent,
            order=order,
            number=number,
            version=version,
            payee=_payee(),
            capital_amount=capital_amount,
        )
    )
    relative = f"{number}-v{version}.pdf"
    storage("documents").put(relative, io.BytesIO(pdf))
    document = Document(
        kind=kind,
        number=number,
        version=version,
        intent_id=intent.id,
        order_id=order.id if order else None,
        path=relative,
        content_hash=digest,
        sha256=hashlib.sha256(pdf).hexdigest(),
        issued_by_id=actor.user_id,
    )
    db.session.add(document)
    record(actor, "issue_document", "purchase_intent", intent.number, after={"document": number, "version": version})
    db.session.commit()
    return document


def documents_of(intent_id: int) -> Sequence[Document]:
    return (
        db.session.execute(
            db.select(Document).where(Document.intent_id == intent_id).order_by(Document.number, Document.version)
        )
        .scalars()
        .all()
    )
