"""Back-office forms for order handling."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

_required = DataRequired(message=_l("请填写此项。"))
_yuan = Regexp(r"^\d{1,9}(\.\d{1,2})?$", message=_l("请输入金额，例如 79.60。"))


class ShipForm(FlaskForm):
    carrier = StringField(_l("快递公司"), validators=[_required, Length(max=64, message=_l("最多 64 个字。"))])
    tracking_number = StringField(_l("运单号"), validators=[
        _required, Regexp(r"^[A-Za-z0-9-]{6,40}$", message=_l("运单号为 6 到 40 位字母或数字。"))])


class CashForm(FlaskForm):
    amount = StringField(_l("收款金额（元）"), validators=[_required, _yuan])
    reference = StringField(_l("收款凭证或备注"), validators=[Optional(), Length(max=128, message=_l("最多 128 个字。"))])


class RefundForm(FlaskForm):
    """Amounts per line come as fields named line-<id>; empty means nothing for that line."""

    reason = StringField(_l("退款原因"), validators=[_required, Length(max=200, message=_l("最多 200 个字。"))])


class HouseholdImportForm(FlaskForm):
    file = FileField(_l("建档立卡户名单（CSV 或 Excel）"), validators=[
        FileRequired(message=_l("请选择要上传的文件。")),
        FileAllowed(["csv", "xlsx"], message=_l("只接受 .csv 或 .xlsx 文件。"))])


class ConfirmImportForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(message=_l("找不到待导入的文件，请重新上传。"))])
