"""The staff form for a new lot."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from app.forms import Form


class LotForm(Form):
    sku = StringField(
        _l("商品编码"),
        validators=[DataRequired(message=_l("请填写此项。")), Length(max=32, message=_l("最多 32 个字。"))],
    )
    harvested_on = DateField(_l("采收日期"), validators=[DataRequired(message=_l("请选择日期。"))])
    packed_on = DateField(_l("包装日期（可选）"), validators=[Optional()])
    quantity = IntegerField(
        _l("数量（件）"),
        validators=[
            InputRequired(message=_l("请填写数量。")),
            NumberRange(min=1, max=1_000_000, message=_l("数量应在 1 到 1000000 之间。")),
        ],
    )
    code = StringField(
        _l("批次号（留空自动生成）"),
        validators=[Optional(), Regexp(r"^[A-Za-z0-9-]{4,32}$", message=_l("4 到 32 位字母、数字或连字符。"))],
    )
    inspection_note = TextAreaField(
        _l("检测说明（可选）"), validators=[Optional(), Length(max=500, message=_l("最多 500 个字。"))]
    )
