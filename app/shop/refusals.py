"""Why something could not go into the cart or the address book."""

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class CartError(Refusal):
    MESSAGES = {
        "unavailable": _l("这个商品已下架，无法加入购物车。"),
        "bad_quantity": _l("每种商品一次最多购买 %(n)s 件。"),
        "exceeds_stock": _l("库存不足：目前只剩 %(n)s 件，请减少数量。"),
        "bad_mobile": _l("请输入 11 位手机号码，例如 13812345678。"),
        "bad_region": _l("请依次选择省、市和区县。"),
        "too_many_addresses": _l("地址簿最多保存 %(n)s 个地址，请先删除不用的地址。"),
    }
