"""Staff pages for the catalogue (prices, stock, photos, certifications), producers and their
benefit rules, user accounts, and the household registry export."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from app.accounts import administration
from app.accounts.access import current_actor, role_required
from app.accounts.models import User
from app.accounts.services import AccountError
from app.admin import bp
from app.admin.forms import (
    ROLE_LABELS,
    CertificationForm,
    EndLinkForm,
    EnglishNameForm,
    ImageForm,
    InviteForm,
    LinkForm,
    PriceForm,
    ProductForm,
    RoleForm,
    SkuForm,
    StockForm,
    WeightForm,
)
from app.catalog import management
from app.catalog.models import Category, Product, Sku, StockAdjustment
from app.clock import today
from app.domain import roles
from app.domain.money import parse_yuan
from app.extensions import db
from app.forms import apply_form, form_errors
from app.impact.queries import producer_overview
from app.jobs.web import start as start_export
from app.registry import management as links
from app.registry.models import BenefitLink, Producer
from app.registry.queries import producers_page


def _product_or_404(product_id: int) -> Product:
    product = db.session.execute(
        db.select(Product)
        .where(Product.id == product_id)
        .options(selectinload(Product.skus), selectinload(Product.images), selectinload(Product.certifications))
    ).scalar_one_or_none()
    if product is None:
        abort(404)
    return product


def _sku_of(product: Product, sku_id: int) -> Sku:
    sku = next((s for s in product.skus if s.id == sku_id), None)
    if sku is None:
        abort(404)
    return sku


def _product_form(**kwargs) -> ProductForm:
    form = ProductForm(**kwargs)
    form.category.choices = [
        SelectChoice(c.id, c.name)
        for c in db.session.execute(db.select(Category).order_by(Category.sort_order)).scalars()
    ]
    form.producer.choices = [
        SelectChoice(p.id, f"{p.township.name} · {p.name}")
        for p in db.session.execute(
            db.select(Producer).options(selectinload(Producer.township)).order_by(Producer.township_id, Producer.name)
        ).scalars()
    ]
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
    listing = (
        db.session.execute(
            db.select(Product)
            .order_by(Product.township_id, Product.name)
            .options(selectinload(Product.skus), selectinload(Product.township))
        )
        .scalars()
        .all()
    )
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
    adjustments = (
        db.session.execute(
            db.select(StockAdjustment)
            .where(StockAdjustment.sku_id.in_([s.id for s in product.skus]))
            .order_by(StockAdjustment.id.desc())
            .limit(20)
        )
        .scalars()
        .all()
    )
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
    return _product_page(_product_or_404(product_id))


def _catalogue_change(product: Product, form, form_name: str, change, done: str):
    return apply_form(
        form, change, management.CatalogueError, done, url_for("admin.product", product_id=product.id)
    ) or _product_page(_product_or_404(product.id), 400, **{form_name: form})


@bp.post("/products/<int:product_id>/details")
@role_required(roles.STAFF)
def product_details(product_id: int):
    product = _product_or_404(product_id)
    form = _product_form(prefix="details")
    return _catalogue_change(
        product,
        form,
        "details_form",
        lambda: management.update_product(product, _product_draft(form), current_actor()),
        _("商品信息已保存。"),
    )


@bp.post("/products/<int:product_id>/skus/<int:sku_id>/price")
@role_required(roles.STAFF)
def sku_price(product_id: int, sku_id: int):
    product = _product_or_404(product_id)
    sku, form = _sku_of(product, sku_id), PriceForm()
    return _catalogue_change(
        product,
        form,
        "price_form",
        lambda: management.change_price(sku, parse_yuan(form.price.data), current_actor()),
        _("价格已更新。"),
    )


@bp.post("/products/<int:product_id>/skus/<int:sku_id>/stock")
@role_required(roles.STAFF)
def sku_stock(product_id: int, sku_id: int):
    product = _product_or_404(product_id)
    sku, form = _sku_of(product, sku_id), StockForm()
    return _catalogue_change(
        product,
        form,
        "stock_form",
        lambda: management.adjust_stock(sku, form.delta.data, form.reason.data, current_actor()),
        _("库存已调整。"),
    )


@bp.post("/products/<int:product_id>/images")
@role_required(roles.STAFF)
def product_image(product_id: int):
    product, form = _product_or_404(product_id), ImageForm()
    return _catalogue_change(
        product,
        form,
        "image_form",
        lambda: management.add_image(product, form.image.data.read(), form.alt.data or "", current_actor()),
        _("图片已上传。"),
    )


@bp.post("/products/<int:product_id>/certifications")
@role_required(roles.STAFF)
def product_certification(product_id: int):
    product, form = _product_or_404(product_id), CertificationForm()
    return _catalogue_change(
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


@bp.post("/products/<int:product_id>/skus")
@role_required(roles.STAFF)
def product_sku(product_id: int):
    product, form = _product_or_404(product_id), SkuForm()
    return _catalogue_change(
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
    product = _product_or_404(product_id)
    sku, form = _sku_of(product, sku_id), EnglishNameForm()
    return _catalogue_change(
        product,
        form,
        "english_form",
        lambda: management.name_in_english(
            sku, {"name_en": form.name_en.data or "", "unit_en": form.unit_en.data or ""}, current_actor()
        ),
        _("英文名称已保存。"),
    )


@bp.post("/products/<int:product_id>/<any(list, withdraw):action>")
@role_required(roles.STAFF)
def product_on_sale(product_id: int, action: str):
    product = _product_or_404(product_id)
    try:
        management.set_on_sale(product, action == "list", current_actor())
    except management.CatalogueError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        flash(_("商品已上架。") if action == "list" else _("商品已下架。"), "success")
    return redirect(url_for("admin.product", product_id=product.id)), 303


@bp.get("/producers")
@role_required(roles.STAFF)
def producers():
    page = producers_page(request.args.get("q", "")[:40] or None, max(request.args.get("page", 1, type=int), 1))
    return render_template("admin/producers.html", page=page)


def _producer_page(producer_id: int, status: int = 200, **forms):
    overview = producer_overview(producer_id)
    if overview is None:
        abort(404)
    forms = {
        "link_form": LinkForm(valid_from=today()),
        "weight_form": WeightForm(from_date=today()),
        "end_form": EndLinkForm(last_day=today()),
        **forms,
    }
    return render_template("admin/producer.html", today=today(), **overview, **forms), status


@bp.get("/producers/<int:producer_id>")
@role_required(roles.STAFF)
def producer(producer_id: int):
    return _producer_page(producer_id)


def _link_change(producer_id: int, form, form_name: str, change, done: str):
    return apply_form(
        form, change, links.LinkError, done, url_for("admin.producer", producer_id=producer_id)
    ) or _producer_page(producer_id, 400, **{form_name: form})


@bp.post("/producers/<int:producer_id>/links")
@role_required(roles.STAFF)
def producer_link(producer_id: int):
    overview = producer_overview(producer_id) or abort(404)
    form = LinkForm()
    return _link_change(
        producer_id,
        form,
        "link_form",
        lambda: links.add_link(
            overview["producer"],
            form.registration_no.data,
            form.weight.data,
            form.valid_from.data,
            today(),
            current_actor(),
        ),
        _("带贫关系已添加。"),
    )


def _link_or_404(producer_id: int, link_id: int) -> BenefitLink:
    link = db.session.get(BenefitLink, link_id)
    if link is None or link.producer_id != producer_id:
        abort(404)
    return link


@bp.post("/producers/<int:producer_id>/links/<int:link_id>/weight")
@role_required(roles.STAFF)
def producer_link_weight(producer_id: int, link_id: int):
    link, form = _link_or_404(producer_id, link_id), WeightForm()
    return _link_change(
        producer_id,
        form,
        "weight_form",
        lambda: links.change_weight(link, form.weight.data, form.from_date.data, today(), current_actor()),
        _("新权重已生效，过去的销售按原规则不变。"),
    )


@bp.post("/producers/<int:producer_id>/links/<int:link_id>/end")
@role_required(roles.STAFF)
def producer_link_end(producer_id: int, link_id: int):
    link, form = _link_or_404(producer_id, link_id), EndLinkForm()
    return _link_change(
        producer_id,
        form,
        "end_form",
        lambda: links.end_link(link, form.last_day.data, today(), current_actor()),
        _("带贫关系已结束。"),
    )


@bp.post("/households/export.xlsx")
@role_required(roles.STAFF)
def households_export():
    # Personal data leaving the system: each download of the file is audited.
    return start_export("households_xlsx", {})


@bp.route("/users", methods=["GET", "POST"])
@role_required(roles.STAFF)
def users():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = administration.invite(
                form.email.data,
                form.name.data,
                form.role.data,
                current_app.config["SECRET_KEY"],
                lambda token: url_for("accounts.reset_password", token=token, _external=True),
                current_actor(),
            )
        except AccountError as exc:
            db.session.rollback()
            form.email.errors.append(exc.message)
        else:
            flash(_("已邀请 %(email)s：设置密码的链接已发到这个邮箱。", email=user.email), "success")
            return redirect(url_for("admin.users")), 303
    page = administration.users_page(
        request.args.get("q", "")[:60] or None, max(request.args.get("page", 1, type=int), 1)
    )
    return render_template(
        "admin/users.html", page=page, form=form, role_form=RoleForm(), roles=ROLE_LABELS
    ), 400 if form.errors else 200


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/users/<int:user_id>/<any(role, disable, enable):action>")
@role_required(roles.STAFF)
def user_action(user_id: int, action: str):
    user, form = _user_or_404(user_id), RoleForm()
    if not form.validate_on_submit() and action == "role":
        flash(form_errors(form), "danger")
        return redirect(url_for("admin.users")), 303
    try:
        if action == "role":
            administration.set_role(user, form.role.data, current_actor())
        else:
            administration.set_active(user, action == "enable", current_actor())
    except AccountError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        flash(_("账号已更新。"), "success")
    return redirect(url_for("admin.users")), 303
