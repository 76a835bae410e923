"""Cart, checkout and "my orders": thin views over the cart, order and payment services."""

from datetime import timedelta

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, user_logged_in
from wtforms import SelectChoice

from app.domain import order_states as states
from app.impact.queries import order_impact
from app.models_base import utcnow
from app.orders import services as orders
from app.orders.queries import online_order_placed_since, orders_of_user
from app.payments import services as payments
from app.payments.gateway import GatewayError, gateway_from_config
from app.shop import bp
from app.shop import cart as carts
from app.shop.forms import CartLineForm, CheckoutForm, ConfirmForm

# How long after an order an empty-cart submit of the checkout form counts as that order's resubmit.
RESUBMIT_WINDOW = timedelta(minutes=2)


def _cart():
    if current_user.is_authenticated:
        # One cart per request, so the header's badge reuses the rows the page already read.
        if "cart" not in g:
            g.cart = carts.UserCart(current_user.id)
        return g.cart
    session.setdefault("cart", {})
    session.modified = True  # the dict inside the session changes in place
    return carts.SessionCart(session["cart"])


@bp.app_context_processor
def cart_count():
    # Lazy: only pages whose header shows the badge pay for the count.
    def count() -> int:
        if current_user.is_authenticated:
            return sum(q for q, _p in _cart().items().values())
        return sum(int(v[0]) for v in session.get("cart", {}).values())

    return {"cart_count": count}


@user_logged_in.connect
def _merge_cart_at_login(app, user, **_extra):
    guest = session.pop("cart", None)
    if guest:
        carts.merge_guest_cart(carts.SessionCart(guest), carts.UserCart(user.id), app.config["CART_MAX_QUANTITY"])


@bp.get("/cart")
def cart_page():
    view = carts.view_cart(_cart(), acknowledge_prices=True)
    return render_template("shop/cart.html", cart=view, form=ConfirmForm())


@bp.post("/cart/add")
def add_to_cart():
    return _change_cart(add=True)


@bp.post("/cart/update")
def update_cart():
    return _change_cart(add=False)


def _change_cart(add: bool):
    form = CartLineForm()
    if not form.validate():
        flash(str(next(iter(form.errors.values()))[0]), "danger")
        return redirect(url_for("shop.cart_page")), 303
    try:
        carts.set_quantity(
            _cart(), int(form.sku_id.data), form.quantity.data, current_app.config["CART_MAX_QUANTITY"], add=add
        )
    except carts.CartError as error:
        flash(error.message, "danger")
        target = request.referrer if add and request.referrer else url_for("shop.cart_page")
        return redirect(target), 303
    if add:
        flash(_("已加入购物车。"), "success")
    return redirect(url_for("shop.cart_page")), 303


def _payment_choices():
    choices = [SelectChoice("cod", _("货到付款（送货上门时付现金或扫码）"))]
    if gateway_from_config(current_app.config):
        choices.insert(0, SelectChoice("stripe", _("在线支付（银行卡、支付宝、微信支付）")))
    return choices


@bp.route("/checkout", methods=["GET", "POST"])
@login_required
def checkout():
    cart = _cart()
    form = CheckoutForm()
    form.payment_method.choices = _payment_choices()
    if request.method == "GET" and current_user.name:
        form.recipient.data = form.recipient.data or current_user.name
    status = 200
    if form.validate_on_submit():
        address = orders.Address(
            form.recipient.data.strip(),
            form.mobile.data.strip(),
            form.province.data,
            form.city.data.strip(),
            form.county.data.strip(),
            form.street.data.strip(),
        )
        try:
            order = orders.place_order(
                current_user.id,
                cart.take,
                address,
                form.note.data or "",
                form.event_code.data,
                form.payment_method.data,
                current_app.config["CART_MAX_QUANTITY"],
                current_app.config["ORDER_PAYMENT_TIMEOUT_MINUTES"],
            )
        except orders.CheckoutError as error:
            resubmitted = error.code == "empty_cart" and online_order_placed_since(
                current_user.id, utcnow() - RESUBMIT_WINDOW
            )
            if resubmitted:
                # A double click or a resent form: the browser shows this answer, not the first
                # one's, so it leads to the order the first submit placed.
                flash(_("这份订单已经提交成功，没有重复下单。"), "info")
                return redirect(url_for("shop.order_page", number=resubmitted)), 303
            flash(error.message, "danger")
            status = 409 if error.code in ("sold_out", "price_changed", "unavailable") else 400
        else:
            if order.payment_method == "stripe":
                return redirect(url_for("payments.pay", number=order.number)), 303
            flash(_("下单成功！我们会尽快发货，送达时付款即可。"), "success")
            return redirect(url_for("shop.order_page", number=order.number)), 303
    elif form.errors:
        status = 400
    view = carts.view_cart(cart, acknowledge_prices=True)
    if not view.lines:
        flash(_("购物车是空的，请先挑选商品。"), "info")
        return redirect(url_for("shop.cart_page"))
    return render_template("shop/checkout.html", form=form, cart=view), status


@bp.get("/orders")
@login_required
def my_orders():
    return render_template("shop/orders.html", orders=orders_of_user(current_user.id))


@bp.get("/orders/<number>")
@login_required
def order_page(number: str):
    order = orders.get_order(number, current_user.id)
    return render_template(
        "shop/order.html",
        order=order,
        impact=order_impact(order),
        form=ConfirmForm(),
        cancellable=order.status in (states.PENDING_PAYMENT, states.CONFIRMED, states.PAID),
    )


@bp.post("/orders/<number>/cancel")
@login_required
def cancel_order(number: str):
    ConfirmForm().validate_on_submit() or abort(400)
    try:
        payments.cancel_as_buyer(number, current_user.id, gateway_from_config(current_app.config))
    except states.ForbiddenTransition:
        flash(_("订单已发货，无法取消。如需退货请联系客服。"), "danger")
        return redirect(url_for("shop.order_page", number=number)), 303
    except (payments.PaymentError, GatewayError):
        flash(_("退款暂时无法完成，请稍后再试或联系客服。"), "danger")
        return redirect(url_for("shop.order_page", number=number)), 303
    flash(_("订单已取消。"), "success")
    return redirect(url_for("shop.order_page", number=number)), 303
