"""Read-only catalogue queries for the shop pages, each loading what its page shows in a fixed number of statements."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.catalog.models import Category, Certification, Product, ProductTerm, StockAdjustment, first_image_path
from app.catalog.search import query_words, word_terms
from app.extensions import db
from app.registry.models import Producer, Township


@dataclass(frozen=True)
class ProductFilters:
    township: str | None = None  # township code
    category: str | None = None  # category slug
    certified_only: bool = False
    q: str | None = None
    sort: str = "featured"


SORTS = ("featured", "price_asc", "price_desc", "newest")


@dataclass(frozen=True)
class ProductCard:
    """What a product's card on a list page shows (templates/macros/products.html), read for a
    whole page of cards in one statement: no product objects with their township, pictures and
    certifications loaded behind them, which took three statements and most of a list page's
    time once a search filled its 24 cards."""

    id: int
    slug: str
    name: str
    name_en: str
    subtitle: str
    subtitle_en: str
    township_name: str
    price_from_fen: int
    image_path: str | None  # the first picture's, if any
    certified: bool  # a poverty-alleviation certification valid on the day asked


def _cards(where, on: date, order=()) -> list[ProductCard]:
    rows = db.session.execute(
        select(
            Product.id,
            Product.slug,
            Product.name,
            Product.name_en,
            Product.subtitle,
            Product.subtitle_en,
            Township.name.label("township_name"),
            Product.price_from_fen,
            first_image_path(Product.id).label("image_path"),
            certified_clause(on).label("certified"),
        )
        .join(Township, Township.id == Product.township_id)
        .where(where)
        .order_by(*order)
    )
    return [ProductCard(**{**row._asdict(), "certified": bool(row.certified)}) for row in rows]


def certified_clause(on: date):
    return exists().where(
        Certification.product_id == Product.id,
        Certification.valid_from <= on,
        Certification.valid_to >= on,
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _having_terms(terms: set[str]):
    if len(terms) == 1:
        return select(ProductTerm.product_id).where(ProductTerm.term == next(iter(terms)))
    return (
        select(ProductTerm.product_id)
        .where(ProductTerm.term.in_(sorted(terms)))
        .group_by(ProductTerm.product_id)
        .having(func.count() == len(terms))
    )


def _contains(word: str):
    # Chinese has no word breaks, so a substring match over the fields a buyer would type
    # (product, producer, township, and the pinyin, variants and English kept with the
    # product) is what finds "蜜橘" inside "雪峰蜜橘".
    pattern = f"%{_escape_like(word)}%"
    producer_match = exists().where(Producer.id == Product.producer_id, Producer.name.ilike(pattern, escape="\\"))
    # Its own alias: with the township filter the outer query joins townships too, and the
    # subquery would otherwise correlate to that join and select from nothing (a 500).
    named = aliased(Township)
    township_match = exists().where(named.id == Product.township_id, named.name.ilike(pattern, escape="\\"))
    return or_(
        Product.name.ilike(pattern, escape="\\"),
        Product.subtitle.ilike(pattern, escape="\\"),
        Product.search_text.ilike(pattern, escape="\\"),
        producer_match,
        township_match,
    )


def _matching_ids(filters: ProductFilters, today: date):
    query = db.select(Product.id).where(Product.is_active.is_(True))
    if filters.township:
        query = query.join(Township, Township.id == Product.township_id).where(Township.code == filters.township)
    if filters.category:
        query = query.join(Category, Category.id == Product.category_id).where(Category.slug == filters.category)
    if filters.certified_only:
        query = query.where(certified_clause(today))
    for n, word in enumerate(query_words(filters.q or "")):
        having = _having_terms(word_terms(word))
        if n == 0:
            # Joined, not IN: the planner then starts from the few matching products instead of
            # walking every active one in display order (SQLite did: 2.4 ms → 0.6 ms at 5,000).
            matches = having.subquery()
            query = query.join(matches, matches.c.product_id == Product.id)
        else:
            query = query.where(Product.id.in_(having))
        if len(word) > 3:
            # Its first and last three characters are there, but perhaps apart: check the word
            # itself, on the few products that have both.
            query = query.where(_contains(word))
    order = {
        "price_asc": (Product.price_from_fen.asc(), Product.id),
        "price_desc": (Product.price_from_fen.desc(), Product.id),
        "newest": (Product.created_at.desc(), Product.id.desc()),
    }.get(filters.sort, (Product.is_featured.desc(), Product.id))
    return query.order_by(*order)


def list_products(filters: ProductFilters, today: date, page: int, per_page: int):
    """A page of the products matching ``filters``, as cards. The matches are counted and ordered
    as bare ids, and only the page's products are read for their cards: a search matching
    hundreds of products then sorts hundreds of narrow rows, not hundreds of products."""
    pagination = db.paginate(_matching_ids(filters, today), page=page, per_page=per_page, error_out=False)
    ids = list(pagination.items)
    cards = {card.id: card for card in _cards(Product.id.in_(ids), today)}
    pagination.items = [cards[i] for i in ids]
    return pagination


def featured_products(on: date, limit: int = 8) -> list[ProductCard]:
    featured = (
        select(Product.id)
        .where(Product.is_active.is_(True), Product.is_featured.is_(True))
        .order_by(Product.id)
        .limit(limit)
    )
    return _cards(Product.id.in_(featured), on, order=(Product.id,))


def product_by_slug(slug: str) -> Product | None:
    query = (
        db.select(Product)
        .where(Product.slug == slug, Product.is_active.is_(True))
        .options(
            joinedload(Product.township),
            joinedload(Product.village),
            joinedload(Product.category),
            joinedload(Product.producer),
            selectinload(Product.images),
            selectinload(Product.certifications),
        )
    )
    return db.session.execute(query).scalar_one_or_none()


def categories() -> list[Category]:
    return list(db.session.execute(db.select(Category).order_by(Category.sort_order, Category.id)).scalars())


def township_by_code(code: str) -> Township | None:
    return db.session.execute(db.select(Township).where(Township.code == code)).scalar_one_or_none()


# The back office's questions about the catalogue.


def product_for_staff(product_id: int) -> Product | None:
    """Any product, on sale or not, with its SKUs, pictures and certifications."""
    return db.session.execute(
        db.select(Product)
        .where(Product.id == product_id)
        .options(selectinload(Product.skus), selectinload(Product.images), selectinload(Product.certifications))
    ).scalar_one_or_none()


def products_for_staff() -> list[Product]:
    return list(
        db.session.execute(
            db.select(Product)
            .order_by(Product.township_id, Product.name)
            .options(selectinload(Product.skus), selectinload(Product.township))
        ).scalars()
    )


def recent_adjustments(sku_ids: list[int], limit: int = 20) -> list[StockAdjustment]:
    return list(
        db.session.execute(
            db.select(StockAdjustment)
            .where(StockAdjustment.sku_id.in_(sku_ids))
            .order_by(StockAdjustment.id.desc())
            .limit(limit)
        ).scalars()
    )
