"""Account forms; every message tells the user what to fix."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, Length, Regexp

from app.accounts.services import MIN_PASSWORD_LENGTH
from app.forms import EMAIL, REQUIRED, Form

_length = Length(min=MIN_PASSWORD_LENGTH, max=128, message=_l("密码至少需要 8 个字符。"))
_match = EqualTo("password", message=_l("两次输入的密码不一致，请重新输入。"))


class LoginForm(Form):
    email = EmailField(_l("邮箱"), validators=[REQUIRED, EMAIL])
    password = PasswordField(_l("密码"), validators=[REQUIRED])


class RegisterForm(Form):
    name = StringField(_l("姓名或昵称"), validators=[REQUIRED, Length(max=64, message=_l("最多 64 个字符。"))])
    email = EmailField(_l("邮箱"), validators=[REQUIRED, EMAIL])
    password = PasswordField(_l("密码"), validators=[REQUIRED, _length])
    confirm = PasswordField(_l("再次输入密码"), validators=[REQUIRED, _match])


class ChangePasswordForm(Form):
    current = PasswordField(_l("当前密码"), validators=[REQUIRED])
    password = PasswordField(_l("新密码"), validators=[REQUIRED, _length])
    confirm = PasswordField(_l("再次输入新密码"), validators=[REQUIRED, _match])


class ForgotPasswordForm(Form):
    email = EmailField(_l("邮箱"), validators=[REQUIRED, EMAIL])


class ResetPasswordForm(Form):
    password = PasswordField(_l("新密码"), validators=[REQUIRED, _length])
    confirm = PasswordField(_l("再次输入新密码"), validators=[REQUIRED, _match])


_mobile = Regexp(r"^1[3-9]\d{9}$", message=_l("请输入 11 位手机号码，例如 13812345678。"))


class PhoneCodeForm(Form):
    mobile = StringField(_l("手机号码"), validators=[REQUIRED, _mobile])


class PhoneSignInForm(Form):
    mobile = StringField(_l("手机号码"), validators=[REQUIRED, _mobile])
    code = StringField(
        _l("短信验证码"), validators=[REQUIRED, Regexp(r"^\d{6}$", message=_l("验证码是短信里的 6 位数字。"))]
    )
