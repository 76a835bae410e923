"""Account forms; every message tells the user what to fix."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.accounts.services import MIN_PASSWORD_LENGTH

_required = DataRequired(message=_l("请填写此项。"))
_email = Email(message=_l("请输入有效的邮箱地址，例如 name@example.com。"))
_length = Length(min=MIN_PASSWORD_LENGTH, max=128, message=_l("密码至少需要 8 个字符。"))
_match = EqualTo("password", message=_l("两次输入的密码不一致，请重新输入。"))


class LoginForm(FlaskForm):
    email = EmailField(_l("邮箱"), validators=[_required, _email])
    password = PasswordField(_l("密码"), validators=[_required])


class RegisterForm(FlaskForm):
    name = StringField(_l("姓名或昵称"), validators=[_required, Length(max=64, message=_l("最多 64 个字符。"))])
    email = EmailField(_l("邮箱"), validators=[_required, _email])
    password = PasswordField(_l("密码"), validators=[_required, _length])
    confirm = PasswordField(_l("再次输入密码"), validators=[_required, _match])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("当前密码"), validators=[_required])
    password = PasswordField(_l("新密码"), validators=[_required, _length])
    confirm = PasswordField(_l("再次输入新密码"), validators=[_required, _match])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("邮箱"), validators=[_required, _email])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("新密码"), validators=[_required, _length])
    confirm = PasswordField(_l("再次输入新密码"), validators=[_required, _match])
