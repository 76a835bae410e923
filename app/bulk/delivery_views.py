"""A supporting unit's deliveries and documents: accepting a delivery, its delivery note, and
any earlier version of an issued document."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.accounts.access import current_actor
from app.bulk import bp, documents, fulfilment, queries
from app.bulk.access import my_unit
from app.bulk.forms import (
    ReasonForm,
)
from app.bulk.models import Document, PurchaseIntent
from app.domain.transitions import ForbiddenTransition
from app.extensions import db


def _my_delivery(unit_id: int, order_number: str):
    unit = my_unit(unit_id)
    found = queries.unit_delivery(unit.id, order_number) or abort(404)
    intent, order = found
    return unit, intent, order


@bp.post("/units/<int:unit_id>/deliveries/<order_number>/accept")
@login_required
def accept_delivery(unit_id: int, order_number: str):
    unit, intent, order = _my_delivery(unit_id, order_number)
    if not ReasonForm().validate_on_submit():
        abort(400)
    try:
        fulfilment.accept_delivery(order, current_actor())
    except ForbiddenTransition:
        db.session.rollback()
        flash(_("这次交付还没有发货，发货后才能验收。"), "danger")
    else:
        flash(_("已验收。"), "success")
    return redirect(url_for("bulk.intent", unit_id=unit.id, number=intent.number)), 303


@bp.post("/units/<int:unit_id>/deliveries/<order_number>/note")
@login_required
def issue_delivery_note(unit_id: int, order_number: str):
    unit, intent, order = _my_delivery(unit_id, order_number)
    if not ReasonForm().validate_on_submit():
        abort(400)
    document = documents.issue("delivery_note", intent, order, current_actor())
    return redirect(url_for("bulk.document", unit_id=unit.id, document_id=document.id)), 303


@bp.get("/units/<int:unit_id>/documents/<int:document_id>")
@login_required
def document(unit_id: int, document_id: int):
    """An earlier version of a contract or delivery note, exactly as it was issued."""
    unit = my_unit(unit_id)
    found = db.session.get(Document, document_id)
    if found is None or db.session.get_one(PurchaseIntent, found.intent_id).unit_id != unit.id:
        abort(404)
    return documents.stored_pdf(found)
