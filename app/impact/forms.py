"""The report filter form, read from the query string so links and exports carry the filters."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import DateRange, Optional, ValidationError

from app.forms import Form
from app.impact.reports import CHANNELS

# Dates a report can mean; outside them a day's arithmetic (end + 1 day) would leave the calendar.
_PLAUSIBLE = DateRange(date(2000, 1, 1), date(2099, 12, 31), message=_l("请选择 2000 年到 2099 年之间的日期。"))


class ReportFilterForm(Form):
    class Meta:
        csrf = False

    dimension = SelectField(_l("按…统计"), default="township", validators=[Optional()])
    start = DateField(_l("开始日期"), validators=[Optional(), _PLAUSIBLE], format="%Y-%m-%d")
    end = DateField(_l("结束日期"), validators=[Optional(), _PLAUSIBLE], format="%Y-%m-%d")
    township = SelectField(_l("乡镇"), validators=[Optional()])
    channel = SelectField(
        _l("渠道"),
        validators=[Optional()],
        choices=[SelectChoice("", _l("全部渠道"))]
        + [
            SelectChoice(c, label)
            for c, label in zip(CHANNELS, (_l("线上商城"), _l("单位采购"), _l("展销展位")), strict=False)
        ],
    )
    event = SelectField(_l("活动"), validators=[Optional()])

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("结束日期不能早于开始日期。"))
