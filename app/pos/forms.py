"""Forms of the booth pages: pairing a tablet and closing the day."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.forms import Form


class PairForm(Form):
    booth = HiddenField(validators=[DataRequired(message=_l("请选择展位。"))])
    label = StringField(_l("平板名称"), validators=[Optional(), Length(max=64, message=_l("最多 64 个字。"))])


class CloseDayForm(Form):
    counted = StringField(
        _l("清点现金（元，含备用金）"),
        validators=[
            DataRequired(message=_l("请填写清点出的现金金额。")),
            Regexp(r"^\d{1,9}(\.\d{1,2})?$", message=_l("请输入金额，例如 1280.50。")),
        ],
    )
    note = StringField(_l("备注"), validators=[Optional(), Length(max=200, message=_l("最多 200 个字。"))])
