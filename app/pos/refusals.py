"""Why setting up a fair (events, booths, allocations, clerks) or reconciling a sale was refused."""

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class SetupError(Refusal):
    MESSAGES = {
        "event_code_taken": _l("活动编码 %(code)s 已被使用，请换一个。"),
        "event_dates": _l("结束日期不能早于开始日期。"),
        "township_required": _l("请选择乡镇。"),
        "township_has_booth": _l("%(township)s在这个活动已经有展位（%(code)s）。"),
        "unknown_sku": _l("商品编码 %(code)s 不存在。"),
        "below_sold": _l("%(code)s 已售 %(sold)s，分配数量不能少于已售数量。"),
        "no_clerk_account": _l("没有店员账号 %(email)s：请先为他开通“展位店员”角色的账号。"),
        "already_clerk": _l("%(name)s 已经是这个展位的店员。"),
        "not_a_clerk": _l("这个人不是本展位的店员。"),
        "sale_not_found": _l("找不到需要核对的这笔销售。"),
        "already_reconciled": _l("这笔销售已经核对过了。"),
    }
