"""The outbox table: a durable record of every message, sent or not."""

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models_base import utcnow

PENDING, SENT, FAILED = "pending", "sent", "failed"


class OutboxMessage(Model):
    """One mail or text message, written in the transaction of the change it tells about and
    delivered by a job after that commit. Its row, not the queue, says whether it still has to go out."""

    __tablename__ = "outbox_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    # "mail" (recipient: an address) or "sms" (recipient: a mobile number, through app.outbox.sms).
    channel: Mapped[str] = mapped_column(String(8), default="mail", server_default="mail")
    recipient: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    # Which mail this is (order_paid, intent_confirmed, …) and in which language it was written.
    kind: Mapped[str] = mapped_column(String(32), default="")
    language: Mapped[str] = mapped_column(String(8), default="zh_CN")
    # One mail per business event: a job or a command run twice cannot write it twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    status: Mapped[str] = mapped_column(String(8), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # The sweep sends pending mail whose time has come: a grace period after it is written (the
    # job enqueued by the commit normally sends it first), then the backoff after a failure.
    next_attempt_at: Mapped[datetime | None]
    # Held by one delivery at a time, so the job and a sweep never send it twice at once.
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),)
