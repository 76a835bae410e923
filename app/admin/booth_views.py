"""Staff pages for a fair booth: what it sells, its clerks, its paired tablets, and reconciling
the sales a tablet flagged."""

import segno
from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _

from app.accounts.access import current_actor, role_required
from app.admin import bp
from app.admin.forms import (
    AllocationForm,
    ClerkForm,
    DeviceForm,
    ReconcileForm,
)
from app.domain import roles
from app.extensions import db
from app.forms import apply_form, form_errors
from app.pos import management
from app.pos.devices import booth_by_code, issue_device_token, revoke_device
from app.pos.queries import booth_devices, reconciliation_list


def _booth_page(booth, status=200, token=None, **forms):
    forms = {
        "allocation_form": AllocationForm(prefix="a"),
        "clerk_form": ClerkForm(prefix="c"),
        "device_form": DeviceForm(prefix="d"),
        **forms,
    }
    devices = booth_devices(booth.id)
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
    booth = booth_by_code(code)
    # A token just issued is shown on the first view after it, once: a reload shows the page without it.
    issued = session.pop("issued_device_token", None)
    token = issued["token"] if issued and issued.get("booth") == booth.code else None
    return _booth_page(booth, token=token)


def _change_booth(code: str, form, form_name: str, change, done: str):
    """Apply one set-up change from a booth page form; on a refusal show the page again with the reason."""
    booth = booth_by_code(code)
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
    booth = booth_by_code(code)
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
    booth = booth_by_code(code)
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
    booth = booth_by_code(code)
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
