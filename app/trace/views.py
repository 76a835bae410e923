"""The public trace page of a lot, and the staff pages for lots and their label sheets."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.access import current_actor, role_required
from app.clock import today
from app.domain import roles
from app.forms import apply_form
from app.trace import bp
from app.trace.forms import LotForm
from app.trace.labels import LAYOUTS, MAX_LABELS, render_sheet
from app.trace.queries import lot_by_code, lot_sales, lots_page, trace
from app.trace.services import LotDraft, LotError, create_lot


def _lot_or_404(code: str):
    lot = lot_by_code(code)
    if lot is None:
        abort(404)
    return lot


@bp.get("/t/<code>")
def trace_page(code: str):
    lot = lot_by_code(code)
    if lot is None:
        return render_template("trace/unknown.html", code=code[:32]), 404
    return render_template("trace/trace.html", **trace(lot, today()))


@bp.route("/staff/lots", methods=["GET", "POST"])
@role_required(roles.STAFF)
def lots():
    form = LotForm()
    done = apply_form(form, lambda: create_lot(LotDraft(
        form.sku.data, form.harvested_on.data, form.quantity.data, form.packed_on.data, form.inspection_note.data or "",
        form.code.data or ""), current_actor()), LotError,
        lambda lot: _("批次 %(code)s 已创建，可以打印标签了。", code=lot.code),
        lambda lot: url_for("trace.lot_detail", code=lot.code))
    if done:
        return done
    page = lots_page(max(request.args.get("page", 1, type=int), 1))
    return render_template("trace/lots.html", page=page, form=form), 400 if form.errors else 200


@bp.get("/staff/lots/<code>")
@role_required(roles.STAFF)
def lot_detail(code: str):
    lot = _lot_or_404(code)
    return render_template("trace/lot.html", lot=lot, sales=lot_sales(lot.id), layouts=LAYOUTS)


@bp.get("/staff/lots/<code>/labels.pdf")
@role_required(roles.STAFF)
def lot_labels(code: str):
    lot = _lot_or_404(code)
    layout = LAYOUTS.get(request.args.get("layout", "a4-3x8"))
    count = request.args.get("count", default=None, type=int)
    if layout is None or count is None or not 1 <= count <= MAX_LABELS:
        flash(_("请选择标签规格，并填写 1 到 %(max)s 之间的张数。", max=MAX_LABELS), "danger")
        return redirect(url_for("trace.lot_detail", code=lot.code)), 303
    pdf = render_sheet(lot, layout, count, url_for("trace.trace_page", code=lot.code, _external=True))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="labels-{lot.code}.pdf"'})
