"""Why a benefit rule (带贫关系) could not be made or changed."""

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class LinkError(Refusal):
    MESSAGES = {
        "unknown_household": _l("没有户编号为 %(registration_no)s 的建档立卡户。"),
        "weight_range": _l("权重应为 1 到 1000 的整数。"),
        "starts_in_the_past": _l("生效日期不能早于今天：已经发生的销售按当时的规则记账。"),
        "already_linked": _l("这户已经与该生产主体有生效中的带贫关系；要改权重请用“调整”。"),
        "reweigh_date": _l("新权重的生效日期应不早于今天，且晚于原规则的生效日期。"),
        "already_ended": _l("原规则在这一天之前已经结束。"),
        "end_date": _l("结束日期不能早于昨天，也不能早于规则的生效日期。"),
    }
