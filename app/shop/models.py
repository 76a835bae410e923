"""Stored carts of signed-in buyers (guests keep theirs in the signed session cookie)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models_base import utcnow


class CartItem(Model):
    __tablename__ = "cart_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Found by the unique (user_id, sku_id) index, which leads with it: no index of its own,
    # which every "add to cart" and every order would write for nothing.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    quantity: Mapped[int]
    # The price the buyer last saw; checkout refuses if the price moved since.
    price_seen_fen: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "sku_id", name="uq_cart_items_user_sku"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )


class SavedAddress(Model):
    """An address in a buyer's address book: picked from the national division codes, so its
    names are the official ones and delivery rules can find its province."""

    __tablename__ = "saved_addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(32))
    mobile: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str] = mapped_column(String(6))  # the county's GB/T 2260 code
    province: Mapped[str] = mapped_column(String(32))
    city: Mapped[str] = mapped_column(String(32))
    county: Mapped[str] = mapped_column(String(32))
    street: Mapped[str] = mapped_column(String(120))
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def province_code(self) -> str:
        return self.region_code[:2] + "0000"

    @property
    def city_code(self) -> str:
        return self.region_code[:4] + "00"
