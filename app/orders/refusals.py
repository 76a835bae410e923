"""Why an order could not be placed or changed."""

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class CheckoutError(Refusal):
    """``names`` (when given) are the products concerned, as the buyer saw them."""

    MESSAGES = {
        "empty_cart": _l("购物车是空的，请先挑选商品。"),
        "sold_out": _l("很抱歉，%(names)s 已售罄或库存不足，请修改数量后再提交。"),
        "price_changed": _l("%(names)s 的价格刚刚有变动，请确认新价格后再提交。"),
        "unavailable": _l("购物车里有已下架的商品，已为您移除，请重新确认。"),
        "unknown_event": _l("活动代码“%(code)s”不存在，请检查或留空。"),
        "bad_mobile": _l("请输入 11 位手机号码，例如 13812345678。"),
        "bad_quantity": _l("每种商品一次最多购买 %(n)s 件。"),
        "busy": _l(
            "下单时购物车或库存一直在变（也许另一个窗口正在修改购物车），这次没有下单。请核对购物车后再提交一次。"
        ),
        "not_served": _l("%(names)s 不送达您选择的地区：请换一个收货地址，或先从购物车移除这些商品。"),
    }
