"""Supply forms: the administrator's post on a phone, a unit's take-up, the staff listing."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import REQUIRED, YUAN, Form

_date = DataRequired(message=_l("请选择日期。"))
_count = NumberRange(min=1, max=1_000_000, message=_l("请填写 1 到 1000000 之间的整数。"))
_whole = InputRequired(message=_l("请填写整数。"))


class PostForm(Form):
    crop = StringField(_l("品名"), validators=[REQUIRED, Length(max=32, message=_l("最多 32 个字。"))])
    quantity = IntegerField(_l("数量"), validators=[_whole, _count])
    unit = StringField(_l("单位"), default="斤", validators=[REQUIRED, Length(max=8, message=_l("最多 8 个字。"))])
    price = StringField(_l("期望单价（元）"), validators=[REQUIRED, YUAN])
    available_from = DateField(_l("可供日期从"), validators=[_date])
    available_to = DateField(_l("到"), validators=[_date])
    note = StringField(
        _l("说明（品种、采摘、存放等）"), validators=[Optional(), Length(max=200, message=_l("最多 200 个字。"))]
    )


class TakeUpForm(Form):
    quantity = IntegerField(_l("对接数量"), validators=[_whole, _count])


class ListingForm(Form):
    category = SelectField(_l("品类"), coerce=int, validate_choice=True)
    name = StringField(_l("商品名称"), validators=[REQUIRED, Length(max=128, message=_l("最多 128 个字。"))])
    net_weight_g = IntegerField(
        _l("每单位净重（克）"),
        default=500,
        validators=[_whole, NumberRange(min=0, max=100_000, message=_l("请填写 0 到 100000 之间的克数。"))],
    )
    harvested_on = DateField(_l("采收日期（批次）"), validators=[_date])
