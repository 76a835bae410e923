"""Staff pages for the catalogue's products: texts, photos, certifications and putting them
on sale (their sizes, prices and stock are in sku_views)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from app.accounts.access import current_actor, role_required
from app.admin import bp
from app.admin.forms import (
    CertificationForm,
    EnglishNameForm,
    ImageForm,
    PriceForm,
    ProductForm,
    SkuForm,
    StockForm,
)
from app.catalog import management, queries
from app.catalog.models import Product, Sku
from app.clock import today
from app.domain import roles
from app.extensions import db
from app.forms import apply_form
from app.registry.queries import producers_with_townships


def product_or_404(product_id: int) -> Product:
    return queries.product_for_staff(product_id) or abort(404)


def sku_of(product: Product, sku_id: int) -> Sku:
    sku = next((s for s in product.skus if s.id == sku_id), None)
    if sku is None:
        abort(404)
    return sku


def _product_form(**kwargs) -> ProductForm:
    form = ProductForm(**kwargs)
    form.category.choices = [SelectChoice(c.id, c.name) for c in queries.categories()]
    form.producer.choices = [SelectChoice(p.id, f"{p.township.name} · {p.name}") for p in producers_with_townships()]
    return form


@bp.route("/products", methods=["GET", "POST"])
@role_required(roles.STAFF)
def products():
    form = _product_form()
    done = apply_form(
        form,
        lambda: management.create_product(_product_draft(form), current_actor()),
        management.CatalogueError,
        _("商品已创建：添加规格（价格和库存）后即可上架。"),
        lambda made: url_for("admin.product", product_id=made.id),
    )
    if done:
        return done
    listing = queries.products_for_staff()
    return render_template(
        "admin/products.html",
        products=listing,
        form=form,
        warnings=management.expiring_certifications(today()),
        today=today(),
    ), 400 if form.errors else 200


def _product_draft(form: ProductForm) -> management.ProductDraft:
    return management.ProductDraft(
        category_id=form.category.data,
        producer_id=form.producer.data,
        **{key: getattr(form, key).data or "" for key in management.TEXT_FIELDS},
    )


def _details_form(product: Product) -> ProductForm:
    # Prefixed: the SKU form on the same page has a "name" field too.
    return _product_form(
        prefix="details",
        data={
            **{key: getattr(product, key) for key in management.TEXT_FIELDS},
            "category": product.category_id,
            "producer": product.producer_id,
        },
    )


def _product_page(product: Product, status: int = 200, **forms):
    adjustments = queries.recent_adjustments([s.id for s in product.skus])
    forms = {
        "price_form": PriceForm(),
        "stock_form": StockForm(),
        "english_form": EnglishNameForm(),
        "image_form": ImageForm(),
        "cert_form": CertificationForm(),
        "sku_form": SkuForm(),
        **forms,
    }
    forms.setdefault("details_form", _details_form(product))
    return render_template(
        "admin/product.html",
        product=product,
        adjustments=adjustments,
        today=today(),
        skus={s.id: s for s in product.skus},
        **forms,
    ), status


@bp.get("/products/<int:product_id>")
@role_required(roles.STAFF)
def product(product_id: int):
    return _product_page(product_or_404(product_id))


def catalogue_change(product: Product, form, form_name: str, change, done: str):
    return apply_form(
        form, change, management.CatalogueError, done, url_for("admin.product", product_id=product.id)
    ) or _product_page(product_or_404(product.id), 400, **{form_name: form})


@bp.post("/products/<int:product_id>/details")
@role_required(roles.STAFF)
def product_details(product_id: int):
    product = product_or_404(product_id)
    form = _product_form(prefix="details")
    return catalogue_change(
        product,
        form,
        "details_form",
        lambda: management.update_product(product, _product_draft(form), current_actor()),
        _("商品信息已保存。"),
    )


@bp.post("/products/<int:product_id>/images")
@role_required(roles.STAFF)
def product_image(product_id: int):
    product, form = product_or_404(product_id), ImageForm()
    return catalogue_change(
        product,
        form,
        "image_form",
        lambda: management.add_image(product, form.image.data.read(), form.alt.data or "", current_actor()),
        _("图片已上传。"),
    )


@bp.post("/products/<int:product_id>/certifications")
@role_required(roles.STAFF)
def product_certification(product_id: int):
    product, form = product_or_404(product_id), CertificationForm()
    return catalogue_change(
        product,
        form,
        "cert_form",
        lambda: management.add_certification(
            product,
            management.CertificationDraft(form.number.data, form.issuer.data, form.valid_from.data, form.valid_to.data),
            current_actor(),
        ),
        _("认定记录已添加。"),
    )


@bp.post("/products/<int:product_id>/<any(list, withdraw):action>")
@role_required(roles.STAFF)
def product_on_sale(product_id: int, action: str):
    product = product_or_404(product_id)
    try:
        management.set_on_sale(product, action == "list", current_actor())
    except management.CatalogueError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        flash(_("商品已上架。") if action == "list" else _("商品已下架。"), "success")
    return redirect(url_for("admin.product", product_id=product.id)), 303
