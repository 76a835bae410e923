"""Booths at events, their clerks, stock allocations and tablets, the sales the tablets sync,
and each day's close-out."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain import payment_states
from app.extensions import Model
from app.models_base import utcnow

# online: paid on the buyer's phone through our payment page (a BoothOnlinePayment).
TENDERS = ("cash", "merchant_qr", "online")


class Booth(Model):
    __tablename__ = "booths"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Printed on the booth's sign and typed into the CLI: short, upper case, unique.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("townships.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    # Cash the clerk starts each day with; the close-out expects it back on top of cash sales.
    opening_float_fen: Mapped[int] = mapped_column(default=0)
    # The booth's own collection code (a township co-op's WeChat/Alipay merchant): shown to
    # buyers who pay by phone, recorded with the reference the clerk reads off.
    merchant_name: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event = relationship("Event")
    township = relationship("Township")
    allocations: Mapped[list["BoothAllocation"]] = relationship(back_populates="booth", order_by="BoothAllocation.id")
    clerks = relationship("User", secondary="booth_clerks", order_by="User.id")

    __table_args__ = (CheckConstraint("opening_float_fen >= 0", name="float_not_negative"),)


class BoothClerk(Model):
    __tablename__ = "booth_clerks"
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class BoothAllocation(Model):
    """How many of a SKU the booth took to the fair, and how many it has sold.

    ``sold`` may pass ``allocated``: an offline sale is money already taken, so it is kept
    and the sale is flagged for reconciliation instead of refused.
    """

    __tablename__ = "booth_allocations"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through the unique key (booth_id, sku_id), which it leads: no index of its own.
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    allocated: Mapped[int] = mapped_column(default=0)
    sold: Mapped[int] = mapped_column(default=0)

    booth: Mapped[Booth] = relationship(back_populates="allocations")
    sku = relationship("Sku")

    __table_args__ = (
        UniqueConstraint("booth_id", "sku_id", name="uq_booth_allocations_booth_sku"),
        CheckConstraint("allocated >= 0", name="allocated_not_negative"),
        CheckConstraint("sold >= 0", name="sold_not_negative"),
    )

    @property
    def remaining(self) -> int:
        return self.allocated - self.sold


class Device(Model):
    """A paired tablet. Only a hash of its token is kept: a leaked database pairs nothing."""

    __tablename__ = "devices"
    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id"), index=True)
    label: Mapped[str] = mapped_column(String(64), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_hint: Mapped[str] = mapped_column(String(8))  # the first characters, so staff can tell tokens apart
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    last_sequence: Mapped[int] = mapped_column(default=0)

    booth: Mapped[Booth] = relationship()


class BoothSale(Model):
    """One sale as the tablet recorded it, tied to the order it became.

    The client's UUID makes a resend a no-op; the payload hash tells a resend from a
    different sale that reused the UUID.
    """

    __tablename__ = "booth_sales"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    device_sequence: Mapped[int]
    device_time: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The county date of the sale (device time, unless that was implausible): what the
    # close-out and the event board count by.
    day: Mapped[date]
    tender: Mapped[str] = mapped_column(String(16))
    total_fen: Mapped[int]
    tendered_fen: Mapped[int] = mapped_column(default=0)
    change_fen: Mapped[int] = mapped_column(default=0)
    reference: Mapped[str] = mapped_column(String(64), default="")
    # Why staff should look at this sale (over allocation, price differs, clock off); empty when fine.
    flags: Mapped[str] = mapped_column(Text, default="")
    reconciled_at: Mapped[datetime | None]
    reconciled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reconciliation_note: Mapped[str] = mapped_column(String(255), default="")

    booth: Mapped[Booth] = relationship()
    device: Mapped[Device] = relationship()
    order = relationship("Order")

    __table_args__ = (
        CheckConstraint(f"tender IN {TENDERS}", name="tender"),
        CheckConstraint("total_fen > 0", name="total_positive"),
        CheckConstraint("change_fen >= 0 AND tendered_fen >= 0", name="cash_not_negative"),
        Index("ix_booth_sales_booth_day", "booth_id", "day"),
    )


class BoothOnlinePayment(Model):
    """A sale the till offered for payment on the buyer's phone, before and after they paid.

    The sale itself is kept as the till will resend it, so the server can record it the moment
    the acquirer confirms the money, even if the till never comes back. The link token is what
    the QR code carries: unguessable, and it shows only the booth, the goods and the amount.
    """

    __tablename__ = "booth_online_payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    sale_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    link_token: Mapped[str] = mapped_column(String(43), unique=True)
    payload: Mapped[str] = mapped_column(Text)
    payload_hash: Mapped[str] = mapped_column(String(64))
    amount_fen: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    provider_ref: Mapped[str] = mapped_column(String(255), unique=True)
    client_secret: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default=payment_states.ATTEMPT_PENDING)
    # Money that arrived but could not become the sale (amount differs, sale refused): staff refund it.
    flag: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None]

    booth: Mapped[Booth] = relationship()

    __table_args__ = (
        CheckConstraint(f"status IN {payment_states.ATTEMPT_ALL}", name="status"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )


class BoothClose(Model):
    """A booth's day closed: what the system expected in the cash box and what was counted."""

    __tablename__ = "booth_closes"
    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id"))
    day: Mapped[date]
    sales_count: Mapped[int]
    expected_cash_fen: Mapped[int]
    counted_cash_fen: Mapped[int]
    over_short_fen: Mapped[int]
    note: Mapped[str] = mapped_column(String(255), default="")
    closed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)

    closed_by = relationship("User")

    __table_args__ = (
        UniqueConstraint("booth_id", "day", name="uq_booth_closes_booth_day"),
        CheckConstraint("counted_cash_fen >= 0", name="counted_not_negative"),
        CheckConstraint("over_short_fen = counted_cash_fen - expected_cash_fen", name="over_short_adds_up"),
    )
