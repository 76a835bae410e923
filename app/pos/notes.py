"""What booth-sale records say (app.records): where a sale came from, and what staff should look
at (the flags a sale was kept with)."""

from flask_babel import lazy_gettext as _l

from app.records import words

note = words(
    {
        "booth_note": _l("展位 %(code)s"),
        "booth_payment": _l("展位收款（%(booth)s/%(sequence)s）"),
        "tablet_clock": _l("平板时间异常（%(moment)s），已按服务器收到的时间记账"),
        "lot_mismatch": _l("批次 %(lot)s 不是 %(sku)s 的批次，销售已记账但未记批次"),
        "price_differs": _l("%(sku)s 按 %(charged)s 收款，目录价 %(listed)s"),
        "over_allocation": _l("%(sku)s 超出分配：分配 %(allocated)s，已售 %(sold)s"),
        "online_amount_differs": _l("在线付款 %(paid)s 与销售金额 %(due)s 不符，未记为销售，请退款"),
        "online_sale_refused": _l("在线付款已到账，但销售未能记账（%(errors)s），请退款"),
    }
)
