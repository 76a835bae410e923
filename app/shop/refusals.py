"""Why something could not go into the cart."""

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class CartError(Refusal):
    MESSAGES = {
        "unavailable": _l("这个商品已下架，无法加入购物车。"),
        "bad_quantity": _l("每种商品一次最多购买 %(n)s 件。"),
        "exceeds_stock": _l("库存不足：目前只剩 %(n)s 件，请减少数量。"),
    }
