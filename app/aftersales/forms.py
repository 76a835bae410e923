"""After-sales forms: the buyer's request on a phone, the staff's decision."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, MultipleFileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.aftersales.words import KIND, REASON
from app.forms import REQUIRED, YUAN, Form, choices


class AfterSaleForm(Form):
    # Only lines that may be asked about are offered; the service refuses any other with its reason.
    line = SelectField(_l("哪件商品"), coerce=int, validate_choice=False)
    kind = RadioField(_l("售后类型"), choices=choices(KIND.items()), default="refund")
    reason = SelectField(_l("原因"), choices=choices(REASON.items()))
    description = TextAreaField(_l("说明"), validators=[Optional(), Length(max=1000, message=_l("最多 1000 个字。"))])
    amount = StringField(_l("申请退款金额（元）"), validators=[REQUIRED, YUAN])
    photos = MultipleFileField(
        _l("照片（最多 3 张）"),
        validators=[FileAllowed(["jpg", "jpeg", "png", "webp"], message=_l("照片只接受 JPEG、PNG 或 WebP 图片。"))],
    )


class ApproveForm(Form):
    amount = StringField(_l("同意退款（元）"), validators=[REQUIRED, YUAN])
    note = StringField(_l("备注"), validators=[Optional(), Length(max=200, message=_l("最多 200 个字。"))])


class DeclineForm(Form):
    reason = StringField(_l("不同意的原因"), validators=[REQUIRED, Length(max=200, message=_l("最多 200 个字。"))])
