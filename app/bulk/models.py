"""Supporting units (帮扶单位), their members and yearly pledges, purchase-intent contracts with
their lines and planned deliveries, and the numbered documents issued for them."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain import intent_states as states
from app.extensions import Model
from app.models_base import utcnow

UNIT_KINDS = ("agency", "state_firm", "company", "union", "school")
MEMBER_ROLES = ("buyer", "admin")
PAYMENT_TERMS = ("prepay_stripe", "prepay_transfer", "pay_by_due")
DOCUMENT_KINDS = ("contract", "delivery_note")


class SupportingUnit(Model):
    __tablename__ = "supporting_units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    contact_name: Mapped[str] = mapped_column(String(64))
    contact_phone: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(255))
    # County staff approve a unit before its contracts count; until then it can only draft.
    approved_at: Mapped[datetime | None]
    # Listed by name on the public leaderboard only when the unit says so.
    on_leaderboard: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list["UnitMember"]] = relationship(back_populates="unit", order_by="UnitMember.id")
    pledges: Mapped[list["Pledge"]] = relationship(order_by="Pledge.year")

    __table_args__ = (CheckConstraint(f"kind IN {UNIT_KINDS}", name="kind"),)


class UnitMember(Model):
    __tablename__ = "unit_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("supporting_units.id"), index=True)
    # A person works for one unit: their staff purchases count for it and nowhere else.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    role: Mapped[str] = mapped_column(String(8), default="buyer")

    unit: Mapped[SupportingUnit] = relationship(back_populates="members")
    user = relationship("User")

    __table_args__ = (CheckConstraint(f"role IN {MEMBER_ROLES}", name="role"),)


class Pledge(Model):
    """What a unit promised to buy in a year (年度帮扶采购承诺)."""

    __tablename__ = "pledges"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("supporting_units.id"))
    year: Mapped[int]
    amount_fen: Mapped[int]

    __table_args__ = (
        UniqueConstraint("unit_id", "year", name="uq_pledges_unit_year"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )


class PurchaseIntent(Model):
    """A purchase-intent contract (购销意向合同); fulfilled by orders on the ``intent`` channel."""

    __tablename__ = "purchase_intents"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("supporting_units.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=states.DRAFT)
    year: Mapped[int]
    po_number: Mapped[str] = mapped_column(String(64), default="")
    payment_terms: Mapped[str] = mapped_column(String(16))
    # With pay_by_due: days after each delivery's receipt within which it is paid.
    due_days: Mapped[int] = mapped_column(default=0)
    delivery_from: Mapped[date]
    delivery_to: Mapped[date]
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    unit: Mapped[SupportingUnit] = relationship()
    event = relationship("Event")
    lines: Mapped[list["IntentLine"]] = relationship(
        back_populates="intent", order_by="IntentLine.id", cascade="all, delete-orphan"
    )
    deliveries: Mapped[list["PlannedDelivery"]] = relationship(
        order_by="PlannedDelivery.planned_on", cascade="all, delete-orphan"
    )
    changes: Mapped[list["IntentStatusChange"]] = relationship(order_by="IntentStatusChange.id")

    __table_args__ = (
        CheckConstraint(f"status IN {states.ALL}", name="status"),
        CheckConstraint(f"payment_terms IN {PAYMENT_TERMS}", name="payment_terms"),
        CheckConstraint("delivery_to >= delivery_from", name="window"),
        CheckConstraint("due_days >= 0 AND due_days <= 180", name="due_days_range"),
    )

    @property
    def total_fen(self) -> int:
        return sum(line.total_fen for line in self.lines)

    @property
    def undelivered(self) -> int:
        return sum(line.quantity - line.delivered for line in self.lines)


class IntentLine(Model):
    __tablename__ = "intent_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through the unique key (intent_id, sku_id), which it leads: no index of its own.
    intent_id: Mapped[int] = mapped_column(ForeignKey("purchase_intents.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    quantity: Mapped[int]
    # The agreed price, which may be below list price (volume tiers are applied when it is set).
    unit_price_fen: Mapped[int]
    delivered: Mapped[int] = mapped_column(default=0)

    intent: Mapped[PurchaseIntent] = relationship(back_populates="lines")
    sku = relationship("Sku")

    __table_args__ = (
        UniqueConstraint("intent_id", "sku_id", name="uq_intent_lines_intent_sku"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_fen > 0", name="price_positive"),
        CheckConstraint("delivered >= 0 AND delivered <= quantity", name="delivered_within_quantity"),
    )

    @property
    def total_fen(self) -> int:
        return self.quantity * self.unit_price_fen


class PlannedDelivery(Model):
    __tablename__ = "planned_deliveries"
    id: Mapped[int] = mapped_column(primary_key=True)
    intent_id: Mapped[int] = mapped_column(ForeignKey("purchase_intents.id"), index=True)
    planned_on: Mapped[date]
    address: Mapped[str] = mapped_column(String(255))
    recipient: Mapped[str] = mapped_column(String(64), default="")
    mobile: Mapped[str] = mapped_column(String(20), default="")


class IntentStatusChange(Model):
    __tablename__ = "intent_status_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    intent_id: Mapped[int] = mapped_column(ForeignKey("purchase_intents.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Document(Model):
    """An issued PDF (contract or delivery note). Never changed: a change issues a new version."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]
    intent_id: Mapped[int] = mapped_column(ForeignKey("purchase_intents.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    path: Mapped[str] = mapped_column(String(255))
    # Hash of what the document states (not of the PDF bytes, which carry a creation time).
    content_hash: Mapped[str] = mapped_column(String(64))
    # The PDF is laid out by the job worker: until then the row holds the HTML it is laid out
    # from, frozen at issue, and no hash of the PDF's bytes.
    sha256: Mapped[str | None] = mapped_column(String(64))
    html: Mapped[str | None] = mapped_column(Text)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint(f"kind IN {DOCUMENT_KINDS}", name="kind"),
        UniqueConstraint("number", "version", name="uq_documents_number_version"),
        Index("ix_documents_order_id", "order_id"),
    )
