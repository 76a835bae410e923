"""Cart and "my orders": thin views over the cart, order and payment services."""

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, user_logged_in

from app.accounts.access import unloaded_session_key
from app.accounts.models import User
from app.accounts.services import load_session_user
from app.domain import order_states as states
from app.impact.queries import order_impact
from app.models_base import statements_alone
from app.orders import services as orders
from app.orders.queries import TABS, orders_of_user, timeline
from app.payments import services as payments
from app.payments.gateway import GatewayError, gateway_from_config
from app.shop import bp
from app.shop import cart as carts
from app.shop.forms import CartLineForm, ConfirmForm


def load_signed_in(session_id: str) -> User | None:
    """Flask-Login's loader: the user and the count of their cart in one statement, as every
    page's header shows both (on PostgreSQL a round trip costs more than the count)."""
    row = load_session_user(session_id, carts.boxes_column())
    if row is None:
        return None
    g.cart_boxes = row[1]
    return row[0]


def current_cart():
    if current_user.is_authenticated:
        # One cart per request, so the header's badge reuses the rows the page already read.
        if "cart" not in g:
            g.cart = carts.UserCart(current_user.id, g.pop("cart_boxes", None))
        return g.cart
    session.setdefault("cart", {})
    session.modified = True  # the dict inside the session changes in place
    return carts.SessionCart(session["cart"])


@bp.app_context_processor
def cart_count():
    # Lazy: only pages whose header shows the badge pay for the count.
    def count() -> int:
        if current_user.is_authenticated:
            return current_cart().count()
        return carts.SessionCart(session.get("cart", {})).count()

    return {"cart_count": count}


@user_logged_in.connect
def _merge_cart_at_login(app, user, **_extra):
    guest = session.pop("cart", None)
    if guest:
        carts.merge_guest_cart(carts.SessionCart(guest), carts.UserCart(user.id), app.config["CART_MAX_QUANTITY"])


@bp.get("/cart")
@statements_alone  # its writes (a price now seen, a line gone off sale) stand alone, line by line
def cart_page():
    view = carts.view_cart(current_cart(), acknowledge_prices=True)
    added = request.args.get("added", type=int)
    return render_template(
        "shop/cart.html",
        cart=view,
        form=ConfirmForm(),
        added=next((line for line in view.lines if line.sku.id == added), None),
    )


@bp.post("/cart/add")
@statements_alone  # adding is one statement (cart.UserCart.add); the rest of the request only reads
def add_to_cart():
    form = CartLineForm()
    # The busiest write: a signed-in buyer's line is added by one statement that also checks
    # their session, as loading the user would have (which cost a statement and 0.4 ms of CPU).
    # What it does not add goes the general way, which loads the user and says why.
    signed_in = unloaded_session_key()
    if (
        signed_in
        and form.validate()
        and carts.add_for_session(
            *signed_in, int(form.sku_id.data), form.quantity.data, current_app.config["CART_MAX_QUANTITY"]
        )
    ):
        return _added(int(form.sku_id.data))
    return _change_cart(form, add=True)


@bp.post("/cart/update")
def update_cart():
    return _change_cart(CartLineForm(), add=False)


def _added(sku_id: int):
    # The cart page says what was added from its address, not from a flash message: a flash
    # would have this answer sign a new session cookie and the cart page sign it again to clear
    # it (a tenth of an order's instructions, on the busiest write of the shop).
    return redirect(url_for("shop.cart_page", added=sku_id)), 303


def _change_cart(form: CartLineForm, add: bool):
    if not form.validate():
        flash(str(next(iter(form.errors.values()))[0]), "danger")
        return redirect(url_for("shop.cart_page")), 303
    try:
        carts.set_quantity(
            current_cart(), int(form.sku_id.data), form.quantity.data, current_app.config["CART_MAX_QUANTITY"], add=add
        )
    except carts.CartError as error:
        flash(error.message, "danger")
        target = request.referrer if add and request.referrer else url_for("shop.cart_page")
        return redirect(target), 303
    if add:
        return _added(int(form.sku_id.data))
    return redirect(url_for("shop.cart_page")), 303


@bp.get("/orders")
@statements_alone
@login_required
def my_orders():
    tab = request.args.get("tab", "all")
    if tab not in TABS:
        tab = "all"
    page = orders_of_user(current_user.id, tab, request.args.get("page", 1, type=int))
    return render_template("shop/orders.html", page=page, tab=tab)


@bp.get("/orders/<number>")
@statements_alone
@login_required
def order_page(number: str):
    order = orders.get_order(number, current_user.id)
    return render_template(
        "shop/order.html",
        order=order,
        impact=order_impact(order),
        steps=timeline(order),
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
