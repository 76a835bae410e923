"""The staff form for one delivery rule."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp

from app.forms import YUAN, Form

_units = [
    InputRequired(message=_l("请填写整数。")),
    NumberRange(min=1, max=1000, message=_l("请填写 1 到 1000 的整数。")),
]


class RuleForm(Form):
    region = SelectField(_l("送达地区"))
    served = BooleanField(_l("送达"), default=True)
    basis = SelectField(
        _l("计费方式"), choices=[SelectChoice("piece", _l("按件")), SelectChoice("weight", _l("按重量（公斤）"))]
    )
    first_units = IntegerField(_l("首件（件或公斤）"), default=1, validators=_units)
    first_fee = StringField(
        _l("首件运费（元）"), default="0", validators=[InputRequired(message=_l("请填写金额。")), YUAN]
    )
    extra_units = IntegerField(_l("每续（件或公斤）"), default=1, validators=_units)
    extra_fee = StringField(
        _l("续件运费（元）"), default="0", validators=[InputRequired(message=_l("请填写金额。")), YUAN]
    )
    free_over = StringField(
        _l("满多少元包邮（可不填）"),
        validators=[Optional(), Regexp(r"^\d{1,9}(\.\d{1,2})?$", message=_l("请输入金额，例如 99。"))],
    )
