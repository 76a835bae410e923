"""How after-sales kinds, reasons and statuses read on pages."""

from flask_babel import lazy_gettext as _l

KIND = {"refund": _l("仅退款"), "return": _l("退货退款")}
REASON = {
    "damaged": _l("运输破损"),
    "spoiled": _l("腐烂变质"),
    "short": _l("少发漏发"),
    "wrong_item": _l("发错商品"),
    "other": _l("其他"),
}
STATUS = {"requested": _l("处理中"), "approved": _l("已同意退款"), "declined": _l("未同意")}
