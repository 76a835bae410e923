"""After-sales requests on order lines."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.domain import aftersale_states as states
from app.extensions import Model
from app.models_base import utcnow


class AfterSaleRequest(Model):
    __tablename__ = "after_sale_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"))
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    asked_fen: Mapped[int]
    # Photo keys in the documents storage, one per line of text.
    photos: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=states.REQUESTED)
    approved_fen: Mapped[int] = mapped_column(default=0)
    decision_note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        CheckConstraint(f"kind IN {states.KINDS}", name="kind"),
        CheckConstraint(f"reason IN {states.REASONS}", name="reason"),
        CheckConstraint(f"status IN {states.ALL}", name="status"),
        CheckConstraint("asked_fen > 0", name="asked_positive"),
        CheckConstraint("approved_fen >= 0 AND approved_fen <= asked_fen", name="approved_within_asked"),
        CheckConstraint(f"status = '{states.APPROVED}' OR approved_fen = 0", name="only_approved_pays"),
    )

    @property
    def photo_keys(self) -> list[str]:
        return [key for key in self.photos.splitlines() if key]
