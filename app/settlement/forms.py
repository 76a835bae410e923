"""Settlement forms: building and paying statements, recording payouts on a phone, giving
accounts their scope, and the household's check code."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.forms import EMAIL, REQUIRED, YUAN, Form
from app.settlement.models import PAYOUT_METHODS

_date = DataRequired(message=_l("请选择日期。"))
_month = Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=_l("请按 2026-11 的格式填写月份。"))

METHOD_LABELS = {"bank_card": _l("打卡到银行卡"), "cash": _l("现金"), "agency": _l("银行代发")}
assert set(METHOD_LABELS) == set(PAYOUT_METHODS)


class BuildStatementForm(Form):
    producer = SelectField(_l("生产经营主体"), coerce=int, validate_choice=True)
    month = StringField(_l("结算到哪个月（含）"), validators=[REQUIRED, _month])


class PayStatementForm(Form):
    bank_reference = StringField(_l("银行流水号"), validators=[REQUIRED, Length(max=64, message=_l("最多 64 个字。"))])
    paid_on = DateField(_l("转账日期"), validators=[_date])


class PayoutForm(Form):
    amount = StringField(_l("发放金额（元）"), validators=[REQUIRED, YUAN])
    paid_on = DateField(_l("发放日期"), validators=[_date])
    method = SelectField(_l("发放方式"), choices=[SelectChoice(k, v) for k, v in METHOD_LABELS.items()])
    reference = StringField(
        _l("凭证号（银行流水或收据号，可不填）"), validators=[Optional(), Length(max=64, message=_l("最多 64 个字。"))]
    )
    receipt = FileField(
        _l("签字回执照片"),
        validators=[FileAllowed(["jpg", "jpeg", "png", "webp"], message=_l("回执照片只接受 JPEG、PNG 或 WebP 图片。"))],
    )


class ReverseForm(Form):
    reason = StringField(_l("冲销原因"), validators=[REQUIRED, Length(max=200, message=_l("最多 200 个字。"))])


class ConfirmReceiptForm(Form):
    confirmed_on = DateField(_l("农户确认日期"), validators=[_date])


class ProducerAccountForm(Form):
    email = StringField(_l("账户邮箱"), validators=[REQUIRED, EMAIL])
    producer = SelectField(_l("生产经营主体"), coerce=int, validate_choice=True)


class VillageAdminForm(Form):
    email = StringField(_l("账户邮箱"), validators=[REQUIRED, EMAIL])
    village = SelectField(_l("负责的村"), coerce=int, validate_choice=True)


class CheckCodeForm(Form):
    code = StringField(
        _l("查询码"),
        validators=[
            REQUIRED,
            Regexp(r"^\s*[2-9A-Za-z]{10}\s*$", message=_l("查询码是发放回执上的 10 位字母和数字。")),
        ],
    )
