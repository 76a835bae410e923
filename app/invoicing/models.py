"""Invoice requests and the invoices issued for them."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.domain import invoice_states as states
from app.extensions import Model
from app.models_base import utcnow


class InvoiceRequest(Model):
    __tablename__ = "invoice_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    # What it is for: one order (a consumer's), or one contract (a unit's, all its paid deliveries).
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    intent_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_intents.id"), index=True)
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(128))  # 抬头
    taxpayer_id: Mapped[str] = mapped_column(String(20), default="")  # 纳税人识别号; empty for a person
    address_phone: Mapped[str] = mapped_column(String(200), default="")  # 专票: 地址、电话
    bank_account: Mapped[str] = mapped_column(String(200), default="")  # 专票: 开户行及账号
    email: Mapped[str] = mapped_column(String(255), default="")
    amount_fen: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default=states.REQUESTED)
    invoice_number: Mapped[str] = mapped_column(String(32), default="")
    pdf_key: Mapped[str] = mapped_column(String(255), default="")
    decline_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        CheckConstraint("(order_id IS NULL) <> (intent_id IS NULL)", name="for_order_or_contract"),
        CheckConstraint(f"kind IN {states.KINDS}", name="kind"),
        CheckConstraint(f"status IN {states.ALL}", name="status"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint(
            f"status <> '{states.ISSUED}' OR (invoice_number <> '' AND pdf_key <> '')", name="issued_whole"
        ),
    )
