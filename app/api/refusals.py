"""Why the JSON API refused a request as a whole (a sale's own problems are in its result)."""

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class ApiRefusal(Refusal):
    MESSAGES = {
        "device_token_required": _l(
            "需要有效的设备令牌：请在县扶贫办后台为本展位签发令牌，或请店员登录后重新配对平板。"
        ),
        "bad_batch": _l('请求体应为只含 sales 一项的 JSON 对象 {"sales": [...]}，包含 1 到 %(max)s 笔销售。'),
    }
