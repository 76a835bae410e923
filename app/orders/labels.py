"""Words for order and payment statuses, in the reader's language."""
from flask_babel import lazy_gettext as _l

ORDER_STATUS = {
    "pending_payment": _l("待付款"),
    "confirmed": _l("待发货（货到付款）"),
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
PAYMENT_METHOD = {
    "stripe": _l("在线支付"),
    "cod": _l("货到付款"),
    "cash": _l("现金"),
    "bank_transfer": _l("银行转账"),
    "merchant_qr": _l("展位收款码"),
}
