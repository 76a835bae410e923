"""Staff order handling: list and filter, ship, mark delivered, collect cash, refund."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import role_required
from app.admin import bp
from app.admin.forms import CashForm, RefundForm, ShipForm
from app.domain import order_states as states
from app.domain import payment_states, roles
from app.domain.money import InvalidAmount, parse_yuan
from app.forms import form_errors
from app.impact.queries import order_impact
from app.orders import services as orders
from app.orders.queries import staff_order_page
from app.payments import services as payments
from app.payments.gateway import GatewayError, gateway_from_config
from app.shop.forms import ConfirmForm


@bp.get("/orders")
@role_required(roles.STAFF)
def orders_list():
    status = request.args.get("status") or None
    payment_status = request.args.get("payment_status") or None
    if (status and status not in states.ALL) or (payment_status and payment_status not in payment_states.ALL):
        abort(400)
    page = staff_order_page(
        status, payment_status, request.args.get("q", "")[:40] or None, max(request.args.get("page", 1, type=int), 1)
    )
    return render_template("admin/orders.html", page=page, statuses=states.ALL, payment_statuses=payment_states.ALL)


@bp.get("/orders/<number>")
@role_required(roles.STAFF)
def order_detail(number: str):
    order = orders.get_order(number)
    return render_template(
        "admin/order.html",
        order=order,
        impact=order_impact(order),
        ship_form=ShipForm(),
        cash_form=CashForm(amount=f"{order.total_fen / 100:.2f}"),
        refund_form=RefundForm(),
        confirm_form=ConfirmForm(),
        transitions=states.TRANSITIONS[order.status],
    )


def _back(number: str):
    return redirect(url_for("admin.order_detail", number=number)), 303


def _forbidden(order_status: str):
    flash(_("当前状态（%(s)s）下不能执行这个操作。", s=order_status), "danger")


@bp.post("/orders/<number>/ship")
@role_required(roles.STAFF)
def ship(number: str):
    form = ShipForm()
    if not form.validate():
        flash(form_errors(form), "danger")
        return _back(number)
    try:
        orders.mark_shipped(number, form.carrier.data, form.tracking_number.data, current_user.id)
    except states.ForbiddenTransition as exc:
        _forbidden(exc.current)
    else:
        flash(_("已标记为发货，并通知了买家。"), "success")
    return _back(number)


@bp.post("/orders/<number>/deliver")
@role_required(roles.STAFF)
def deliver(number: str):
    return _simple_transition(number, orders.mark_delivered, _("已标记为签收。"))


@bp.post("/orders/<number>/complete")
@role_required(roles.STAFF)
def complete(number: str):
    return _simple_transition(number, orders.mark_completed, _("订单已完成。"))


def _simple_transition(number: str, action, message: str):
    ConfirmForm().validate() or abort(400)
    try:
        action(number, current_user.id)
    except states.ForbiddenTransition as exc:
        _forbidden(exc.current)
    else:
        flash(message, "success")
    return _back(number)


@bp.post("/orders/<number>/cash")
@role_required(roles.STAFF)
def record_cash(number: str):
    form = CashForm()
    if not form.validate():
        flash(form_errors(form), "danger")
        return _back(number)
    try:
        payments.record_offline_payment(
            number, parse_yuan(form.amount.data), form.reference.data or "", current_user.id
        )
    except payments.PaymentError as exc:
        flash(exc.message, "danger")
    else:
        flash(_("已记录收款，销售已计入受益贫困户。"), "success")
    return _back(number)


@bp.post("/orders/<number>/refund")
@role_required(roles.STAFF)
def refund(number: str):
    form = RefundForm()
    order = orders.get_order(number)
    if not form.validate():
        flash(form_errors(form), "danger")
        return _back(number)
    try:
        amounts = {line.id: parse_yuan(request.form.get(f"line-{line.id}") or "0") for line in order.lines}
    except InvalidAmount:
        flash(_("退款金额格式不对，请输入例如 39.80。"), "danger")
        return _back(number)
    if request.form.get("whole") == "1":
        amounts = {}
    elif not any(amounts.values()):
        flash(_("请填写至少一行的退款金额，或选择全额退款。"), "danger")
        return _back(number)
    try:
        payments.refund(
            number,
            payments.RefundRequest(amounts, form.reason.data),
            "staff",
            current_user.id,
            gateway_from_config(current_app.config),
        )
    except payments.PaymentError as exc:
        flash(exc.message, "danger")
    except GatewayError:
        current_app.logger.exception("stripe refund failed for %s", number)
        flash(_("Stripe 退款失败，请稍后再试。"), "danger")
    else:
        flash(_("退款已完成，受益记录已同步冲减。"), "success")
    return _back(number)
