"""The product page in two kinds of parts: what changes only with the catalogue or the benefit
register (rendered once per catalogue version and day, then cached), and the offers (price and
stock), read live on every request so a buyer never sees stock that is gone."""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask import get_template_attribute
from markupsafe import Markup
from sqlalchemy import Row, bindparam, select

from app.catalog import queries
from app.catalog.models import Sku
from app.extensions import db
from app.records import in_reader_language
from app.registry.queries import public_benefit_summary

PARTS = "catalog/_product_parts.html"


@dataclass(frozen=True)
class ProductParts:
    product_id: int
    name: str
    breadcrumb: Markup
    gallery: Markup
    summary: Markup
    origin: Markup
    story: Markup


def render_parts(slug: str, on: date) -> ProductParts | None:
    product = queries.product_by_slug(slug)
    if product is None:
        return None

    def part(name: str, *args) -> Markup:
        return Markup(get_template_attribute(PARTS, name)(product, *args))  # nosec B704 - our autoescaped macros

    return ProductParts(
        product_id=product.id,
        name=in_reader_language(product, "name"),
        breadcrumb=part("breadcrumb"),
        gallery=part("gallery"),
        summary=part("summary", product.valid_certification(on)),
        origin=part("origin"),
        story=part("story", public_benefit_summary(product.producer_id, on)),
    )


def offers(product_id: int) -> Sequence[Row]:
    """The product's SKUs on sale now, with their current price and stock (one query), as
    plain rows: the page reads a few columns, on every request."""
    return db.session.connection().execute(_offering(), {"product_id": product_id}).all()


@functools.cache
def _offering():
    skus = Sku.__table__
    return (
        select(
            skus.c.id,
            skus.c.code,
            skus.c.name,
            skus.c.unit,
            skus.c.name_en,
            skus.c.unit_en,
            skus.c.net_weight_g,
            skus.c.price_fen,
            skus.c.stock,
        )
        .where(skus.c.product_id == bindparam("product_id"), skus.c.is_active.is_(True))
        .order_by(skus.c.price_fen, skus.c.id)
    )
