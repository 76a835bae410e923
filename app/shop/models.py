"""Stored carts of signed-in buyers (guests keep theirs in the signed session cookie)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models_base import utcnow


class CartItem(Model):
    __tablename__ = "cart_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    quantity: Mapped[int]
    # The price the buyer last saw; checkout refuses if the price moved since.
    price_seen_fen: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "sku_id", name="uq_cart_items_user_sku"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )
