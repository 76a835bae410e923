"""The attribution ledger (销售归属). Rows are only ever added: a refund adds negative rows."""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db
from app.models_base import utcnow


class Attribution(db.Model):
    __tablename__ = "attributions"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    # NULL household: a producer without benefit links on that day; the amount is still
    # recorded so the ledger always sums to sales.
    household_id: Mapped[Optional[int]] = mapped_column(ForeignKey("households.id"), index=True)
    benefit_link_id: Mapped[Optional[int]] = mapped_column(ForeignKey("benefit_links.id"))
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    village_id: Mapped[Optional[int]] = mapped_column(ForeignKey("villages.id"))
    township_id: Mapped[int] = mapped_column(ForeignKey("townships.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[Optional[int]] = mapped_column(ForeignKey("events.id"))
    kind: Mapped[str] = mapped_column(String(8))  # "sale" or "refund"
    amount_fen: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_attributions_created_at", "created_at"),)


class LedgerIsAppendOnly(Exception):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_ledger_edits(session, _context, _instances):
    # The ledger is evidence: an update or delete would silently rewrite history.
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Attribution) and (obj in session.deleted or session.is_modified(obj)):
            raise LedgerIsAppendOnly("attribution rows are never changed; add a correcting row instead")
