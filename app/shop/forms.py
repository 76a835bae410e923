"""Cart and checkout forms; every message says what to fix."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from app import regions
from app.forms import REQUIRED, Form, choices

HOME_PROVINCE = "430000"  # 湖南省: where most buyers of the county's produce are
_pick = DataRequired(message=_l("请依次选择省、市和区县。"))
ADDRESS_FIELDS = ("recipient", "mobile", "province", "city", "county", "street")


class AddressFields(Form):
    """A delivery address: the region picked from the national division codes (the choices are
    filled by the view from what was picked above), the street typed."""

    recipient = StringField(_l("收货人"), validators=[REQUIRED, Length(max=32, message=_l("最多 32 个字。"))])
    mobile = StringField(
        _l("手机号码"),
        validators=[REQUIRED, Regexp(r"^1[3-9]\d{9}$", message=_l("请输入 11 位手机号码，例如 13812345678。"))],
    )
    province = SelectField(_l("省份"), default=HOME_PROVINCE, validators=[_pick], validate_choice=False)
    city = SelectField(_l("城市"), validators=[_pick], validate_choice=False)
    county = SelectField(_l("区县"), validators=[_pick], validate_choice=False)
    street = StringField(
        _l("详细地址"), validators=[REQUIRED, Length(min=4, max=120, message=_l("请写到门牌号，4 到 120 个字。"))]
    )

    def fill_region_choices(self) -> None:
        """Each level offers the divisions of the one picked above it."""
        placeholder = ("", _l("请选择"))
        self.province.choices = choices([placeholder, *regions.provinces()])
        self.city.choices = choices([placeholder, *regions.children(self.province.data or "")])
        self.county.choices = choices([placeholder, *regions.children(self.city.data or "")])

    def picked(self) -> regions.Place | None:
        return regions.place(self.province.data or "", self.city.data or "", self.county.data or "")


class AddressForm(AddressFields):
    make_default = BooleanField(_l("设为默认地址"))


class CartLineForm(Form):
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


class CheckoutForm(AddressFields):
    # A saved address's id, or "new" for the fields below.
    address_id = RadioField(_l("收货地址"), default="new", validate_choice=False)
    save_address = BooleanField(_l("保存到地址簿"), default=True)
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

    def validate(self, extra_validators=None) -> bool:
        # A saved address needs none of the new address's fields.
        if self.address_id.data != "new":
            for name in ADDRESS_FIELDS:
                getattr(self, name).validators = []
        return super().validate(extra_validators)


class ConfirmForm(Form):
    """A bare POST with its CSRF token, for buttons such as "cancel order"."""
