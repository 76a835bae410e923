"""Catalogue models. Prices are integer fen; stock lives on the SKU, the thing that is sold."""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import (
    CheckConstraint,
    ColumnExpressionArgument,
    Connection,
    ForeignKey,
    Index,
    ScalarSelect,
    String,
    Text,
    delete,
    event,
    insert,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.catalog.search import document_terms, search_text
from app.extensions import Model
from app.models_base import utcnow
from app.registry.models import Producer, Township, Village


class Category(Model):
    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64), default="", server_default="")
    sort_order: Mapped[int] = mapped_column(default=0)


class Product(Model):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(96), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    subtitle: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    name_en: Mapped[str] = mapped_column(String(128), default="", server_default="")
    subtitle_en: Mapped[str] = mapped_column(String(255), default="", server_default="")
    description_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("townships.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    is_active: Mapped[bool] = mapped_column(default=True)
    is_featured: Mapped[bool] = mapped_column(default=False)
    # The lowest active SKU price, kept by services so lists sort and show "from ¥x" without a join.
    price_from_fen: Mapped[int] = mapped_column(default=0)
    # Pinyin, variants and English the product is also found under (catalog.search); kept by
    # the listener below whenever the name or subtitle is written.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[Category] = relationship()
    producer: Mapped[Producer] = relationship()
    township: Mapped[Township] = relationship()
    village: Mapped[Village | None] = relationship()
    skus: Mapped[list["Sku"]] = relationship(back_populates="product", order_by="Sku.price_fen")
    # In the order first_image_path reads them, ties included: a card, a cart line, a booth tile
    # and the product page all show the same first picture.
    images: Mapped[list["ProductImage"]] = relationship(
        back_populates="product", order_by="(ProductImage.sort_order, ProductImage.id)"
    )
    certifications: Mapped[list["Certification"]] = relationship(
        back_populates="product", order_by="Certification.valid_to.desc()"
    )

    __table_args__ = (Index("ix_products_active_featured", "is_active", "is_featured"),)

    def valid_certification(self, on: date) -> Optional["Certification"]:
        return next((c for c in self.certifications if c.is_valid_on(on)), None)


class Sku(Model):
    """A sellable unit such as a 5 kg box; the price and stock belong here."""

    __tablename__ = "skus"
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(16))
    name_en: Mapped[str] = mapped_column(String(64), default="", server_default="")
    unit_en: Mapped[str] = mapped_column(String(16), default="", server_default="")
    net_weight_g: Mapped[int] = mapped_column(default=0)
    price_fen: Mapped[int]
    stock: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    product: Mapped[Product] = relationship(back_populates="skus")

    __table_args__ = (
        CheckConstraint("price_fen >= 0", name="price_non_negative"),
        # The database itself refuses oversold stock, whatever the code above it does.
        CheckConstraint("stock >= 0", name="stock_non_negative"),
    )


class Certification(Model):
    """A poverty-alleviation product certification (扶贫产品认定)."""

    __tablename__ = "certifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    number: Mapped[str] = mapped_column(String(64))
    issuer: Mapped[str] = mapped_column(String(128))
    valid_from: Mapped[date]
    valid_to: Mapped[date]

    product: Mapped[Product] = relationship(back_populates="certifications")

    __table_args__ = (CheckConstraint("valid_to >= valid_from", name="valid_range"),)

    def is_valid_on(self, on: date) -> bool:
        return self.valid_from <= on <= self.valid_to


class ProductImage(Model):
    __tablename__ = "product_images"
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    # Relative to MEDIA_ROOT, so the storage folder can move without rewriting rows.
    path: Mapped[str] = mapped_column(String(255))
    alt: Mapped[str] = mapped_column(String(128), default="")
    sort_order: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(back_populates="images")


def first_image_path(product_id: ColumnExpressionArgument[int]) -> ScalarSelect[str]:
    """The first picture of the product ``product_id`` names (by sort order), as a column of
    another query: a list's cards and a cart's lines each show one."""
    return (
        select(ProductImage.path)
        .where(ProductImage.product_id == product_id)
        .order_by(ProductImage.sort_order, ProductImage.id)
        .limit(1)
        .scalar_subquery()
    )


class StockAdjustment(Model):
    """A change of stock that is not a sale: a harvest arriving, boxes damaged, a recount."""

    __tablename__ = "stock_adjustments"
    id: Mapped[int] = mapped_column(primary_key=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), index=True)
    delta: Mapped[int]
    stock_after: Mapped[int]
    reason: Mapped[str] = mapped_column(String(200))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint("delta <> 0", name="delta_not_zero"),)


@event.listens_for(Product, "before_insert")
@event.listens_for(Product, "before_update")
def _index_for_search(_mapper, _connection, product: Product) -> None:
    product.search_text = search_text(product.name, product.subtitle, english=(product.name_en, product.subtitle_en))


class ProductTerm(Model):
    """One search term of a product (app.catalog.search): the index a search reads instead of
    every product's texts."""

    __tablename__ = "product_terms"
    term: Mapped[str] = mapped_column(String(8), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, index=True)


SEARCHED = ("name", "subtitle", "search_text", "producer_id", "township_id")


def index_products(connection: Connection, product_ids: list[int]) -> None:
    """Write these products' search terms afresh from their stored texts and their producer's and
    township's names, on the caller's connection and in its transaction."""
    for start in range(0, len(product_ids), 500):
        ids = product_ids[start : start + 500]
        rows = connection.execute(
            select(Product.id, Product.name, Product.subtitle, Product.search_text, Producer.name, Township.name)
            .join(Producer, Producer.id == Product.producer_id)
            .join(Township, Township.id == Product.township_id)
            .where(Product.id.in_(ids))
        ).all()
        connection.execute(delete(ProductTerm).where(ProductTerm.product_id.in_(ids)))
        values = [{"term": term, "product_id": row[0]} for row in rows for term in document_terms(*row[1:])]
        if values:
            connection.execute(insert(ProductTerm), values)


@event.listens_for(Product, "after_insert")
@event.listens_for(Product, "after_update")
def _write_terms(_mapper, connection: Connection, product: Product) -> None:
    state = inspect(product)
    if state.attrs.id.history.added or any(state.attrs[key].history.has_changes() for key in SEARCHED):
        index_products(connection, [product.id])


@event.listens_for(Producer, "after_update")
def _producer_renamed(_mapper, connection: Connection, producer: Producer) -> None:
    # Its products are found by its name too.
    if inspect(producer).attrs.name.history.has_changes():
        ids = connection.scalars(select(Product.id).where(Product.producer_id == producer.id)).all()
        index_products(connection, list(ids))
