"""Why an after-sales request could not be made or decided."""

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class AfterSaleError(Refusal):
    MESSAGES = {
        "not_delivered": _l("订单送达后才能申请售后；送达前可以直接取消订单。"),
        "window_passed": _l("已超过送达后 %(days)s 天的售后期限；如有特殊情况请联系县扶贫办。"),
        "not_paid": _l("这笔订单还没有付款，不需要退款。"),
        "amount": _l("申请金额应在 0.01 元到这件商品还可退的 %(left)s 之间。"),
        "open_request": _l("这件商品已有一个处理中的售后申请，请等处理结果。"),
        "too_many_photos": _l("最多上传 %(n)s 张照片。"),
        "photo_too_large": _l("照片不能超过 %(mb)s MB，请压缩后再传。"),
        "photo_format": _l("照片只接受 JPEG、PNG 或 WebP 图片。"),
        "photo_unreadable": _l("照片无法识别：请上传 JPEG、PNG 或 WebP 图片。"),
        "approve_amount": _l("同意退款的金额应在 0.01 元到申请的 %(asked)s 之间。"),
        "decline_reason": _l("请写明不同意的原因，买家会看到。"),
    }
