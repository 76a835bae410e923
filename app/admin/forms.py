"""Back-office forms: orders, the household registry, events and booths."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from app.forms import REQUIRED, YUAN, Form


class ShipForm(Form):
    carrier = StringField(_l("快递公司"), validators=[REQUIRED, Length(max=64, message=_l("最多 64 个字。"))])
    tracking_number = StringField(
        _l("运单号"),
        validators=[REQUIRED, Regexp(r"^[A-Za-z0-9-]{6,40}$", message=_l("运单号为 6 到 40 位字母或数字。"))],
    )


class CashForm(Form):
    amount = StringField(_l("收款金额（元）"), validators=[REQUIRED, YUAN])
    reference = StringField(
        _l("收款凭证或备注"), validators=[Optional(), Length(max=128, message=_l("最多 128 个字。"))]
    )


class RefundForm(Form):
    """Amounts per line come as fields named line-<id>; empty means nothing for that line."""

    reason = StringField(_l("退款原因"), validators=[REQUIRED, Length(max=200, message=_l("最多 200 个字。"))])


class HouseholdImportForm(Form):
    file = FileField(
        _l("建档立卡户名单（CSV 或 Excel）"),
        validators=[
            FileRequired(message=_l("请选择要上传的文件。")),
            FileAllowed(["csv", "xlsx"], message=_l("只接受 .csv 或 .xlsx 文件。")),
        ],
    )


class ConfirmImportForm(Form):
    token = HiddenField(validators=[DataRequired(message=_l("找不到待导入的文件，请重新上传。"))])


EVENT_KIND_LABELS = {
    "poverty_alleviation_day": _l("国家扶贫日展销"),
    "consumption_week": _l("消费扶贫活动周"),
    "fair": _l("展销会"),
}


class EventForm(Form):
    code = StringField(
        _l("活动编码"),
        validators=[
            REQUIRED,
            Regexp(r"^[A-Za-z0-9-]{3,24}$", message=_l("3 到 24 位字母、数字或连字符，例如 PAD2027。")),
        ],
    )
    name = StringField(_l("活动名称"), validators=[REQUIRED, Length(max=128, message=_l("最多 128 个字。"))])
    kind = SelectField(_l("类型"), choices=[SelectChoice(k, label) for k, label in EVENT_KIND_LABELS.items()])
    starts_on = DateField(_l("开始日期"), validators=[DataRequired(message=_l("请选择日期。"))])
    ends_on = DateField(_l("结束日期"), validators=[DataRequired(message=_l("请选择日期。"))])
    venue = StringField(_l("地点"), validators=[Optional(), Length(max=255, message=_l("最多 255 个字。"))])


class BoothForm(Form):
    township = SelectField(_l("乡镇"), coerce=int, validators=[DataRequired(message=_l("请选择乡镇。"))])
    opening_float = StringField(_l("每日备用金（元）"), default="500", validators=[REQUIRED, YUAN])
    merchant_name = StringField(
        _l("展位收款码名称"), validators=[Optional(), Length(max=128, message=_l("最多 128 个字。"))]
    )


class AllocationForm(Form):
    sku = StringField(_l("商品编码"), validators=[REQUIRED, Length(max=32, message=_l("最多 32 个字。"))])
    quantity = IntegerField(
        _l("分配数量"),
        validators=[
            InputRequired(message=_l("请填写数量。")),
            NumberRange(min=0, max=100000, message=_l("数量应在 0 到 100000 之间。")),
        ],
    )


class ClerkForm(Form):
    email = StringField(_l("店员账号邮箱"), validators=[REQUIRED, Length(max=255, message=_l("最多 255 个字。"))])


class DeviceForm(Form):
    label = StringField(_l("平板名称"), validators=[Optional(), Length(max=64, message=_l("最多 64 个字。"))])


class ReconcileForm(Form):
    note = StringField(_l("处理说明"), validators=[REQUIRED, Length(max=200, message=_l("最多 200 个字。"))])


class PriceForm(Form):
    price = StringField(_l("新价格（元）"), validators=[REQUIRED, YUAN])


class StockForm(Form):
    delta = IntegerField(
        _l("调整数量（增加为正，减少为负）"),
        validators=[
            InputRequired(message=_l("请填写调整数量。")),
            NumberRange(min=-1_000_000, max=1_000_000, message=_l("一次最多调整 1000000 件。")),
        ],
    )
    reason = StringField(_l("原因"), validators=[REQUIRED, Length(max=200, message=_l("最多 200 个字。"))])


class ImageForm(Form):
    image = FileField(
        _l("商品图片（JPEG、PNG 或 WebP，最大 3 MB）"),
        validators=[
            FileRequired(message=_l("请选择图片。")),
            FileAllowed(["jpg", "jpeg", "png", "webp"], message=_l("只接受 JPEG、PNG 或 WebP 图片。")),
        ],
    )
    alt = StringField(_l("图片说明"), validators=[Optional(), Length(max=128, message=_l("最多 128 个字。"))])


class CertificationForm(Form):
    number = StringField(_l("认定证书编号"), validators=[REQUIRED, Length(max=64, message=_l("最多 64 个字。"))])
    issuer = StringField(_l("认定单位"), validators=[REQUIRED, Length(max=128, message=_l("最多 128 个字。"))])
    valid_from = DateField(_l("有效期开始"), validators=[DataRequired(message=_l("请选择日期。"))])
    valid_to = DateField(_l("有效期结束"), validators=[DataRequired(message=_l("请选择日期。"))])


class LinkForm(Form):
    registration_no = StringField(_l("户编号"), validators=[REQUIRED, Length(max=32, message=_l("最多 32 个字。"))])
    weight = IntegerField(
        _l("权重"),
        default=1,
        validators=[
            InputRequired(message=_l("请填写权重。")),
            NumberRange(min=1, max=1000, message=_l("权重应为 1 到 1000。")),
        ],
    )
    valid_from = DateField(_l("生效日期"), validators=[DataRequired(message=_l("请选择日期。"))])


class WeightForm(Form):
    weight = IntegerField(
        _l("新权重"),
        validators=[
            InputRequired(message=_l("请填写权重。")),
            NumberRange(min=1, max=1000, message=_l("权重应为 1 到 1000。")),
        ],
    )
    from_date = DateField(_l("自哪天起"), validators=[DataRequired(message=_l("请选择日期。"))])


class EndLinkForm(Form):
    last_day = DateField(_l("最后一天"), validators=[DataRequired(message=_l("请选择日期。"))])


ROLE_LABELS = {
    "consumer": _l("消费者"),
    "unit_member": _l("帮扶单位成员"),
    "clerk": _l("展位店员"),
    "staff": _l("县扶贫办"),
    "producer": _l("生产经营主体"),
    "village_admin": _l("村信息管理员"),
}


class InviteForm(Form):
    email = StringField(
        _l("邮箱"),
        validators=[
            REQUIRED,
            Length(max=255, message=_l("最多 255 个字。")),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("请输入有效的邮箱地址。")),
        ],
    )
    name = StringField(_l("姓名"), validators=[REQUIRED, Length(max=64, message=_l("最多 64 个字。"))])
    role = SelectField(_l("角色"), choices=[SelectChoice(k, v) for k, v in ROLE_LABELS.items()])


class RoleForm(Form):
    role = SelectField(_l("角色"), choices=[SelectChoice(k, v) for k, v in ROLE_LABELS.items()])


class ProductForm(Form):
    name = StringField(_l("商品名称"), validators=[REQUIRED, Length(max=128, message=_l("最多 128 个字。"))])
    subtitle = StringField(_l("一句话介绍"), validators=[Optional(), Length(max=255, message=_l("最多 255 个字。"))])
    description = TextAreaField(
        _l("详细介绍"), validators=[Optional(), Length(max=5000, message=_l("最多 5000 个字。"))]
    )
    category = SelectField(_l("品类"), coerce=int, validators=[DataRequired(message=_l("请选择品类。"))])
    producer = SelectField(_l("生产主体"), coerce=int, validators=[DataRequired(message=_l("请选择生产主体。"))])
    name_en = StringField(
        _l("英文名称（选填）"), validators=[Optional(), Length(max=128, message=_l("最多 128 个字。"))]
    )
    subtitle_en = StringField(
        _l("英文一句话介绍（选填）"), validators=[Optional(), Length(max=255, message=_l("最多 255 个字。"))]
    )
    description_en = TextAreaField(
        _l("英文详细介绍（选填）"), validators=[Optional(), Length(max=5000, message=_l("最多 5000 个字。"))]
    )


class SkuForm(Form):
    code = StringField(
        _l("商品编码"),
        validators=[
            REQUIRED,
            Regexp(r"^[A-Za-z0-9-]{2,32}$", message=_l("2 到 32 位字母、数字或连字符，例如 XFMJ-5。")),
        ],
    )
    name = StringField(_l("规格名称"), validators=[REQUIRED, Length(max=64, message=_l("最多 64 个字。"))])
    unit = StringField(_l("单位"), default="箱", validators=[REQUIRED, Length(max=16, message=_l("最多 16 个字。"))])
    net_weight_g = IntegerField(
        _l("净重（克）"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=1_000_000, message=_l("净重应在 0 到 1000000 克之间。"))],
    )
    price = StringField(_l("价格（元）"), validators=[REQUIRED, YUAN])
    stock = IntegerField(
        _l("初始库存"),
        default=0,
        validators=[
            InputRequired(message=_l("请填写库存。")),
            NumberRange(min=0, max=1_000_000, message=_l("库存应在 0 到 1000000 之间。")),
        ],
    )
    name_en = StringField(
        _l("英文规格名称（选填）"), validators=[Optional(), Length(max=64, message=_l("最多 64 个字。"))]
    )
    unit_en = StringField(_l("英文单位（选填）"), validators=[Optional(), Length(max=16, message=_l("最多 16 个字。"))])


class EnglishNameForm(Form):
    """A SKU's or a category's English texts; the unit only for a SKU."""

    name_en = StringField(_l("英文名称"), validators=[Optional(), Length(max=64, message=_l("最多 64 个字。"))])
    unit_en = StringField(_l("英文单位"), validators=[Optional(), Length(max=16, message=_l("最多 16 个字。"))])
