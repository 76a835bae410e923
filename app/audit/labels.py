"""The audit log in words: what each recorded action was, and the names of the fields its
before and after show."""

import json

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "view_household": _l("查看贫困户个人信息"),
    "import_households": _l("导入建档立卡户名单"),
    "export_households": _l("下载建档立卡户名单"),
    "export_ledger": _l("下载销售归属台账"),
    "print_labels": _l("下载溯源标签"),
    "invite_user": _l("邀请用户"),
    "set_role": _l("修改角色"),
    "enable_user": _l("恢复账号"),
    "disable_user": _l("停用账号"),
    "create_product": _l("新建商品"),
    "update_product": _l("修改商品"),
    "add_sku": _l("新增规格"),
    "change_price": _l("调整价格"),
    "adjust_stock": _l("调整库存"),
    "set_on_sale": _l("上架或下架"),
    "add_product_image": _l("上传商品图片"),
    "add_certification": _l("登记扶贫产品认定"),
    "add_benefit_link": _l("新增带贫关系"),
    "change_benefit_weight": _l("调整带贫权重"),
    "end_benefit_link": _l("结束带贫关系"),
    "create_event": _l("新建活动"),
    "create_booth": _l("新建展位"),
    "add_booth_clerk": _l("添加店员"),
    "remove_booth_clerk": _l("移出店员"),
    "set_booth_allocation": _l("分配展位商品"),
    "issue_device_token": _l("签发平板令牌"),
    "revoke_device_token": _l("停用平板令牌"),
    "close_booth_day": _l("展位日结"),
    "reconcile_booth_sale": _l("展位销售对账"),
    "create_lot": _l("登记生产批次"),
    "register_unit": _l("登记帮扶单位"),
    "approve_unit": _l("审核帮扶单位"),
    "add_unit_member": _l("添加单位成员"),
    "set_pledge": _l("设定年度认购"),
    "create_intent": _l("起草购销意向合同"),
    "set_intent_lines": _l("修改合同商品"),
    "import_intent_lines": _l("上传合同清单"),
    "add_planned_delivery": _l("添加计划交付"),
    "intent_status": _l("合同状态变更"),
    "issue_document": _l("出具合同文件"),
    "create_delivery": _l("安排交付"),
    "accept_delivery": _l("单位验收"),
}
FIELDS = {
    "status": _l("状态"),
    "reason": _l("原因"),
    "role": _l("角色"),
    "active": _l("启用"),
    "email": _l("邮箱"),
    "price_fen": _l("价格"),
    "stock": _l("库存"),
    "delta": _l("变动"),
    "name": _l("名称"),
    "label": _l("名称"),
    "weight": _l("权重"),
    "valid_from": _l("生效日"),
    "valid_to": _l("截止日"),
    "quantity": _l("数量"),
    "document": _l("文件"),
    "version": _l("版本"),
    "order": _l("订单"),
    "kind": _l("类型"),
    "rows": _l("行数"),
    "filters": _l("筛选条件"),
    "path": _l("文件"),
    "on_sale": _l("在售"),
    "day": _l("日期"),
    "expected_cash_fen": _l("钱箱应有"),
    "counted_cash_fen": _l("实点现金"),
    "amount_fen": _l("金额"),
    "creates": _l("新增"),
    "updates": _l("更新"),
    "unchanged": _l("未变"),
    "planned_on": _l("计划日期"),
    "address": _l("地址"),
    "year": _l("年度"),
    "device": _l("平板"),
    "sku": _l("规格"),
    "harvested_on": _l("采收日"),
    "credit_code": _l("统一社会信用代码"),
    "unit": _l("单位"),
    "lines": _l("商品"),
    "booth": _l("展位"),
}


def fields_of(recorded: str) -> dict:
    """A recorded before or after as field → value; anything that is not a JSON object is shown as it is."""
    if not recorded:
        return {}
    try:
        value = json.loads(recorded)
    except ValueError:
        return {"": recorded}
    return value if isinstance(value, dict) else {"": value}
