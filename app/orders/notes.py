"""What order and payment records say (app.records): why an order or its payment moved, and
what is odd about a payment."""

from flask_babel import lazy_gettext as _l

from app.records import words

note = words(
    {
        "placed_online": _l("下单（在线支付）"),
        "placed_cod": _l("下单（货到付款）"),
        "payment_timeout": _l("支付超时，订单自动取消"),
        "signed_for": _l("签收"),
        "order_completed": _l("订单完成"),
        "paid_by": _l("付款成功（%(method)s）"),
        "refunded_in_full": _l("全额退款"),
        "buyer_cancelled": _l("买家取消订单"),
        "buyer_cancelled_paid": _l("买家在发货前取消订单"),
        "stripe_dashboard_refund": _l("Stripe 后台退款"),
        "paid_twice": _l("订单已付款，又收到一笔付款：请核对并退款"),
        "paid_after_cancel": _l("订单已取消后才收到付款：请核对并退款"),
        "amount_mismatch": _l("金额或币种不符：Stripe %(stripe)s，订单 %(order)s"),
    }
)
