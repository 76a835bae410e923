"""County staff handle units and contracts: approve units, confirm or decline contracts, make
deliveries and ship them; payments for deliveries are recorded on the order page."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.access import current_actor, role_required
from app.admin.forms import ShipForm
from app.bulk import bp, documents, fulfilment, queries, services
from app.bulk.forms import TERMS_LABELS, UNIT_KIND_LABELS, DeliveryForm, ReasonForm
from app.bulk.models import Document, SupportingUnit
from app.domain import intent_states, roles
from app.domain.transitions import ForbiddenTransition
from app.extensions import db
from app.forms import form_errors


def _intent_or_404(number: str):
    intent = queries.intent_by_number(number)
    if intent is None:
        abort(404)
    return intent


@bp.get("/staff/units")
@role_required(roles.STAFF)
def staff_units():
    return render_template(
        "bulk/staff_units.html", units=queries.staff_units(), kinds=UNIT_KIND_LABELS, form=ReasonForm()
    )


@bp.post("/staff/units/<int:unit_id>/approve")
@role_required(roles.STAFF)
def staff_approve_unit(unit_id: int):
    unit = db.session.get(SupportingUnit, unit_id)
    if unit is None:
        abort(404)
    if not ReasonForm().validate_on_submit():
        abort(400)
    services.approve_unit(unit, current_actor())
    flash(_("%(name)s 已通过审核。", name=unit.name), "success")
    return redirect(url_for("bulk.staff_units")), 303


@bp.get("/staff/intents")
@role_required(roles.STAFF)
def staff_intents():
    status = request.args.get("status") or None
    if status and status not in intent_states.ALL:
        abort(400)
    return render_template(
        "bulk/staff_intents.html", intents=queries.staff_intents(status), status=status, statuses=intent_states.ALL
    )


def _staff_page(intent, status=200, **forms):
    forms = {"reason_form": ReasonForm(), "delivery_form": DeliveryForm(), "ship_form": ShipForm(), **forms}
    return render_template(
        "bulk/staff_intent.html",
        intent=intent,
        deliveries=queries.deliveries(intent.id),
        documents=documents.documents_of(intent.id),
        terms=TERMS_LABELS,
        deliverable=intent.status in intent_states.DELIVERABLE and intent.undelivered > 0,
        **forms,
    ), status


@bp.get("/staff/intents/<number>")
@role_required(roles.STAFF)
def staff_intent(number: str):
    return _staff_page(_intent_or_404(number))


@bp.post("/staff/intents/<number>/<any(confirm, decline, cancel):action>")
@role_required(roles.STAFF)
def staff_intent_action(number: str, action: str):
    intent = _intent_or_404(number)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if action == "confirm":
            services.confirm_intent(intent, current_actor())
        elif action == "decline":
            services.decline_intent(intent, current_actor(), form.reason.data or "")
        else:
            services.cancel_intent(intent, current_actor(), form.reason.data or "县扶贫办取消")
    except services.UnitError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    except ForbiddenTransition:
        db.session.rollback()
        flash(_("合同当前状态不能这样操作。"), "danger")
    else:
        flash(_("合同状态已更新。"), "success")
    return redirect(url_for("bulk.staff_intent", number=intent.number)), 303


@bp.post("/staff/intents/<number>/deliveries")
@role_required(roles.STAFF)
def staff_create_delivery(number: str):
    intent = _intent_or_404(number)
    form = DeliveryForm()
    if not form.validate_on_submit():
        return _staff_page(intent, 400, delivery_form=form)
    quantities = {}
    for line in intent.lines:
        value = request.form.get(f"q-{line.id}", "").strip() or "0"
        if not value.isdigit():
            form.recipient.errors.append(_("交付数量应为整数。"))
            return _staff_page(intent, 400, delivery_form=form)
        quantities[line.id] = int(value)
    try:
        order = fulfilment.create_delivery(
            intent,
            fulfilment.DeliveryDraft(quantities, form.recipient.data, form.mobile.data, form.address.data),
            current_actor(),
        )
    except fulfilment.DeliveryError as exc:
        db.session.rollback()
        form.recipient.errors.append(str(exc))
        return _staff_page(_intent_or_404(number), 400, delivery_form=form)
    flash(_("已安排交付 %(number)s。", number=order.number), "success")
    return redirect(url_for("bulk.staff_intent", number=intent.number)), 303


@bp.post("/staff/intents/<number>/deliveries/<order_number>/ship")
@role_required(roles.STAFF)
def staff_ship_delivery(number: str, order_number: str):
    intent = _intent_or_404(number)
    order = queries.delivery(order_number, intent.id) or abort(404)
    form = ShipForm()
    if not form.validate_on_submit():
        flash(form_errors(form), "danger")
        return redirect(url_for("bulk.staff_intent", number=intent.number)), 303
    try:
        fulfilment.ship_delivery(order.number, form.carrier.data, form.tracking_number.data, current_actor())
    except fulfilment.DeliveryError as exc:
        flash(str(exc), "danger")
    except ForbiddenTransition:
        db.session.rollback()
        flash(_("这次交付当前状态不能发货。"), "danger")
    else:
        flash(_("已发货。"), "success")
    return redirect(url_for("bulk.staff_intent", number=intent.number)), 303


@bp.get("/staff/documents/<int:document_id>")
@role_required(roles.STAFF)
def staff_document(document_id: int):
    document = db.session.get(Document, document_id)
    if document is None:
        abort(404)
    return documents.stored_pdf(document)
