"""Public shop pages: home, product list, product page, township page."""
from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from wtforms import SelectChoice

from app.catalog import bp, queries
from app.catalog.forms import ProductFilterForm
from app.clock import today
from app.events.queries import current_event
from app.registry.queries import all_townships, producers_in_township, public_benefit_summary, townships_with_counts


@bp.get("/")
def home():
    return render_template(
        "catalog/home.html",
        featured=queries.featured_products(8),
        townships=townships_with_counts(),
        categories=queries.categories(),
        event=current_event(today()),
        today=today(),
    )


@bp.get("/products")
def product_list():
    form = ProductFilterForm(request.args)
    townships = all_townships()
    form.township.choices = [SelectChoice("", _("全部乡镇"))] + [SelectChoice(t.code, t.name) for t in townships]
    form.category.choices = [SelectChoice("", _("全部品类"))] + [
        SelectChoice(c.slug, c.name) for c in queries.categories()
    ]
    if request.args and not form.validate():
        return render_template("catalog/list.html", form=form, page=None, today=today()), 400
    filters = queries.ProductFilters(
        township=form.township.data or None,
        category=form.category.data or None,
        certified_only=bool(form.certified.data),
        q=(form.q.data or "").strip() or None,
        sort=form.sort.data or "featured",
    )
    page_no = request.args.get("page", 1, type=int)
    page = queries.list_products(filters, today(), max(page_no, 1), current_app.config["PRODUCTS_PER_PAGE"])
    return render_template("catalog/list.html", form=form, page=page, today=today())


@bp.get("/products/<slug>")
def product_page(slug: str):
    product = queries.product_by_slug(slug)
    if product is None:
        abort(404)
    on = today()
    return render_template(
        "catalog/product.html",
        product=product,
        skus=queries.active_skus(product),
        certification=product.valid_certification(on),
        benefit=public_benefit_summary(product.producer_id, on),
        today=on,
    )


@bp.get("/townships/<code>")
def township_page(code: str):
    township = queries.township_by_code(code)
    if township is None:
        abort(404)
    on = today()
    filters = queries.ProductFilters(township=code)
    page = queries.list_products(filters, on, 1, 48)
    return render_template(
        "catalog/township.html",
        township=township,
        products=page.items,
        producers=producers_in_township(township.id),
        today=on,
    )
