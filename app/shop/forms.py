"""Cart and checkout forms; every message says what to fix."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from app.forms import REQUIRED

PROVINCES = (
    "湖南省 北京市 天津市 上海市 重庆市 河北省 山西省 辽宁省 吉林省 黑龙江省 江苏省 浙江省 安徽省 福建省 江西省 "
    "山东省 河南省 湖北省 广东省 海南省 四川省 贵州省 云南省 陕西省 甘肃省 青海省 台湾省 内蒙古自治区 "
    "广西壮族自治区 西藏自治区 宁夏回族自治区 新疆维吾尔自治区 香港特别行政区 澳门特别行政区"
).split()


class CartLineForm(FlaskForm):
    sku_id = HiddenField(
        validators=[DataRequired(message=_l("请选择规格。")), Regexp(r"^\d{1,9}$", message=_l("请选择规格。"))]
    )
    quantity = IntegerField(
        _l("数量"),
        default=1,
        validators=[
            InputRequired(message=_l("请填写数量。")),
            NumberRange(min=0, max=999, message=_l("数量需在 %(min)s 到 %(max)s 之间。")),
        ],
    )


class CheckoutForm(FlaskForm):
    recipient = StringField(_l("收货人"), validators=[REQUIRED, Length(max=32, message=_l("最多 32 个字。"))])
    mobile = StringField(
        _l("手机号码"),
        validators=[REQUIRED, Regexp(r"^1[3-9]\d{9}$", message=_l("请输入 11 位手机号码，例如 13812345678。"))],
    )
    province = SelectField(_l("省份"), choices=PROVINCES, default="湖南省", validators=[REQUIRED], validate_choice=True)
    city = StringField(_l("城市"), validators=[REQUIRED, Length(max=32, message=_l("最多 32 个字。"))])
    county = StringField(_l("区县"), validators=[REQUIRED, Length(max=32, message=_l("最多 32 个字。"))])
    street = StringField(
        _l("详细地址"), validators=[REQUIRED, Length(min=4, max=120, message=_l("请写到门牌号，4 到 120 个字。"))]
    )
    note = TextAreaField(_l("备注"), validators=[Optional(), Length(max=200, message=_l("备注最多 200 个字。"))])
    event_code = StringField(
        _l("活动代码（可选）"),
        validators=[
            Optional(),
            Regexp(r"^[A-Za-z0-9_-]{1,32}$", message=_l("活动代码只含字母和数字，例如 WEEK2026。")),
        ],
    )
    payment_method = RadioField(
        _l("支付方式"), default="cod", validators=[InputRequired(message=_l("请选择支付方式。"))]
    )


class ConfirmForm(FlaskForm):
    """A bare POST with its CSRF token, for buttons such as "cancel order"."""
