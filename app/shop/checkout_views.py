"""Checkout: the address (from the address book, or picked from the national division codes),
the delivery fee for it, and placing the order."""

from datetime import timedelta

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app.accounts.access import unloaded_session_key
from app.delivery.quotes import Quote, quote
from app.domain.money import format_fen
from app.models_base import statements_alone, utcnow
from app.orders import services as orders
from app.orders.queries import online_order_placed_since
from app.payments.gateway import gateway_from_config
from app.shop import addresses, bp
from app.shop import cart as carts
from app.shop.forms import HOME_PROVINCE, CheckoutForm
from app.shop.models import SavedAddress
from app.shop.views import current_cart

# How long after an order an empty-cart submit of the checkout form counts as that order's resubmit.
RESUBMIT_WINDOW = timedelta(minutes=2)


def _payment_choices():
    choices = [SelectChoice("cod", _("货到付款（送货上门时付现金或扫码）"))]
    if gateway_from_config(current_app.config):
        choices.insert(0, SelectChoice("stripe", _("在线支付（银行卡、支付宝、微信支付）")))
    return choices


def _chosen(form: CheckoutForm, saved: list[SavedAddress]) -> SavedAddress | None:
    return next((a for a in saved if str(a.id) == form.address_id.data), None)


def _address(form: CheckoutForm, saved: list[SavedAddress]) -> orders.Address | None:
    """The address the form names, or None (with the reason on the form) when it names none."""
    chosen = _chosen(form, saved)
    if chosen is not None:
        return orders.Address(
            chosen.recipient,
            chosen.mobile,
            chosen.province,
            chosen.city,
            chosen.county,
            chosen.street,
            chosen.region_code,
        )
    picked = form.picked()
    if picked is None:
        form.county.errors = [*form.county.errors, _("请依次选择省、市和区县。")]
        return None
    return orders.Address(
        form.recipient.data.strip(),
        form.mobile.data.strip(),
        picked.province,
        picked.city,
        picked.county,
        form.street.data.strip(),
        picked.county_code,
    )


def _keep_in_address_book(form: CheckoutForm, address: orders.Address, user_id: int) -> None:
    if form.address_id.data != "new" or not form.save_address.data:
        return
    draft = addresses.AddressDraft(
        address.recipient, address.mobile, form.province.data, form.city.data, form.county.data, address.street
    )
    try:
        addresses.add_address(user_id, draft)
    except carts.CartError:
        pass  # a full address book does not undo an order placed


def _checkout_form() -> CheckoutForm:
    form = CheckoutForm()
    form.payment_method.choices = _payment_choices()
    return form


def _submit(
    form: CheckoutForm, user_id: int, basket: orders.Basket, saved: list[SavedAddress]
) -> ResponseReturnValue | orders.CheckoutError | None:
    """Place the order a valid checkout form describes. Returns the answer that leads on to it,
    the refusal, or None when the form names no address (the reason is then on the form)."""
    address = _address(form, saved)
    if address is None:
        return None
    try:
        order = orders.place_order(
            user_id,
            basket,
            address,
            form.note.data or "",
            form.event_code.data,
            form.payment_method.data,
            current_app.config["CART_MAX_QUANTITY"],
            current_app.config["ORDER_PAYMENT_TIMEOUT_MINUTES"],
        )
    except orders.CheckoutError as error:
        return error
    _keep_in_address_book(form, address, user_id)
    if order.payment_method == "stripe":
        return redirect(url_for("payments.pay", number=order.number)), 303
    # The order's page says it is placed and what comes next for as long as it waits to ship;
    # a flash message would cost this answer and the next a session cookie signed anew.
    return redirect(url_for("shop.order_page", number=order.number)), 303


@bp.get("/checkout", endpoint="checkout_page")
@statements_alone  # the page reads; its writes (prices now seen) stand alone, line by line
@login_required
def _checkout_page():
    return _checkout()


@bp.post("/checkout")
def checkout():
    # A signed-in buyer's order is placed without loading their user first: the cart is handed
    # over only to a session still current (cart.basket checks it in the same
    # statement) and the confirmation mail is written by its job. Whatever that does not place
    # (a form to show again, a refusal, a session gone) goes the general way, which loads the
    # user and answers it; a refusal is passed on rather than judged again (a sold-out rush is
    # mostly refusals, and judging one is taking the order all over again).
    signed_in = unloaded_session_key()
    refusal = None
    if signed_in is not None:
        user_id, session_version = signed_in
        form = _checkout_form()
        if form.validate_on_submit():
            saved = addresses.addresses_of(user_id) if form.address_id.data != "new" else []
            answer = _submit(form, user_id, carts.basket(user_id, session_version), saved)
            if isinstance(answer, orders.CheckoutError):
                refusal = answer
            elif answer is not None:
                return answer
    return _checkout_signed_in(refusal)


@login_required
def _checkout_signed_in(refusal: orders.CheckoutError | None):
    return _checkout(refusal)


def _checkout(refusal: orders.CheckoutError | None = None):  # refusal: the form's order, refused on the way
    cart = current_cart()
    form = _checkout_form()
    # A new address needs no look at the address book until the page is shown again.
    wanted = request.method == "GET" or form.address_id.data != "new"
    saved = addresses.addresses_of(current_user.id) if wanted else []
    if request.method == "GET":
        form.address_id.data = str(saved[0].id) if saved else "new"
        form.recipient.data = form.recipient.data or current_user.name
    status = 200
    if form.validate_on_submit():
        answer = refusal or _submit(form, current_user.id, carts.basket(current_user.id), saved)
        if answer is None:
            status = 400
        elif not isinstance(answer, orders.CheckoutError):
            return answer
        else:
            resubmitted = answer.code == "empty_cart" and online_order_placed_since(
                current_user.id, utcnow() - RESUBMIT_WINDOW
            )
            if resubmitted:
                # A double click or a resent form: the browser shows this answer, not the first
                # one's, so it leads to the order the first submit placed.
                flash(_("这份订单已经提交成功，没有重复下单。"), "info")
                return redirect(url_for("shop.order_page", number=resubmitted)), 303
            flash(answer.message, "danger")
            status = 409 if answer.code in ("sold_out", "price_changed", "unavailable", "not_served", "busy") else 400
    elif form.errors:
        status = 400
    if not wanted:
        saved = addresses.addresses_of(current_user.id)
    view = carts.view_cart(cart, acknowledge_prices=True)
    if not view.lines:
        flash(_("购物车是空的，请先挑选商品。"), "info")
        return redirect(url_for("shop.cart_page"))
    chosen = _chosen(form, saved)
    province = chosen.province_code if chosen else form.province.data or HOME_PROVINCE
    delivery = _quote(view, province)
    # The division lists are for showing the form: a submit is checked against the divisions
    # themselves (form.picked), so an order placed never builds them.
    form.fill_region_choices()
    return render_template(
        "shop/checkout.html", form=form, cart=view, saved=saved, delivery=delivery, province=province
    ), status


def _quote(view: carts.CartView, province: str) -> Quote:
    return quote(
        ((line.product.producer_id, line.quantity, line.sku.net_weight_g, line.price_fen) for line in view.lines),
        province,
    )


def _quote_json(delivery: Quote, goods_fen: int) -> dict:
    return {
        "fee_fen": delivery.fee_fen,
        "fee": format_fen(delivery.fee_fen),
        "total": format_fen(goods_fen + delivery.fee_fen),
        "unserved": delivery.unserved,
        "message": _("%(names)s 不送达这个地区。", names="、".join(delivery.unserved)) if delivery.unserved else "",
    }


@bp.get("/checkout/quote")
@login_required
def checkout_quote():
    """The fee for the cart to a province, for the checkout page as the buyer changes the address."""
    view = carts.view_cart(current_cart())
    province = request.args.get("province", "")
    delivery = _quote(view, province)
    return jsonify(_quote_json(delivery, view.total_fen))
