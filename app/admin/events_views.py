"""Staff pages for fairs: events, booths (clerks, allocations, tablets), the live board and
the reconciliation list."""

import segno
from flask import abort, flash, jsonify, redirect, render_template, session, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from app.accounts.access import current_actor, role_required
from app.admin import bp
from app.admin.forms import (
    EVENT_KIND_LABELS,
    AllocationForm,
    BoothForm,
    ClerkForm,
    DeviceForm,
    EventForm,
    ReconcileForm,
)
from app.domain import roles
from app.domain.money import parse_yuan
from app.events.models import Event
from app.extensions import db
from app.forms import apply_form, form_errors
from app.pos import management
from app.pos.devices import BoothNotFound, booth_by_code, issue_device_token, revoke_device
from app.pos.models import Device
from app.pos.queries import event_board, event_booths, reconciliation_list
from app.registry.queries import all_townships


def _event_or_404(code: str) -> Event:
    event = db.session.execute(db.select(Event).where(Event.code == code)).scalar_one_or_none()
    if event is None:
        abort(404)
    return event


def _booth_or_404(code: str):
    try:
        return booth_by_code(code)
    except BoothNotFound:
        abort(404)


@bp.route("/events", methods=["GET", "POST"])
@role_required(roles.STAFF)
def events():
    form = EventForm()
    done = apply_form(
        form,
        lambda: management.create_event(
            management.EventDraft(
                form.code.data,
                form.name.data,
                form.kind.data,
                form.starts_on.data,
                form.ends_on.data,
                form.venue.data or "",
            ),
            current_actor(),
        ),
        management.SetupError,
        _("活动已创建，现在可以为它开设展位。"),
        lambda event: url_for("admin.event_detail", code=event.code),
    )
    if done:
        return done
    listing = db.session.execute(db.select(Event).order_by(Event.starts_on.desc())).scalars().all()
    return render_template(
        "admin/events.html", events=listing, form=form, kinds=EVENT_KIND_LABELS
    ), 400 if form.errors else 200


@bp.route("/events/<code>", methods=["GET", "POST"])
@role_required(roles.STAFF)
def event_detail(code: str):
    event = _event_or_404(code)
    form = BoothForm()
    form.township.choices = [SelectChoice(t.id, t.name) for t in all_townships()]
    done = apply_form(
        form,
        lambda: management.create_booth(
            event,
            form.township.data,
            parse_yuan(form.opening_float.data),
            form.merchant_name.data or "",
            current_actor(),
        ),
        management.SetupError,
        _("展位已开设：请分配商品、添加店员并为平板签发令牌。"),
        lambda booth: url_for("admin.booth_detail", code=booth.code),
        field=form.township,
    )
    if done:
        return done
    return render_template(
        "admin/event.html", event=event, booths=event_booths(event.id), form=form, kinds=EVENT_KIND_LABELS
    ), 400 if form.errors else 200


@bp.get("/events/<code>/board")
@role_required(roles.STAFF)
def event_live_board(code: str):
    event = _event_or_404(code)
    return render_template("admin/event_board.html", event=event, board=event_board(event.id))


@bp.get("/events/<code>/board.json")
@role_required(roles.STAFF)
def event_live_board_data(code: str):
    return jsonify(event_board(_event_or_404(code).id))


def _booth_page(booth, status=200, token=None, **forms):
    forms = {
        "allocation_form": AllocationForm(prefix="a"),
        "clerk_form": ClerkForm(prefix="c"),
        "device_form": DeviceForm(prefix="d"),
        **forms,
    }
    devices = db.session.execute(db.select(Device).where(Device.booth_id == booth.id).order_by(Device.id)).scalars()
    pairing_url = url_for("pos.app_shell", _external=True) + f"#token={token}" if token else None
    # The tablet's camera opens the pairing link: nobody types a 40-character token.
    pairing_qr = segno.make(pairing_url, error="m").svg_inline(scale=4, border=2) if pairing_url else None
    return render_template(
        "admin/booth.html",
        booth=booth,
        devices=list(devices),
        token=token,
        pairing_url=pairing_url,
        pairing_qr=pairing_qr,
        **forms,
    ), status


@bp.get("/booths/<code>")
@role_required(roles.STAFF)
def booth_detail(code: str):
    booth = _booth_or_404(code)
    # A token just issued is shown on the first view after it, once: a reload shows the page without it.
    issued = session.pop("issued_device_token", None)
    token = issued["token"] if issued and issued.get("booth") == booth.code else None
    return _booth_page(booth, token=token)


def _change_booth(code: str, form, form_name: str, change, done: str):
    """Apply one set-up change from a booth page form; on a refusal show the page again with the reason."""
    booth = _booth_or_404(code)
    return apply_form(
        form, lambda: change(booth), management.SetupError, done, url_for("admin.booth_detail", code=booth.code)
    ) or _booth_page(booth, 400, **{form_name: form})


@bp.post("/booths/<code>/allocations")
@role_required(roles.STAFF)
def booth_allocation(code: str):
    form = AllocationForm(prefix="a")
    return _change_booth(
        code,
        form,
        "allocation_form",
        lambda booth: management.set_allocation(booth, form.sku.data, form.quantity.data, current_actor()),
        _("分配已保存。"),
    )


@bp.post("/booths/<code>/clerks")
@role_required(roles.STAFF)
def booth_clerk_add(code: str):
    form = ClerkForm(prefix="c")
    return _change_booth(
        code,
        form,
        "clerk_form",
        lambda booth: management.add_clerk(booth, form.email.data, current_actor()),
        _("店员已加入展位。"),
    )


@bp.post("/booths/<code>/clerks/<int:user_id>/remove")
@role_required(roles.STAFF)
def booth_clerk_remove(code: str, user_id: int):
    booth = _booth_or_404(code)
    try:
        management.remove_clerk(booth, user_id, current_actor())
    except management.SetupError:
        db.session.rollback()
        abort(404)
    flash(_("店员已移出展位。"), "success")
    return redirect(url_for("admin.booth_detail", code=booth.code)), 303


@bp.post("/booths/<code>/devices")
@role_required(roles.STAFF)
def booth_device_issue(code: str):
    booth = _booth_or_404(code)
    form = DeviceForm(prefix="d")
    if not form.validate_on_submit():
        return _booth_page(booth, 400, device_form=form)
    _device, token = issue_device_token(booth.code, form.label.data or _("平板"), current_actor())
    # Only its hash is stored. Handed to the next page view and dropped there, so reloading that
    # page neither shows it again nor, as a resent POST would, issues another one.
    session["issued_device_token"] = {"booth": booth.code, "token": token}
    return redirect(url_for("admin.booth_detail", code=booth.code)), 303


@bp.post("/booths/<code>/devices/<int:device_id>/revoke")
@role_required(roles.STAFF)
def booth_device_revoke(code: str, device_id: int):
    booth = _booth_or_404(code)
    if revoke_device(booth, device_id, current_actor()) is None:
        abort(404)
    flash(_("令牌已停用：这台平板不能再上传销售。"), "success")
    return redirect(url_for("admin.booth_detail", code=booth.code)), 303


@bp.get("/reconciliation")
@role_required(roles.STAFF)
def reconciliation():
    return render_template("admin/reconciliation.html", listing=reconciliation_list(), form=ReconcileForm())


@bp.post("/reconciliation/<int:sale_id>")
@role_required(roles.STAFF)
def reconcile(sale_id: int):
    form = ReconcileForm()
    if not form.validate_on_submit():
        flash(form_errors(form), "danger")
        return redirect(url_for("admin.reconciliation")), 303
    try:
        management.reconcile_sale(sale_id, form.note.data, current_actor())
    except management.SetupError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        flash(_("已记录核对结果。"), "success")
    return redirect(url_for("admin.reconciliation")), 303
