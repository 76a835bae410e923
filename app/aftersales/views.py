"""After-sales pages: the buyer's request on their order (a phone page, with photos), and the
county office's list where requests are approved in full or in part, or declined."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.access import current_actor, role_required
from app.aftersales import bp, queries, services
from app.aftersales.forms import AfterSaleForm, ApproveForm, DeclineForm
from app.aftersales.refusals import AfterSaleError
from app.aftersales.words import KIND, REASON, STATUS
from app.domain import roles
from app.domain.money import parse_yuan
from app.domain.transitions import ForbiddenTransition
from app.extensions import db
from app.forms import apply_form, choices, form_errors
from app.orders import services as orders
from app.payments.gateway import gateway_from_config
from app.payments.refusals import PaymentError
from app.storage import send_stored


def _form(order) -> AfterSaleForm:
    """Lines with money left to refund and no request already waiting."""
    form = AfterSaleForm()
    waiting = queries.lines_waiting(order.id)
    form.line.choices = choices(
        (line.id, f"{line.product_name} {line.sku_name} × {line.quantity}")
        for line in order.lines
        if line.line_total_fen > line.refunded_fen and line.id not in waiting
    )
    return form


@bp.route("/orders/<number>/aftersales", methods=["GET", "POST"])
@login_required
def order_aftersales(number: str):
    order = orders.get_order(number, current_user.id)
    form = _form(order)
    days = current_app.config["AFTER_SALES_DAYS"]
    if request.method == "POST":
        done = apply_form(
            form,
            lambda: services.ask(
                order,
                current_user.id,
                services.AfterSaleDraft(
                    form.line.data,
                    form.kind.data,
                    form.reason.data,
                    form.description.data or "",
                    parse_yuan(form.amount.data),
                    [f.read() for f in form.photos.data or [] if getattr(f, "filename", "")],
                ),
                days,
                current_actor(),
            ),
            AfterSaleError,
            _("售后申请已提交，县扶贫办会尽快处理。"),
            url_for("aftersales.order_aftersales", number=number),
            field=form.amount,
        )
        if done:
            return done
    return render_template(
        "aftersales/request.html",
        order=order,
        form=form,
        requests=queries.of_order(order.id),
        days=days,
        kinds=KIND,
        reasons=REASON,
        statuses=STATUS,
    ), 400 if form.errors else 200


@bp.get("/aftersales/<int:request_id>/photos/<int:index>")
@login_required
def photo(request_id: int, index: int):
    return send_stored("documents", queries.photo_key(request_id, index, current_user), "image/jpeg")


@bp.get("/staff/aftersales")
@role_required(roles.STAFF)
def staff_list():
    page = queries.for_staff(request.args.get("page", 1, type=int))
    return render_template(
        "aftersales/staff.html",
        page=page,
        orders=queries.orders_of(list(page.items)),
        kinds=KIND,
        reasons=REASON,
        statuses=STATUS,
        approve_form=ApproveForm(),
        decline_form=DeclineForm(),
    )


@bp.post("/staff/aftersales/<int:request_id>/<any(approve, decline):action>")
@role_required(roles.STAFF)
def staff_decide(request_id: int, action: str):
    form = ApproveForm() if action == "approve" else DeclineForm()
    if not form.validate_on_submit():
        flash(form_errors(form), "danger")
        return redirect(url_for("aftersales.staff_list"), 303)
    try:
        if isinstance(form, ApproveForm):
            services.approve(
                request_id,
                parse_yuan(form.amount.data),
                form.note.data or "",
                current_actor(),
                gateway_from_config(current_app.config),
            )
            flash(_("已同意并退款；销售归属已按原规则冲回。"), "success")
        else:
            services.decline(request_id, form.reason.data, current_actor())
            flash(_("已告知买家不同意的原因。"), "success")
    except (AfterSaleError, PaymentError, ForbiddenTransition) as exc:
        db.session.rollback()
        flash(str(exc) if not isinstance(exc, ForbiddenTransition) else _("这个申请已经处理过了。"), "danger")
    return redirect(url_for("aftersales.staff_list"), 303)
