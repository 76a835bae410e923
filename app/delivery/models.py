"""A producer's delivery rules, one per province or for everywhere else."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.delivery_fees import BASES, Rule
from app.extensions import Model
from app.models_base import utcnow


class DeliveryRule(Model):
    __tablename__ = "delivery_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through the unique key (producer_id, region), which it leads: no index of its own.
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"))
    region: Mapped[str] = mapped_column(String(6))  # a province's GB/T 2260 code, or "*"
    served: Mapped[bool] = mapped_column(default=True)
    basis: Mapped[str] = mapped_column(String(8), default="piece")
    first_units: Mapped[int] = mapped_column(default=1)
    first_fee_fen: Mapped[int] = mapped_column(default=0)
    extra_units: Mapped[int] = mapped_column(default=1)
    extra_fee_fen: Mapped[int] = mapped_column(default=0)
    free_over_fen: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("producer_id", "region", name="uq_delivery_rules_producer_region"),
        CheckConstraint(f"basis IN {BASES}", name="basis"),
        CheckConstraint("first_units >= 1 AND extra_units >= 1", name="units_positive"),
        CheckConstraint("first_fee_fen >= 0 AND extra_fee_fen >= 0", name="fees_not_negative"),
        CheckConstraint("free_over_fen IS NULL OR free_over_fen > 0", name="free_over_positive"),
    )

    def as_rule(self) -> Rule:
        return Rule(
            self.served,
            self.basis,
            self.first_units,
            self.first_fee_fen,
            self.extra_units,
            self.extra_fee_fen,
            self.free_over_fen,
        )
