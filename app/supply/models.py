"""What a household has to sell, posted by its village administrator."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain import supply_states as states
from app.extensions import Model
from app.models_base import utcnow
from app.registry.models import Household, Village


class SupplyPost(Model):
    __tablename__ = "supply_posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    crop: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int]
    unit: Mapped[str] = mapped_column(String(8))
    price_fen: Mapped[int]  # the household's asking price per unit
    available_from: Mapped[date]
    available_to: Mapped[date]
    note: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default=states.OPEN, index=True)
    posted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What it became: the household's SKU (listed in the shop, or sold by contract only), the
    # lot staff recorded when listing, the contract a unit drafted when taking it up.
    sku_id: Mapped[int | None] = mapped_column(ForeignKey("skus.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    intent_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_intents.id"))

    household: Mapped[Household] = relationship()
    village: Mapped[Village] = relationship()

    __table_args__ = (
        CheckConstraint(f"status IN {states.ALL}", name="status"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("price_fen > 0", name="price_positive"),
        CheckConstraint("available_to >= available_from", name="window"),
    )
