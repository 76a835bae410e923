"""Numbered PDF documents for contracts and deliveries. An issued document never changes:
when what it says changes, the next issue is a new version, and every version stays.

Issuing renders the document's HTML in the request, which freezes what it says, and leaves the
PDF to the job worker: laying one out takes WeasyPrint a quarter of a second of CPU or more and
some 40 MB, which no web worker should spend (see app/printing.py). The row holds the HTML
until its PDF is written; a download asked for before then gets the page that waits for it."""

import hashlib
import io
import json
from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import Response, current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import defer

from app.audit.services import Actor, record
from app.bulk.models import Document, PurchaseIntent
from app.domain.money import capital_amount
from app.extensions import db
from app.jobs.queue import after_commit, enqueue
from app.models_base import utcnow
from app.orders.models import Order
from app.pdf import pdf_from_html
from app.printing import waiting
from app.storage import send_stored, storage

# Time for the job the commit enqueued before the sweep queues the layout again (Redis down, a
# worker killed).
SWEEP_GRACE = timedelta(minutes=2)


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
    document = Document(
        kind=kind,
        number=number,
        version=version,
        intent_id=intent.id,
        order_id=order.id if order else None,
        path=f"{number}-v{version}.pdf",
        content_hash=digest,
        html=render_template(
            template,
            intent=intent,
            order=order,
            number=number,
            version=version,
            payee=_payee(),
            capital_amount=capital_amount,
        ),
        issued_by_id=actor.user_id,
    )
    db.session.add(document)
    db.session.flush()
    after_commit(lay_out, document.id, job_id=f"document-{document.id}")
    record(actor, "issue_document", "purchase_intent", intent.number, after={"document": number, "version": version})
    db.session.commit()
    return document


def lay_out(document_id: int) -> None:
    """Job: lay out an issued document's PDF from the HTML frozen at issue, and keep it. Run
    twice (a retry, the sweep), the second waits for the first's lock and finds it done."""
    document = db.session.get(Document, document_id, with_for_update=True)
    if document is None or document.html is None:
        db.session.rollback()
        return
    pdf = pdf_from_html(document.html)
    storage("documents").put(document.path, io.BytesIO(pdf))
    document.sha256, document.html = hashlib.sha256(pdf).hexdigest(), None
    db.session.commit()


def relay_unprinted(now: datetime | None = None) -> int:
    """Sweep: queue the layout again for documents still without their PDF a while after issue.
    How many."""
    pending = db.session.scalars(
        select(Document.id).where(Document.html.is_not(None), Document.issued_at < (now or utcnow()) - SWEEP_GRACE)
    ).all()
    db.session.rollback()
    for document_id in pending:
        # Once per grace period: a worker with a backlog is not handed the same document again
        # at every sweep.
        enqueue(
            lay_out, document_id, job_id=f"document-{document_id}", timeout=int(SWEEP_GRACE.total_seconds()), once=True
        )
    return len(pending)


def stored_pdf(document: Document) -> Response:
    """The document's PDF as the answer to a request, or the page that waits for the worker to
    lay it out. The caller has checked who may see it."""
    if document.sha256 is None:
        return waiting()
    return send_stored("documents", document.path, "application/pdf")


def documents_of(intent_id: int) -> Sequence[Document]:
    # Without the HTML a version still waiting for its PDF holds: the list shows only that it waits.
    return (
        db.session.execute(
            db.select(Document)
            .options(defer(Document.html))
            .where(Document.intent_id == intent_id)
            .order_by(Document.number, Document.version)
        )
        .scalars()
        .all()
    )
