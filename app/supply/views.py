"""The supply board (需求发布): what households have to sell, posted by their administrators;
supporting units take it up, county staff list it in the shop."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.access import current_actor, role_required
from app.bulk.queries import membership
from app.clock import today
from app.domain import roles
from app.domain.money import parse_yuan
from app.extensions import db
from app.forms import apply_form, choices
from app.refusals import Missing
from app.registry.services import household_with_personal_data
from app.settlement.refusals import SettlementError
from app.settlement.scope import scope_of
from app.supply import bp, queries, services
from app.supply.forms import ListingForm, PostForm, TakeUpForm
from app.supply.refusals import SupplyError


@bp.get("/supply")
def board():
    return render_template("supply/board.html", page=queries.open_posts(request.args.get("page", 1, type=int)))


def _post_page(post_id: int, take_form=None, listing_form=None, status: int = 200):
    post = queries.post(post_id)
    listing_form = listing_form or ListingForm(name=post.crop, harvested_on=today())
    listing_form.category.choices = choices(queries.category_options())
    member = membership(current_user.id) if current_user.is_authenticated else None
    return render_template(
        "supply/post.html",
        post=post,
        product_slug=queries.product_slug(post),
        unit=member.unit if member else None,
        take_form=take_form or TakeUpForm(quantity=post.quantity),
        listing_form=listing_form,
    ), status


@bp.get("/supply/<int:post_id>")
def post_page(post_id: int):
    return _post_page(post_id)


@bp.post("/supply/<int:post_id>/take-up")
@login_required
def take_up(post_id: int):
    member = membership(current_user.id)
    if member is None:
        raise Missing(post_id)
    form = TakeUpForm()
    return apply_form(
        form,
        lambda: services.take_up(post_id, member.unit, form.quantity.data, current_actor()),
        SupplyError,
        _("已对接：合同草稿已生成，请填写交付计划后提交。"),
        lambda intent: url_for("bulk.intent", unit_id=member.unit_id, number=intent.number),
        field=form.quantity,
    ) or _post_page(post_id, take_form=form, status=400)


@bp.post("/supply/<int:post_id>/list")
@role_required(roles.STAFF)
def list_in_shop(post_id: int):
    form = ListingForm()
    form.category.choices = choices(queries.category_options())
    return apply_form(
        form,
        lambda: services.list_in_shop(
            post_id,
            services.Listing(form.category.data, form.name.data, form.net_weight_g.data, form.harvested_on.data),
            current_actor(),
        ),
        SupplyError,
        _("已上架，并登记了批次。"),
        url_for("supply.post_page", post_id=post_id),
        field=form.name,
    ) or _post_page(post_id, listing_form=form, status=400)


@bp.post("/supply/<int:post_id>/withdraw")
@role_required(roles.STAFF, roles.VILLAGE_ADMIN)
def withdraw(post_id: int):
    try:
        services.withdraw(post_id, scope_of(current_user), current_actor())
        flash(_("已撤回这条发布。"), "success")
    except SupplyError as refusal:
        db.session.rollback()
        flash(refusal.message, "danger")
    return redirect(url_for("supply.post_page", post_id=post_id), 303)


def _household_post_page(household_id: int, form: PostForm, status: int = 200):
    scope = scope_of(current_user)
    household = household_with_personal_data(household_id, current_actor(), within_villages=scope.village_ids)
    if household is None:
        raise Missing(household_id)
    return render_template(
        "supply/new_post.html", household=household, form=form, posts=queries.posts_of(household)
    ), status


@bp.get("/village/households/<int:household_id>/supply")
@role_required(roles.VILLAGE_ADMIN)
def new_post(household_id: int):
    return _household_post_page(household_id, PostForm(available_from=today(), available_to=today()))


@bp.post("/village/households/<int:household_id>/supply")
@role_required(roles.VILLAGE_ADMIN)
def create_post(household_id: int):
    form = PostForm()
    return apply_form(
        form,
        lambda: services.post_supply(
            household_id,
            services.PostDraft(
                form.crop.data,
                form.quantity.data,
                form.unit.data,
                parse_yuan(form.price.data),
                form.available_from.data,
                form.available_to.data,
                form.note.data or "",
            ),
            scope_of(current_user),
            current_actor(),
        ),
        (SupplyError, SettlementError),
        _("已发布：帮扶单位和县扶贫办可以看到并对接。"),
        lambda post: url_for("supply.post_page", post_id=post.id),
        field=form.crop,
    ) or _household_post_page(household_id, form, 400)
