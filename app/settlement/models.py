"""Settlement with producers and the payout book.

A statement sums a producer's ledger rows up to the end of a county month, less what earlier
statements already settled, so a row booked late (a booth that synced after the month closed)
or a refund after payout lands on the next statement instead of changing one already sent.
Its lines are what the producer owes each household; the payout book records what reached
them, and, like the ledger, only ever grows: a mistake is a reversing row."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain import statement_states
from app.extensions import Model
from app.models_base import AppendOnly, utcnow
from app.registry.models import Household, Producer

PAYOUT_METHODS = ("bank_card", "cash", "agency")  # 银行卡, 现金, 代发 (the bank pays on the producer's list)


class Statement(Model):
    __tablename__ = "statements"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    # Looked up through the unique key (producer_id, month), which it leads: no index of its own.
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"))
    # The county month the statement closes: it covers every ledger row booked before the
    # month's end that no earlier statement covered.
    month: Mapped[date]
    period_from: Mapped[date]
    period_to: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default=statement_states.DRAFT)
    sales_fen: Mapped[int]
    refunds_fen: Mapped[int]  # positive: money given back
    net_fen: Mapped[int]
    households_fen: Mapped[int]  # the part of net attributed to households; the rest is the producer's own
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]
    paid_on: Mapped[date | None]
    bank_reference: Mapped[str] = mapped_column(String(64), default="")

    producer: Mapped[Producer] = relationship()
    lines: Mapped[list["StatementLine"]] = relationship(
        back_populates="statement", order_by="StatementLine.household_id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("producer_id", "month", name="uq_statements_producer_month"),
        CheckConstraint(f"status IN {statement_states.ALL}", name="status"),
        CheckConstraint("net_fen = sales_fen - refunds_fen", name="net_is_sales_less_refunds"),
        CheckConstraint(f"status <> '{statement_states.PAID}' OR bank_reference <> ''", name="paid_has_reference"),
    )


class StatementLine(Model):
    """What a producer owes one household on a statement: its share of the period, plus a
    negative balance carried from its previous line (a refund after that line was paid out)."""

    __tablename__ = "statement_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through the unique key (statement_id, household_id), which it leads: no index of its own.
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    share_fen: Mapped[int]
    carried_fen: Mapped[int] = mapped_column(default=0)
    due_fen: Mapped[int]
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("statement_lines.id"), unique=True)

    statement: Mapped[Statement] = relationship(back_populates="lines")
    household: Mapped[Household] = relationship()

    __table_args__ = (
        UniqueConstraint("statement_id", "household_id", name="uq_statement_lines_household"),
        CheckConstraint("due_fen = share_fen + carried_fen", name="due_is_share_and_carried"),
        CheckConstraint("carried_fen <= 0", name="only_debts_are_carried"),
        CheckConstraint("(carried_from_id IS NULL) = (carried_fen = 0)", name="carried_names_its_line"),
    )


class Payout(AppendOnly, Model):
    """Money handed to a household against a statement line. A reversal is a negative row
    naming the payout it takes back."""

    __tablename__ = "payouts"
    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("statement_lines.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    amount_fen: Mapped[int]
    paid_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(64), default="")
    # A photo of the receipt the household signed, in the documents storage.
    receipt_key: Mapped[str] = mapped_column(String(255), default="")
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id"), unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    line: Mapped[StatementLine] = relationship()
    household: Mapped[Household] = relationship()

    __table_args__ = (
        CheckConstraint(f"method IN {PAYOUT_METHODS}", name="method"),
        CheckConstraint(
            "(reverses_id IS NULL AND amount_fen > 0) OR (reverses_id IS NOT NULL AND amount_fen < 0)",
            name="reversal_is_negative",
        ),
    )


class PayoutConfirmation(AppendOnly, Model):
    """The household said the money arrived (signed, or told the administrator in person)."""

    __tablename__ = "payout_confirmations"
    id: Mapped[int] = mapped_column(primary_key=True)
    payout_id: Mapped[int] = mapped_column(ForeignKey("payouts.id"), unique=True)
    confirmed_on: Mapped[date]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
