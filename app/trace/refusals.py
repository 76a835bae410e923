"""Why a production lot could not be recorded."""

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class LotError(Refusal):
    MESSAGES = {
        "too_many_lots": _l("这个商品当天的批次已经太多，请手动填写批次号。"),
        "unknown_sku": _l("商品编码 %(code)s 不存在。"),
        "packed_before_harvest": _l("包装日期不能早于采收日期。"),
        "lot_code_taken": _l("批次号 %(code)s 已被使用，请换一个。"),
    }
