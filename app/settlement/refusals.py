"""Why a statement, a payout or an assignment could not be made."""

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class SettlementError(Refusal):
    MESSAGES = {
        "month_not_over": _l("%(month)s 还没结束：月份结束后才能结算，以免漏掉当月的销售。"),
        "later_statement": _l("该主体已有 %(month)s 的对账单：只能结算之后的月份。"),
        "draft_open": _l("该主体还有未确认的对账单 %(number)s：请先确认或删除它。"),
        "nothing_to_settle": _l("截至 %(month)s 月底，该主体没有未结算的销售或退款。"),
        "not_draft": _l("只有草稿可以删除；已确认的对账单保留为凭证。"),
        "bank_reference": _l("请填写银行流水号，以便核对转账。"),
        "paid_on": _l("付款日期不能晚于今天，也不能早于对账单确认的日期。"),
        "not_payable": _l("对账单确认后才能登记到户发放。"),
        "amount_positive": _l("发放金额应大于 0。"),
        "over_outstanding": _l("发放金额超过这户的未发余额 %(outstanding)s：请核对金额。"),
        "already_reversed": _l("这笔发放已经冲销过。"),
        "reversal_reason": _l("请写明冲销原因，例如“金额登记错误”。"),
        "already_confirmed": _l("这笔发放已有农户确认。"),
        "reversed_payout": _l("已冲销的发放不能确认。"),
        "not_yours": _l("这户不在您负责的范围内。"),
        "unknown_user": _l("没有邮箱为 %(email)s 的账户：请先在“账户”页邀请。"),
        "staff_cannot_be_scoped": _l("县扶贫办账户不能改为村管理员或主体账户。"),
        "receipt_too_large": _l("回执照片不能超过 %(mb)s MB，请压缩后再传。"),
        "receipt_format": _l("回执照片只接受 JPEG、PNG 或 WebP 图片。"),
        "receipt_unreadable": _l("回执照片无法识别：请上传 JPEG、PNG 或 WebP 图片。"),
        "check_code": _l("查询码不对：请核对发放回执上的 10 位查询码。"),
    }
