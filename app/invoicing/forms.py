"""Invoice forms: the buyer's request, the staff's issue and decline."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import RadioField, StringField
from wtforms.validators import Length, Optional

from app.forms import EMAIL, REQUIRED, Form, choices
from app.invoicing.words import KIND

_long = Length(max=200, message=_l("最多 200 个字。"))


class InvoiceForm(Form):
    kind = RadioField(_l("发票类型"), choices=choices(KIND.items()), default="normal")
    holder = RadioField(
        _l("抬头类型"), choices=choices([("company", _l("单位")), ("person", _l("个人"))]), default="company"
    )
    title = StringField(_l("发票抬头"), validators=[REQUIRED, Length(max=128, message=_l("最多 128 个字。"))])
    taxpayer_id = StringField(_l("纳税人识别号"), validators=[Optional(), Length(max=20, message=_l("最多 20 位。"))])
    address_phone = StringField(_l("地址、电话（专票）"), validators=[Optional(), _long])
    bank_account = StringField(_l("开户行及账号（专票）"), validators=[Optional(), _long])
    email = StringField(_l("接收电子发票的邮箱（可不填）"), validators=[Optional(), EMAIL])


class IssueForm(Form):
    number = StringField(_l("发票号码"), validators=[REQUIRED])
    pdf = FileField(
        _l("电子发票 PDF"),
        validators=[
            FileRequired(message=_l("请选择电子发票的 PDF 文件。")),
            FileAllowed(["pdf"], message=_l("请上传电子发票的 PDF 文件。")),
        ],
    )


class DeclineForm(Form):
    reason = StringField(_l("不能开票的原因"), validators=[REQUIRED, _long])
