"""Why an account action was refused."""

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class AccountError(Refusal):
    MESSAGES = {
        "email_taken": _l("这个邮箱已经注册过了，请直接登录，或用“忘记密码”找回。"),
        "weak_password": _l("密码至少需要 8 个字符。"),
        "bad_credentials": _l("邮箱或密码不正确，请检查后重试。"),
        "wrong_current_password": _l("当前密码不正确。"),
        "link_expired": _l("重设链接已过期，请重新申请。"),
        "link_invalid": _l("重设链接无效或已使用，请重新申请。"),
        "bad_role": _l("没有这个角色。"),
        "own_account": _l("不能停用自己的账号，也不能改自己的角色。"),
        "invitee_has_account": _l("这个邮箱已经有账号了：在下面的列表里找到它，改角色即可。"),
        "bad_mobile": _l("请输入 11 位手机号码，例如 13812345678。"),
        "code_expired": _l("验证码已过期或已用过，请重新获取。"),
        "code_wrong": _l("验证码不对，请核对短信里的 6 位数字。"),
        "code_locked": _l("输错次数太多，这个验证码已作废，请重新获取。"),
        "account_disabled": _l("这个账号已停用，请联系县扶贫办。"),
    }
