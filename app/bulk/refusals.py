"""Why a supporting unit's registration, membership, contract or delivery was refused."""

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class UnitError(Refusal):
    MESSAGES = {
        "credit_code": _l("统一社会信用代码不正确：应为 18 位，最后一位是校验码，请对照营业执照或登记证书核对。"),
        "credit_code_taken": _l("这个统一社会信用代码已经注册过单位，请联系本单位管理员把您加为成员。"),
        "already_in_a_unit": _l("您的账号已经属于一个单位。"),
        "contact_mobile": _l("联系电话请填写 11 位手机号码。"),
        "no_such_account": _l("没有可加入单位的账号 %(email)s：请同事先在商城注册，再来添加。"),
        "member_elsewhere": _l("%(name)s 已经属于一个单位。"),
        "window_order": _l("交付截止日期不能早于开始日期。"),
        "unknown_event": _l("没有编码为 %(code)s 的活动。"),
        "not_a_draft": _l("只有草稿状态的合同可以修改；已提交的合同请先撤回。"),
        "sku_withdrawn": _l("有商品已下架，请刷新页面后重试。"),
        "planned_outside_window": _l("计划交付日期应在合同交付期 %(start)s 至 %(end)s 之内。"),
        "no_lines": _l("合同还没有商品，请先填写数量或上传清单。"),
        "no_planned_delivery": _l("请至少填写一次计划交付（日期和地址）。"),
        "unit_not_approved": _l("这个单位还没有通过审核，请先在“帮扶单位”中审核。"),
        "decline_reason": _l("请写明不予确认的原因，单位会看到它。"),
    }


class DeliveryError(Refusal):
    MESSAGES = {
        "not_deliverable": _l("只有已确认或履约中的合同可以安排交付。"),
        "recipient_mobile": _l("收货人手机号应为 11 位。"),
        "no_quantities": _l("请至少为一种商品填写本次交付数量。"),
        "unknown_line": _l("交付单里有不属于这份合同的商品，请刷新页面后重试。"),
        "beyond_contract": _l("交付数量超出合同剩余数量。各商品最多还能交付：%(problems)s"),
        "beyond_contract_now": _l("交付数量超出合同剩余数量：%(codes)s（可能刚有另一次交付）。请刷新后重试。"),
        "short_of_stock": _l("库存不足：%(codes)s。请补充库存或减少本次交付数量。"),
        "prepaid_unpaid": _l("合同约定先付款后发货：这次交付还没有收到货款。"),
    }
