"""Our payment page (Stripe Payment Element) for orders and for booth sales shown as a QR code,\nthe return pages and the Stripe webhook."""

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import csrf
from app.payments import bp, services
from app.payments.gateway import GatewayError, InvalidWebhook, gateway_from_config
from app.pos import online_tender


def _gateway_or_404():
    gateway = gateway_from_config(current_app.config)
    if gateway is None:
        abort(404)
    return gateway


@bp.get("/pay/<number>")
@login_required
def pay(number: str):
    gateway = _gateway_or_404()
    try:
        payment = services.start_stripe_payment(number, current_user.id, gateway)
    except services.PaymentError:
        return redirect(url_for("shop.order_page", number=number))
    except GatewayError:
        current_app.logger.exception("stripe: could not start payment for %s", number)
        flash(_("支付通道暂时不可用，请稍后再试，或取消订单改用货到付款。"), "danger")
        return redirect(url_for("shop.order_page", number=number))
    return render_template(
        "payments/pay.html",
        order=payment.order,
        amount_fen=payment.amount_fen,
        client_secret=payment.client_secret,
        return_url=url_for("payments.returned", number=number, _external=True),
        **_stripe_js(),
    )


def _stripe_js() -> dict:
    return {
        "publishable_key": current_app.config["STRIPE_PUBLISHABLE_KEY"],
        "stripe_js": current_app.config["STRIPE_JS_URL"],
    }


@bp.get("/pay/<number>/return")
@login_required
def returned(number: str):
    """Stripe sends the buyer back here; we ask Stripe, never the query string, whether they paid."""
    gateway = _gateway_or_404()
    try:
        order = services.refresh_from_gateway(number, current_user.id, gateway)
    except GatewayError:
        current_app.logger.exception("stripe: could not refresh %s", number)
        order = None
    if order is not None and order.payment_status == "paid":
        flash(_("付款成功，谢谢您的支持！"), "success")
    else:
        flash(_("我们还没有收到付款确认。如果您已付款，页面稍后会自动更新。"), "info")
    return redirect(url_for("shop.order_page", number=number))


@bp.post("/payments/stripe/webhook")
@csrf.exempt  # Stripe cannot send our CSRF token; the signature check below replaces it
def stripe_webhook():
    gateway = gateway_from_config(current_app.config)
    if gateway is None:
        return jsonify(error="stripe is not configured"), 404
    try:
        event = gateway.parse_webhook(request.get_data(), request.headers.get("Stripe-Signature"))
    except InvalidWebhook as exc:
        current_app.logger.warning("stripe webhook refused: %s", exc)
        return jsonify(error="invalid signature or payload"), 400
    outcome = services.handle_stripe_event(event)
    return jsonify(received=True, outcome=outcome)


@bp.get("/pay/booth/<token>")
def pay_booth_sale(token: str):
    """What a booth's QR code opens on the buyer's phone: no account, just the goods and the amount."""
    _gateway_or_404()
    payment = online_tender.payment_for_link(token)
    if payment is None:
        abort(404)
    return render_template(
        "payments/pay_booth.html",
        booth=payment.booth,
        lines=online_tender.sale_summary(payment),
        status=payment.status,
        sale_uuid=payment.sale_uuid,
        order_number=online_tender.order_number(payment),
        amount_fen=payment.amount_fen,
        client_secret=payment.client_secret,
        return_url=url_for("payments.booth_sale_returned", token=token, _external=True),
        **_stripe_js(),
    )


@bp.get("/pay/booth/<token>/return")
def booth_sale_returned(token: str):
    """Back from the payment: ask the acquirer, then show the page with the result."""
    gateway = _gateway_or_404()
    payment = online_tender.payment_for_link(token)
    if payment is None:
        abort(404)
    online_tender.refresh(payment, gateway, ask_now=True)
    return redirect(url_for("payments.pay_booth_sale", token=token))
