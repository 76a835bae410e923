"""Pages for supporting units' members: register, dashboard, contracts, deliveries, documents;
and the public leaderboard of units that chose to be listed."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.accounts.access import current_actor
from app.bulk import bp, documents, fulfilment, queries, services
from app.bulk.forms import (
    MEMBER_ROLE_LABELS,
    TERMS_LABELS,
    UNIT_KIND_LABELS,
    IntentForm,
    MemberForm,
    PlannedDeliveryForm,
    PledgeForm,
    ReasonForm,
    UnitForm,
    UploadForm,
)
from app.bulk.models import Document, PurchaseIntent, SupportingUnit
from app.bulk.upload import check_rows
from app.clock import today
from app.domain import intent_states, roles
from app.domain.money import parse_yuan
from app.domain.transitions import ForbiddenTransition
from app.extensions import db
from app.forms import apply_form, form_errors
from app.orders.models import Order
from app.spreadsheets import ImportFileError
from app.storage import send_stored


def _my_unit(unit_id: int, admin: bool = False):
    """The unit if the signed-in user belongs to it (staff see every unit); 404 otherwise, so
    nobody learns which other units exist. ``admin`` asks for the unit's admin role."""
    if not current_user.is_authenticated:
        abort(404)
    member = queries.membership(current_user.id)
    if member is not None and member.unit_id == unit_id:
        if admin and member.role != "admin":
            abort(403)
        return member.unit
    if current_user.has_role(roles.STAFF) and not admin:
        unit = db.session.get(SupportingUnit, unit_id)
        if unit is not None:
            return unit
    abort(404)


def _my_intent(unit_id: int, number: str):
    unit = _my_unit(unit_id)
    intent = services.intent_for_unit(unit.id, number)
    if intent is None:
        abort(404)
    return unit, intent


@bp.route("/units/register", methods=["GET", "POST"])
@login_required
def register():
    member = queries.membership(current_user.id)
    if member is not None:
        return redirect(url_for("bulk.dashboard", unit_id=member.unit_id))
    form = UnitForm()
    done = apply_form(
        form,
        lambda: services.register_unit(
            services.UnitDraft(
                form.name.data,
                form.kind.data,
                form.credit_code.data,
                form.contact_name.data,
                form.contact_phone.data,
                form.address.data,
            ),
            current_user.id,
            current_actor(),
        ),
        services.UnitError,
        _("单位已登记，县扶贫办审核后即可签订购销意向合同。"),
        lambda unit: url_for("bulk.dashboard", unit_id=unit.id),
        field=form.credit_code,
    )
    if done:
        return done
    return render_template("bulk/register.html", form=form), 400 if form.errors else 200


@bp.get("/units/<int:unit_id>")
@login_required
def dashboard(unit_id: int):
    unit = _my_unit(unit_id)
    year = request.args.get("year", default=today().year, type=int)
    member = queries.membership(current_user.id)
    pledge = next((p for p in unit.pledges if p.year == year), None)
    return render_template(
        "bulk/dashboard.html",
        unit=unit,
        figures=queries.dashboard(unit, year),
        intents=queries.unit_intents(unit.id),
        is_admin=member is not None and member.role == "admin",
        kinds=UNIT_KIND_LABELS,
        roles=MEMBER_ROLE_LABELS,
        pledge_form=PledgeForm(
            year=year, amount=f"{pledge.amount_fen / 100:.2f}" if pledge else "", on_leaderboard=unit.on_leaderboard
        ),
        member_form=MemberForm(),
    )


@bp.post("/units/<int:unit_id>/pledge")
@login_required
def pledge(unit_id: int):
    unit = _my_unit(unit_id, admin=True)
    form = PledgeForm()
    if form.validate_on_submit():
        services.set_pledge(
            unit, form.year.data, parse_yuan(form.amount.data), form.on_leaderboard.data, current_actor()
        )
        flash(_("年度采购承诺已保存。"), "success")
    else:
        flash(form_errors(form), "danger")
    return redirect(url_for("bulk.dashboard", unit_id=unit.id, year=form.year.data or today().year)), 303


@bp.post("/units/<int:unit_id>/members")
@login_required
def add_member(unit_id: int):
    unit = _my_unit(unit_id, admin=True)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            services.add_member(unit, form.email.data, form.role.data, current_actor())
        except services.UnitError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            flash(_("已加入本单位。"), "success")
    else:
        flash(form_errors(form), "danger")
    return redirect(url_for("bulk.dashboard", unit_id=unit.id)), 303


@bp.route("/units/<int:unit_id>/intents/new", methods=["GET", "POST"])
@login_required
def new_intent(unit_id: int):
    unit = _my_unit(unit_id)
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
        skus=queries.grid_skus(),
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
    return _intent_page(*_my_intent(unit_id, number))


@bp.post("/units/<int:unit_id>/intents/<number>/lines")
@login_required
def intent_lines(unit_id: int, number: str):
    unit, intent = _my_intent(unit_id, number)
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
    unit, intent = _my_intent(unit_id, number)
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
    unit, intent = _my_intent(unit_id, number)
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
    unit, intent = _my_intent(unit_id, number)
    change, needs_admin, done = ACTIONS[action]
    if needs_admin:
        _my_unit(unit_id, admin=True)
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
    unit, intent = _my_intent(unit_id, number)
    if not ReasonForm().validate_on_submit():
        abort(400)
    document = documents.issue("contract", intent, None, current_actor())
    return redirect(url_for("bulk.document", unit_id=unit.id, document_id=document.id)), 303


def _my_delivery(unit_id: int, order_number: str):
    unit = _my_unit(unit_id)
    order = db.session.execute(db.select(Order).where(Order.number == order_number)).scalar_one_or_none()
    intent = db.session.get(PurchaseIntent, order.purchase_intent_id) if order and order.purchase_intent_id else None
    if intent is None or intent.unit_id != unit.id:
        abort(404)
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


@bp.get("/impact/units")
def leaderboard():
    year = request.args.get("year", default=today().year, type=int)
    return render_template("bulk/leaderboard.html", year=year, rows=queries.leaderboard(year), kinds=UNIT_KIND_LABELS)


@bp.get("/units/<int:unit_id>/documents/<int:document_id>")
@login_required
def document(unit_id: int, document_id: int):
    """An earlier version of a contract or delivery note, exactly as it was issued."""
    unit = _my_unit(unit_id)
    found = db.session.get(Document, document_id)
    if found is None or db.session.get_one(PurchaseIntent, found.intent_id).unit_id != unit.id:
        abort(404)
    return send_stored("documents", found.path, "application/pdf")
