"""Forms of the unit pages and of the staff's contract handling."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from app.forms import REQUIRED, Form

_yuan = Regexp(r"^\d{1,9}(\.\d{1,2})?$", message=_l("请输入金额，例如 50000 或 50000.00。"))
_mobile = Regexp(r"^1[3-9]\d{9}$", message=_l("请输入 11 位手机号码。"))

UNIT_KIND_LABELS = {
    "agency": _l("机关事业单位"),
    "state_firm": _l("国有企业"),
    "company": _l("民营企业"),
    "union": _l("工会"),
    "school": _l("学校"),
}
TERMS_LABELS = {
    "prepay_transfer": _l("先付款后发货（银行转账）"),
    "prepay_stripe": _l("先付款后发货（在线支付）"),
    "pay_by_due": _l("先发货，验收后按期付款（银行转账）"),
}
MEMBER_ROLE_LABELS = {"buyer": _l("采购员（起草合同、验收）"), "admin": _l("单位管理员（提交合同、管理成员）")}


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(key, label) for key, label in labels.items()]


class UnitForm(Form):
    name = StringField(_l("单位名称"), validators=[REQUIRED, Length(max=128, message=_l("最多 128 个字。"))])
    kind = SelectField(_l("单位类型"), choices=_choices(UNIT_KIND_LABELS))
    credit_code = StringField(
        _l("统一社会信用代码"),
        validators=[
            REQUIRED,
            Regexp(r"^[0-9A-Za-z]{18}$", message=_l("应为 18 位数字或大写字母，见营业执照或登记证书。")),
        ],
    )
    contact_name = StringField(_l("联系人"), validators=[REQUIRED, Length(max=64, message=_l("最多 64 个字。"))])
    contact_phone = StringField(_l("联系电话"), validators=[REQUIRED, _mobile])
    address = StringField(_l("单位地址"), validators=[REQUIRED, Length(max=255, message=_l("最多 255 个字。"))])


class PledgeForm(Form):
    year = IntegerField(
        _l("年度"),
        validators=[
            InputRequired(message=_l("请填写年度。")),
            NumberRange(min=2015, max=2100, message=_l("请填写四位年份。")),
        ],
    )
    amount = StringField(_l("承诺采购金额（元）"), validators=[REQUIRED, _yuan])
    on_leaderboard = BooleanField(_l("在公开的帮扶单位榜上显示本单位"))


class MemberForm(Form):
    email = StringField(_l("同事的账号邮箱"), validators=[REQUIRED, Length(max=255, message=_l("最多 255 个字。"))])
    role = SelectField(_l("角色"), choices=_choices(MEMBER_ROLE_LABELS))


class IntentForm(Form):
    po_number = StringField(
        _l("本单位采购单号（可选）"), validators=[Optional(), Length(max=64, message=_l("最多 64 个字。"))]
    )
    payment_terms = SelectField(_l("付款方式"), choices=_choices(TERMS_LABELS))
    due_days = IntegerField(
        _l("验收后付款期限（天）"),
        default=30,
        validators=[Optional(), NumberRange(min=0, max=180, message=_l("应在 0 到 180 天之间。"))],
    )
    delivery_from = DateField(_l("交付期开始"), validators=[DataRequired(message=_l("请选择日期。"))])
    delivery_to = DateField(_l("交付期结束"), validators=[DataRequired(message=_l("请选择日期。"))])
    event_code = StringField(
        _l("签约活动编码（可选）"), validators=[Optional(), Length(max=32, message=_l("最多 32 个字。"))]
    )
    note = TextAreaField(_l("备注（可选）"), validators=[Optional(), Length(max=500, message=_l("最多 500 个字。"))])


class UploadForm(Form):
    file = FileField(
        _l("采购清单（CSV 或 Excel）"),
        validators=[
            FileRequired(message=_l("请选择文件。")),
            FileAllowed(["csv", "xlsx"], message=_l("只接受 .csv 或 .xlsx 文件。")),
        ],
    )


class PlannedDeliveryForm(Form):
    planned_on = DateField(_l("计划交付日期"), validators=[DataRequired(message=_l("请选择日期。"))])
    address = StringField(_l("交付地址"), validators=[REQUIRED, Length(max=255, message=_l("最多 255 个字。"))])
    recipient = StringField(_l("收货人"), validators=[Optional(), Length(max=64, message=_l("最多 64 个字。"))])
    mobile = StringField(_l("收货人手机"), validators=[Optional(), _mobile])


class ReasonForm(Form):
    reason = StringField(_l("原因"), validators=[Optional(), Length(max=200, message=_l("最多 200 个字。"))])


class DeliveryForm(Form):
    recipient = StringField(_l("收货人"), validators=[REQUIRED, Length(max=64, message=_l("最多 64 个字。"))])
    mobile = StringField(_l("收货人手机"), validators=[REQUIRED, _mobile])
    address = StringField(_l("交付地址"), validators=[REQUIRED, Length(max=255, message=_l("最多 255 个字。"))])
