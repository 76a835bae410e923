"""Public shop pages: home, product list, product page, township page."""

from urllib.parse import urlencode

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup
from wtforms import SelectChoice

from app.catalog import bp, product_parts, queries
from app.catalog.cache import cached, cached_body, catalogue_version
from app.catalog.forms import ProductFilterForm
from app.clock import today
from app.events.queries import current_event
from app.records import in_reader_language
from app.registry.queries import all_townships, producers_in_township, townships_with_counts
from app.shared_pages import shared_page


@bp.get("/")
@shared_page
def home():
    body = cached_body(
        "home",
        "",
        lambda: render_template(
            "catalog/_home_body.html",
            featured=queries.featured_products(today(), 8),
            townships=townships_with_counts(),
            categories=queries.categories(),
            event=current_event(today()),
            today=today(),
        ),
    )
    return render_template("catalog/home.html", body=body)


@bp.get("/products")
@shared_page
def product_list():
    form = ProductFilterForm(request.args)
    version = catalogue_version()
    townships, categories = cached(
        "filter-choices",
        "",
        lambda: (
            [(t.code, t.name) for t in all_townships()],
            [(c.slug, in_reader_language(c, "name")) for c in queries.categories()],
        ),
        version,
    )
    form.township.choices = [SelectChoice("", _("全部乡镇"))] + [SelectChoice(code, name) for code, name in townships]
    form.category.choices = [SelectChoice("", _("全部品类"))] + [SelectChoice(slug, name) for slug, name in categories]
    if request.args and not form.validate():
        body = render_template("catalog/_list_body.html", form=form, page=None)
        # Our own autoescaped template's output, shown as it is.
        return render_template("catalog/list.html", body=Markup(body), form=form), 400  # nosec B704
    filters = queries.ProductFilters(
        township=form.township.data or None,
        category=form.category.data or None,
        certified_only=bool(form.certified.data),
        q=(form.q.data or "").strip() or None,
        sort=form.sort.data or "featured",
    )
    page_no = max(request.args.get("page", 1, type=int), 1)
    variant = urlencode(sorted((k, v) for k, v in request.args.items(multi=True) if k != "page")) + f"&page={page_no}"
    body = cached_body(
        "list",
        variant,
        lambda: render_template(
            "catalog/_list_body.html",
            form=form,
            page=queries.list_products(filters, today(), page_no, current_app.config["PRODUCTS_PER_PAGE"]),
        ),
        version,
    )
    return render_template("catalog/list.html", body=body, form=form)


@bp.get("/products/<slug>")
@shared_page
def product_page(slug: str):
    parts = cached("product", slug, lambda: product_parts.render_parts(slug, today()))
    if parts is None:
        abort(404)
    return render_template("catalog/product.html", page=parts, skus=product_parts.offers(parts.product_id))


@bp.get("/townships/<code>")
@shared_page
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
    )
