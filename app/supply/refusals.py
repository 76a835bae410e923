"""Why a supply post could not be made, listed or taken up."""

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class SupplyError(Refusal):
    MESSAGES = {
        "quantity_range": _l("数量应为 1 到 1000000 之间的整数。"),
        "price_range": _l("单价应大于 0 元，且不超过 100000 元。"),
        "window": _l("可供日期的结束不能早于开始，也不能早于今天。"),
        "not_open": _l("这条发布已经对接、上架或撤回，不能再操作。"),
        "take_quantity": _l("对接数量应在 1 到 %(quantity)s 之间。"),
        "unit_not_approved": _l("单位通过县扶贫办审核后才能对接。"),
        "no_category": _l("请先在“品类与英文名称”里建好品类。"),
    }
