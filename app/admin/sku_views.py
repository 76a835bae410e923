"""Staff pages for a product's sizes (SKUs): adding one, its price, its stock and its English name."""

from flask_babel import gettext as _

from app.accounts.access import current_actor, role_required
from app.admin import bp
from app.admin.catalog_views import catalogue_change, product_or_404, sku_of
from app.admin.forms import (
    EnglishNameForm,
    PriceForm,
    SkuForm,
    StockForm,
)
from app.catalog import management
from app.domain import roles
from app.domain.money import parse_yuan


@bp.post("/products/<int:product_id>/skus/<int:sku_id>/price")
@role_required(roles.STAFF)
def sku_price(product_id: int, sku_id: int):
    product = product_or_404(product_id)
    sku, form = sku_of(product, sku_id), PriceForm()
    return catalogue_change(
        product,
        form,
        "price_form",
        lambda: management.change_price(sku, parse_yuan(form.price.data), current_actor()),
        _("价格已更新。"),
    )


@bp.post("/products/<int:product_id>/skus/<int:sku_id>/stock")
@role_required(roles.STAFF)
def sku_stock(product_id: int, sku_id: int):
    product = product_or_404(product_id)
    sku, form = sku_of(product, sku_id), StockForm()
    return catalogue_change(
        product,
        form,
        "stock_form",
        lambda: management.adjust_stock(sku, form.delta.data, form.reason.data, current_actor()),
        _("库存已调整。"),
    )


@bp.post("/products/<int:product_id>/skus")
@role_required(roles.STAFF)
def product_sku(product_id: int):
    product, form = product_or_404(product_id), SkuForm()
    return catalogue_change(
        product,
        form,
        "sku_form",
        lambda: management.add_sku(
            product,
            management.SkuDraft(
                form.code.data,
                form.name.data,
                form.unit.data,
                form.net_weight_g.data or 0,
                parse_yuan(form.price.data),
                form.stock.data,
                form.name_en.data or "",
                form.unit_en.data or "",
            ),
            current_actor(),
        ),
        _("规格已添加。"),
    )


@bp.post("/products/<int:product_id>/skus/<int:sku_id>/english")
@role_required(roles.STAFF)
def sku_english(product_id: int, sku_id: int):
    product = product_or_404(product_id)
    sku, form = sku_of(product, sku_id), EnglishNameForm()
    return catalogue_change(
        product,
        form,
        "english_form",
        lambda: management.name_in_english(
            sku, {"name_en": form.name_en.data or "", "unit_en": form.unit_en.data or ""}, current_actor()
        ),
        _("英文名称已保存。"),
    )
