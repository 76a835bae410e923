"""A harvest or production lot of one SKU: what a box's label and QR code point to."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models_base import utcnow


class Lot(Model):
    __tablename__ = "lots"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Printed under the QR code and typed at a booth when a camera fails: short, upper case.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), index=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    harvested_on: Mapped[date]
    packed_on: Mapped[date | None]
    quantity: Mapped[int]
    inspection_note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sku = relationship("Sku")
    producer = relationship("Producer")

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("packed_on IS NULL OR packed_on >= harvested_on", name="packed_after_harvest"),
    )
