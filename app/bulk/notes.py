"""What contract and delivery records say (app.records)."""

from flask_babel import lazy_gettext as _l

from app.records import words

note = words(
    {
        "contract_delivery": _l("合同 %(number)s 交付"),
        "first_delivery": _l("第一次交付 %(order)s"),
        "all_delivered": _l("全部交付并验收"),
        "unit_accepted": _l("单位验收"),
        "unit_submitted": _l("单位提交"),
        "unit_withdrew": _l("单位撤回修改"),
        "office_confirmed": _l("县扶贫办确认"),
        "cancelled": _l("取消"),
        "window_passed": _l("交付期已过，未开始交付"),
        "contract_note": _l("合同 %(number)s"),
        "contract_note_po": _l("合同 %(number)s，采购单号 %(po)s"),
    }
)
