"""Order, its lines (snapshots of what was bought) and the audit trail of its status."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain import order_states as states
from app.domain import payment_states
from app.extensions import Model
from app.models_base import index_where_set, utcnow

CHANNELS = ("online", "intent", "booth")
PAYMENT_METHODS = ("stripe", "cod", "cash", "bank_transfer", "merchant_qr")


class Order(Model):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Made before payment so Stripe, emails and the buyer all name the order the same way.
    number: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(16), default="online")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    # Set on the intent channel: the purchase-intent contract this delivery fulfils.
    purchase_intent_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_intents.id"))
    status: Mapped[str] = mapped_column(String(20))
    payment_status: Mapped[str] = mapped_column(String(20), default=payment_states.UNPAID)
    payment_method: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    subtotal_fen: Mapped[int]
    shipping_fen: Mapped[int] = mapped_column(default=0)
    total_fen: Mapped[int]
    paid_fen: Mapped[int] = mapped_column(default=0)
    refunded_fen: Mapped[int] = mapped_column(default=0)
    recipient: Mapped[str] = mapped_column(String(64), default="")
    mobile: Mapped[str] = mapped_column(String(20), default="")
    province: Mapped[str] = mapped_column(String(32), default="")
    city: Mapped[str] = mapped_column(String(32), default="")
    county: Mapped[str] = mapped_column(String(32), default="")
    # The county's GB/T 2260 code when the buyer picked it from the list (the fee's region).
    region_code: Mapped[str] = mapped_column(String(6), default="", server_default="")
    street: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    carrier: Mapped[str] = mapped_column(String(64), default="")
    tracking_number: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    shipped_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]

    lines: Mapped[list["OrderLine"]] = relationship(back_populates="order", order_by="OrderLine.id")
    status_changes: Mapped[list["OrderStatusChange"]] = relationship(order_by="OrderStatusChange.id")
    payment_changes: Mapped[list["PaymentStatusChange"]] = relationship(
        order_by="PaymentStatusChange.id", viewonly=True
    )
    # Read-only here: payments are written by app.payments, which owns their states.
    payments = relationship("Payment", viewonly=True, order_by="Payment.id")
    user = relationship("User")
    event = relationship("Event")

    __table_args__ = (
        CheckConstraint(f"status IN {states.ALL}", name="status"),
        CheckConstraint(f"payment_status IN {payment_states.ALL}", name="payment_status"),
        CheckConstraint(f"channel IN {CHANNELS}", name="channel"),
        CheckConstraint(f"payment_method IN {PAYMENT_METHODS}", name="payment_method"),
        CheckConstraint("total_fen = subtotal_fen + shipping_fen", name="total_adds_up"),
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= paid_fen", name="refund_within_paid"),
        Index("ix_orders_status_expires", "status", "expires_at"),
        index_where_set("orders", "event_id"),
        index_where_set("orders", "purchase_intent_id"),
    )

    @property
    def address_line(self) -> str:
        return f"{self.province}{self.city}{self.county}{self.street}"

    @property
    def money_arrived_at(self) -> datetime:
        """When the money arrived: the ledger's day for the sale and its refunds is the county
        day of this moment. Asking it of an unpaid order is a mistake in the caller."""
        if self.paid_at is None:
            raise ValueError(f"order {self.number} has not been paid")
        return self.paid_at


class OrderLine(Model):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    # Snapshots: what the buyer saw and paid, unchanged when the catalogue changes later.
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"))
    product_name: Mapped[str] = mapped_column(String(128))
    sku_code: Mapped[str] = mapped_column(String(32))
    sku_name: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(16))
    unit_price_fen: Mapped[int]
    quantity: Mapped[int]
    line_total_fen: Mapped[int]
    refunded_fen: Mapped[int] = mapped_column(default=0)
    # Whether the product held a valid 扶贫 certification when sold: reports must not
    # judge past sales by today's certificates.
    certified: Mapped[bool] = mapped_column(default=False)
    # The production lot, when the box was scanned or its lot code typed at a booth.
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))

    order: Mapped[Order] = relationship(back_populates="lines")

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("line_total_fen = unit_price_fen * quantity", name="total_is_price_times_quantity"),
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= line_total_fen", name="refund_within_line"),
        # What the ledger's rows point at: a row's order and producer must be its line's own.
        UniqueConstraint("id", "order_id", "producer_id", name="uq_order_lines_ledger_key"),
        index_where_set("order_lines", "lot_id"),
    )


class OrderStatusChange(Model):
    """One row per transition: who moved the order, from what to what, when and why."""

    __tablename__ = "order_status_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(64))  # "user", "staff", "stripe", "system"
    reason: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentStatusChange(Model):
    """One row per payment transition (payment_states): money in, or back out, with who, when,
    how much and why. Written only by orders.workflow.set_payment_status and the booth sync."""

    __tablename__ = "payment_status_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    # What moved: the amount received, or minus the amount refunded.
    amount_fen: Mapped[int]
    method: Mapped[str] = mapped_column(String(16))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(64))  # "user", "staff", "stripe", "booth", "system"
    reason: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint(f"from_status IS NULL OR from_status IN {payment_states.ALL}", name="from_status"),
        CheckConstraint(f"to_status IN {payment_states.ALL}", name="to_status"),
    )
