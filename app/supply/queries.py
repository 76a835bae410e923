"""Read-only questions about supply posts. The public board names households masked only."""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.catalog.models import Category, Sku
from app.domain import supply_states as states
from app.extensions import db
from app.refusals import Missing
from app.registry.models import Household, Village
from app.supply.models import SupplyPost


def _with_places():
    return (
        joinedload(SupplyPost.household),
        joinedload(SupplyPost.village).joinedload(Village.township),
    )


def open_posts(page: int, per_page: int = 20) -> Pagination:
    query = (
        select(SupplyPost)
        .options(*_with_places())
        .where(SupplyPost.status == states.OPEN)
        .order_by(SupplyPost.available_from, SupplyPost.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def post(post_id: int) -> SupplyPost:
    found = db.session.scalar(select(SupplyPost).options(*_with_places()).where(SupplyPost.id == post_id))
    if found is None:
        raise Missing(post_id)
    return found


def product_slug(post_: SupplyPost) -> str | None:
    """The shop page a listed post became."""
    if post_.status != states.LISTED or post_.sku_id is None:
        return None
    sku = db.session.get(Sku, post_.sku_id)
    return sku.product.slug if sku else None


def posts_of(household: Household) -> list[SupplyPost]:
    return list(
        db.session.scalars(
            select(SupplyPost).where(SupplyPost.household_id == household.id).order_by(SupplyPost.id.desc())
        )
    )


def category_options() -> list[tuple[int, str]]:
    return [
        (i, name) for i, name in db.session.execute(select(Category.id, Category.name).order_by(Category.sort_order))
    ]
