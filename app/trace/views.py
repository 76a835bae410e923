"""The public trace page of a lot, and the staff pages for lots and their label sheets."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.access import current_actor, role_required
from app.clock import today
from app.domain import roles
from app.forms import apply_form
from app.jobs.web import start as start_export
from app.printing import printed
from app.shared_pages import shared_page
from app.trace import bp
from app.trace.forms import LotForm
from app.trace.labels import INLINE_LABELS, LAYOUTS, MAX_LABELS, sheet_html
from app.trace.queries import lot_by_code, lot_sales, lots_page, trace
from app.trace.services import LotDraft, LotError, create_lot


def _lot_or_404(code: str):
    lot = lot_by_code(code)
    if lot is None:
        abort(404)
    return lot


@bp.get("/t/<code>")
@shared_page
def trace_page(code: str):
    lot = lot_by_code(code)
    if lot is None:
        return render_template("trace/unknown.html", code=code[:32]), 404
    return render_template("trace/trace.html", **trace(lot, today()))


@bp.route("/staff/lots", methods=["GET", "POST"])
@role_required(roles.STAFF)
def lots():
    form = LotForm()
    done = apply_form(
        form,
        lambda: create_lot(
            LotDraft(
                form.sku.data,
                form.harvested_on.data,
                form.quantity.data,
                form.packed_on.data,
                form.inspection_note.data or "",
                form.code.data or "",
            ),
            current_actor(),
        ),
        LotError,
        lambda lot: _("批次 %(code)s 已创建，可以打印标签了。", code=lot.code),
        lambda lot: url_for("trace.lot_detail", code=lot.code),
    )
    if done:
        return done
    page = lots_page(max(request.args.get("page", 1, type=int), 1))
    return render_template("trace/lots.html", page=page, form=form), 400 if form.errors else 200


@bp.get("/staff/lots/<code>")
@role_required(roles.STAFF)
def lot_detail(code: str):
    lot = _lot_or_404(code)
    return render_template("trace/lot.html", lot=lot, sales=lot_sales(lot.id), layouts=LAYOUTS)


def _label_request(code: str, values):
    """(lot, layout key, count) asked for; a bad request goes back to the lot saying what to fix."""
    lot = _lot_or_404(code)
    key, count = values.get("layout", "a4-3x8"), values.get("count", default=None, type=int)
    if key not in LAYOUTS or count is None or not 1 <= count <= MAX_LABELS:
        flash(_("请选择标签规格，并填写 1 到 %(max)s 之间的张数。", max=MAX_LABELS), "danger")
        abort(redirect(url_for("trace.lot_detail", code=lot.code), 303))
    return lot, key, count


@bp.get("/staff/lots/<code>/labels.pdf")
@role_required(roles.STAFF)
def lot_labels(code: str):
    lot, key, count = _label_request(code, request.args)
    if count > INLINE_LABELS:
        flash(_("超过 %(n)s 张的标签在后台生成，请在批次页面上点“生成 PDF”。", n=INLINE_LABELS), "warning")
        return redirect(url_for("trace.lot_detail", code=lot.code), 303)
    html = sheet_html(lot, LAYOUTS[key], count, url_for("trace.trace_page", code=lot.code, _external=True))
    return printed(html, f"labels-{lot.code}.pdf")


@bp.post("/staff/lots/<code>/labels")
@role_required(roles.STAFF)
def lot_labels_sheet(code: str):
    """The page's button: a small sheet at once, a large one as a job with a progress page."""
    lot, key, count = _label_request(code, request.values)
    if count <= INLINE_LABELS:
        return redirect(url_for("trace.lot_labels", code=lot.code, layout=key, count=count), 303)
    return start_export(
        "labels_pdf",
        {
            "lot": lot.code,
            "layout": key,
            "count": count,
            "trace_url": url_for("trace.trace_page", code=lot.code, _external=True),
        },
    )
