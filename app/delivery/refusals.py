"""Why a delivery rule could not be saved."""

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class DeliveryError(Refusal):
    MESSAGES = {
        "unknown_region": _l("请从列表中选择省份，或“其他地区”。"),
        "fees": _l("首件和续件的运费不能为负，件数或公斤数至少为 1。"),
        "free_over": _l("包邮门槛应大于 0 元；不包邮请留空。"),
    }
