"""Words for order and payment statuses, in the reader's language."""

from flask_babel import lazy_gettext as _l

ORDER_STATUS = {
    "pending_payment": _l("待付款"),
    "confirmed": _l("待发货"),
    "paid": _l("已付款，待发货"),
    "shipped": _l("已发货"),
    "delivered": _l("已签收"),
    "completed": _l("已完成"),
    "cancelled": _l("已取消"),
    "refunded": _l("已退款"),
}
PAYMENT_STATUS = {
    "unpaid": _l("未付款"),
    "paid": _l("已付款"),
    "partially_refunded": _l("部分退款"),
    "refunded": _l("已全额退款"),
}
# Who moved an order on, as its history shows it.
ACTORS = {
    "user": _l("买家"),
    "staff": _l("县扶贫办"),
    "system": _l("系统"),
    "booth": _l("展位平板"),
    "unit": _l("帮扶单位"),
    "stripe": _l("在线支付"),
    "scheduler": _l("定时任务"),
    "cli": _l("命令行"),
}
PAYMENT_METHOD = {
    "stripe": _l("在线支付"),
    "cod": _l("货到付款"),
    "cash": _l("现金"),
    "bank_transfer": _l("银行转账"),
    "merchant_qr": _l("展位收款码"),
    # A booth sale's tender, paid on the buyer's phone (the order's method is then stripe).
    "online": _l("顾客扫码在线支付"),
}


def order_status_label(order) -> str:
    """An order's status as its buyer and staff read it: an order waiting to ship says how it
    will be paid when that is not online (货到付款 for a consumer, 银行转账 for a unit's delivery)."""
    label = str(ORDER_STATUS.get(order.status, order.status))
    if order.status == "confirmed" and order.payment_method in ("cod", "bank_transfer"):
        return str(_l("%(status)s（%(method)s）", status=label, method=PAYMENT_METHOD[order.payment_method]))
    return label
