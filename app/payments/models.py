"""Payment attempts, refunds, and the ids of provider events already applied."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain import payment_states
from app.extensions import Model
from app.models_base import utcnow


class Payment(Model):
    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through the unique key (order_id, attempt), which it leads: no index of its own.
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    method: Mapped[str] = mapped_column(String(16))
    attempt: Mapped[int] = mapped_column(default=1)
    provider_ref: Mapped[str | None] = mapped_column(String(255), unique=True)
    client_secret: Mapped[str | None] = mapped_column(String(255))
    amount_fen: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    status: Mapped[str] = mapped_column(String(16), default=payment_states.ATTEMPT_PENDING)
    refunded_fen: Mapped[int] = mapped_column(default=0)
    # Set when money arrived that does not match the order (amount, currency, state): staff look.
    flag: Mapped[str] = mapped_column(String(255), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reference: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    succeeded_at: Mapped[datetime | None]

    order = relationship("Order")

    def move_to(self, wanted: str) -> None:
        """The attempt's only status setter; raises ForbiddenTransition as payment_states says."""
        payment_states.check_attempt_transition(self.status, wanted)
        self.status = wanted
        if wanted == payment_states.ATTEMPT_SUCCEEDED:
            self.succeeded_at = utcnow()

    __table_args__ = (
        CheckConstraint(f"status IN {payment_states.ATTEMPT_ALL}", name="status"),
        UniqueConstraint("order_id", "attempt", name="uq_payments_order_attempt"),
    )


class Refund(Model):
    __tablename__ = "refunds"
    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"))
    amount_fen: Mapped[int]
    provider_ref: Mapped[str | None] = mapped_column(String(255), unique=True)
    reason: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)


class ProcessedEvent(Model):
    """A provider event already applied; the unique key makes a redelivery a no-op."""

    __tablename__ = "processed_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("provider", "event_id", name="uq_processed_events_provider_event"),)
