"""A supporting unit's purchase-intent contracts: drafting, lines (typed or uploaded), planned
deliveries, submitting and the contract document."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.accounts.access import current_actor
from app.bulk import bp, documents, queries, services
from app.bulk.access import my_intent, my_unit
from app.bulk.forms import (
    TERMS_LABELS,
    IntentForm,
    PlannedDeliveryForm,
    ReasonForm,
    UploadForm,
)
from app.bulk.upload import check_rows
from app.domain import intent_states
from app.domain.transitions import ForbiddenTransition
from app.extensions import db
from app.forms import apply_form
from app.spreadsheets import ImportFileError


@bp.route("/units/<int:unit_id>/intents/new", methods=["GET", "POST"])
@login_required
def new_intent(unit_id: int):
    unit = my_unit(unit_id)
    form = IntentForm()
    done = apply_form(
        form,
        lambda: services.create_intent(
            unit,
            services.IntentDraft(
                form.po_number.data or "",
                form.payment_terms.data,
                form.due_days.data or 0,
                form.delivery_from.data,
                form.delivery_to.data,
                form.event_code.data or "",
                form.note.data or "",
            ),
            current_actor(),
        ),
        services.UnitError,
        _("合同草稿已建立：请填写商品数量和计划交付。"),
        lambda intent: url_for("bulk.intent", unit_id=unit.id, number=intent.number),
        field=form.delivery_to,
    )
    if done:
        return done
    return render_template("bulk/intent_new.html", unit=unit, form=form), 400 if form.errors else 200


def _intent_page(unit, intent, status=200, upload_errors=None, **forms):
    forms = {"upload_form": UploadForm(), "planned_form": PlannedDeliveryForm(), "action_form": ReasonForm(), **forms}
    member = queries.membership(current_user.id)
    return render_template(
        "bulk/intent.html",
        unit=unit,
        intent=intent,
        skus=queries.grid_skus({line.sku_id for line in intent.lines}),
        deliveries=queries.deliveries(intent.id),
        documents=documents.documents_of(intent.id),
        terms=TERMS_LABELS,
        upload_errors=upload_errors or [],
        editable=intent.status in intent_states.EDITABLE,
        is_admin=member is not None and member.role == "admin",
        quantities={line.sku_id: line.quantity for line in intent.lines},
        **forms,
    ), status


@bp.get("/units/<int:unit_id>/intents/<number>")
@login_required
def intent(unit_id: int, number: str):
    return _intent_page(*my_intent(unit_id, number))


@bp.post("/units/<int:unit_id>/intents/<number>/lines")
@login_required
def intent_lines(unit_id: int, number: str):
    unit, intent = my_intent(unit_id, number)
    quantities, bad = {}, []
    for key, value in request.form.items():
        if not key.startswith("q-") or not key[2:].isdigit() or not value.strip():
            continue
        if not value.strip().isdigit() or int(value) > 100_000:
            bad.append(value[:12])
            continue
        quantities[int(key[2:])] = int(value)
    if bad:
        flash(_("数量应为 0 到 100000 的整数：%(values)s", values="、".join(bad[:5])), "danger")
        return redirect(url_for("bulk.intent", unit_id=unit.id, number=intent.number)), 303
    try:
        services.set_lines(intent, quantities, current_actor())
    except services.UnitError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        flash(_("数量已保存。"), "success")
    return redirect(url_for("bulk.intent", unit_id=unit.id, number=intent.number)), 303


@bp.post("/units/<int:unit_id>/intents/<number>/upload")
@login_required
def intent_upload(unit_id: int, number: str):
    unit, intent = my_intent(unit_id, number)
    form = UploadForm()
    if not form.validate_on_submit():
        return _intent_page(unit, intent, 400, upload_form=form)
    try:
        rows, errors = check_rows(
            form.file.data.filename, form.file.data.read(), (intent.delivery_from, intent.delivery_to)
        )
    except ImportFileError as exc:
        form.file.errors.append(str(exc))
        return _intent_page(unit, intent, 400, upload_form=form)
    if errors:
        return _intent_page(unit, intent, 400, upload_errors=errors, upload_form=form)
    try:
        services.import_lines(intent, rows, current_actor())
    except services.UnitError as exc:
        db.session.rollback()
        form.file.errors.append(str(exc))
        return _intent_page(unit, intent, 400, upload_form=form)
    flash(_("已导入 %(n)s 行：商品数量和计划交付已更新。", n=len(rows)), "success")
    return redirect(url_for("bulk.intent", unit_id=unit.id, number=intent.number)), 303


@bp.post("/units/<int:unit_id>/intents/<number>/planned")
@login_required
def intent_planned(unit_id: int, number: str):
    unit, intent = my_intent(unit_id, number)
    form = PlannedDeliveryForm()
    return apply_form(
        form,
        lambda: services.add_planned_delivery(
            intent,
            form.planned_on.data,
            form.address.data,
            form.recipient.data or "",
            form.mobile.data or "",
            current_actor(),
        ),
        services.UnitError,
        _("计划交付已添加。"),
        url_for("bulk.intent", unit_id=unit.id, number=intent.number),
    ) or _intent_page(unit, intent, 400, planned_form=form)


ACTIONS = {
    "submit": (services.submit_intent, True, _l("合同已提交，等待县扶贫办确认。")),
    "withdraw": (services.withdraw_intent, False, _l("合同已撤回为草稿，可以修改。")),
    "cancel": (None, False, _l("合同已取消。")),
}


@bp.post("/units/<int:unit_id>/intents/<number>/<any(submit, withdraw, cancel):action>")
@login_required
def intent_action(unit_id: int, number: str, action: str):
    unit, intent = my_intent(unit_id, number)
    change, needs_admin, done = ACTIONS[action]
    if needs_admin:
        my_unit(unit_id, admin=True)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if change is None:
            services.cancel_intent(intent, current_actor(), form.reason.data or "单位取消")
        else:
            change(intent, current_actor())
    except (services.UnitError, ForbiddenTransition) as exc:
        db.session.rollback()
        flash(str(exc) if isinstance(exc, services.UnitError) else _("合同当前状态不能这样操作。"), "danger")
    else:
        flash(str(done), "success")
    return redirect(url_for("bulk.intent", unit_id=unit.id, number=intent.number)), 303


@bp.post("/units/<int:unit_id>/intents/<number>/contract")
@login_required
def issue_contract(unit_id: int, number: str):
    """Issue the contract PDF (a new version only if the contract changed) and open it."""
    unit, intent = my_intent(unit_id, number)
    if not ReasonForm().validate_on_submit():
        abort(400)
    document = documents.issue("contract", intent, None, current_actor())
    return redirect(url_for("bulk.document", unit_id=unit.id, document_id=document.id)), 303
