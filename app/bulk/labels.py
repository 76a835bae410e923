"""Words for contract statuses, in the reader's language."""

from flask_babel import lazy_gettext as _l

INTENT_STATUS = {
    "draft": _l("草稿"),
    "submitted": _l("已提交，待确认"),
    "confirmed": _l("已确认"),
    "in_fulfilment": _l("履约中"),
    "fulfilled": _l("已履约"),
    "declined": _l("未予确认"),
    "cancelled": _l("已取消"),
    "expired": _l("已过期"),
}
