"""The product list's filter form, read from the query string (a GET form needs no CSRF)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SearchField, SelectChoice, SelectField
from wtforms.validators import Length, Optional

from app.catalog.queries import SORTS
from app.forms import Form


class ProductFilterForm(Form):
    class Meta:
        csrf = False

    q = SearchField(_l("搜索"), validators=[Optional(), Length(max=50, message=_l("搜索词最多 50 个字。"))])
    township = SelectField(_l("乡镇"), choices=[], validate_choice=True, validators=[Optional()])
    category = SelectField(_l("品类"), choices=[], validate_choice=True, validators=[Optional()])
    certified = BooleanField(_l("只看认定扶贫产品"))
    sort = SelectField(
        _l("排序"),
        choices=[
            SelectChoice(value, label)
            for value, label in zip(
                SORTS, (_l("推荐"), _l("价格从低到高"), _l("价格从高到低"), _l("最新上架")), strict=False
            )
        ],
        default="featured",
        validators=[Optional()],
    )
