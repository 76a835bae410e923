"""Why a payment could not be started, recorded or refunded."""

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class PaymentError(Refusal):
    MESSAGES = {
        "not_payable": _l("这个订单现在不需要在线付款。"),
        "amount_mismatch": _l("收款金额必须等于订单金额。"),
        "reference_required": _l("银行转账请填写转账流水号，对账时用它找到这笔款。"),
        "not_collectable": _l("这个订单不是待收款的货到付款或银行转账订单。"),
        "not_refundable": _l("这个订单还没有收款，无需退款。"),
        "refund_too_large": _l("退款金额超过了可退金额。"),
        "gateway_unavailable": _l("在线支付通道未配置，无法原路退款。"),
    }
