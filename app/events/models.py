"""Event model; booths at an event arrive with the booth checkout."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models_base import utcnow

EVENT_KINDS = ("poverty_alleviation_day", "consumption_week", "fair")


class Event(Model):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    venue: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint(f"kind IN {EVENT_KINDS}", name="kind"),
        CheckConstraint("ends_on >= starts_on", name="date_range"),
    )
