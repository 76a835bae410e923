"""The attribution ledger (销售归属). Rows are only ever added: a refund adds negative rows."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models_base import AppendOnly, utcnow


class Attribution(AppendOnly, Model):
    """One share of a sale or refund. The order, producer, household and link copied onto each
    row for reporting are held to their source by two composite foreign keys (line → its order
    and producer, link → its household and producer): stronger than a key per column, and three
    fewer checks for each of the thousands of rows a booth batch writes.

    The township, village and event are copies too, taken by the one writer from the rows those
    keys hold (the link's household, the producer, the order), so they carry no key of their
    own: three checks per row were a third of a booth batch's ledger time on PostgreSQL (11,000
    rows: 300 ms with them, 150 ms without). `flask verify-ledger` checks that each names a row.
    Nor is the township indexed here: reports by place read the roll-ups, and an index on 25
    values took the most upkeep of the ledger's indexes on every row written. Likewise the line
    is reached through its order's index, not one of its own."""

    __tablename__ = "attributions"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Found through their order (indexed): a line's rows are among its order's handful.
    order_line_id: Mapped[int]
    order_id: Mapped[int] = mapped_column(index=True)
    # NULL household: a producer without benefit links on that day; the amount is still
    # recorded so the ledger always sums to sales.
    household_id: Mapped[int | None] = mapped_column(index=True)
    benefit_link_id: Mapped[int | None]
    producer_id: Mapped[int] = mapped_column(index=True)
    village_id: Mapped[int | None]
    township_id: Mapped[int]
    channel: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(8))  # "sale" or "refund"
    amount_fen: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_attributions_created_at", "created_at"),
        ForeignKeyConstraint(
            ["order_line_id", "order_id", "producer_id"],
            ["order_lines.id", "order_lines.order_id", "order_lines.producer_id"],
            name="fk_attributions_line_order_producer",
        ),
        # Both NULL, or a link whose household it is: a NULL link skips the check (MATCH SIMPLE),
        # so the household then has to be NULL too.
        ForeignKeyConstraint(
            ["benefit_link_id", "household_id", "producer_id"],
            ["benefit_links.id", "benefit_links.household_id", "benefit_links.producer_id"],
            name="fk_attributions_link_household_producer",
        ),
        CheckConstraint("(benefit_link_id IS NULL) = (household_id IS NULL)", name="household_has_link"),
    )


class _RolledUp:
    """What both roll-ups sum the ledger by, besides their period. Missing dimensions are 0,
    not NULL, so their keys are unique on every database."""

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int]
    village_id: Mapped[int]
    household_id: Mapped[int]
    producer_id: Mapped[int]
    product_id: Mapped[int]
    channel: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[int]
    certified: Mapped[bool]
    amount_fen: Mapped[int]
    # 户次: (order line, household) pairs that received money; a refund that brings a pair
    # back to zero counts -1 on its day.
    pairs: Mapped[int]


# What a roll-up row's key holds besides its period, in the order of the key's unique index.
ROLLUP_DIMENSIONS = (
    "township_id",
    "village_id",
    "household_id",
    "producer_id",
    "product_id",
    "channel",
    "event_id",
    "certified",
)


class LedgerDay(_RolledUp, Model):
    """The ledger summed per county day and per every dimension reports cut by.

    Written in the same transaction as the ledger rows it sums, so reports read far fewer
    rows than the ledger holds and still reconcile to the fen (`flask verify-ledger` checks it).
    """

    __tablename__ = "ledger_days"
    day: Mapped[date]

    __table_args__ = (
        UniqueConstraint("day", *ROLLUP_DIMENSIONS, name="uq_ledger_days_key"),
        Index("ix_ledger_days_event", "event_id"),
        Index("ix_ledger_days_township", "township_id", "day"),
        # Covers sales per day, so the monthly chart and date-bounded reads never touch the
        # table's rows (on the county SQLite database: 1.0 s -> 0.18 s for the monthly chart).
        Index("ix_ledger_days_day_amount", "day", "amount_fen"),
        # Uncertified sales, a small share of the roll-up, for the staff pages' warning about
        # events (on the county PostgreSQL database: 173 ms -> 2 ms for that query).
        Index(
            "ix_ledger_days_uncertified",
            "event_id",
            "product_id",
            "day",
            "amount_fen",
            postgresql_where=text("certified IS false"),
            sqlite_where=text("certified IS 0"),
        ),
    )


class LedgerMonth(_RolledUp, Model):
    """The daily roll-up summed again per county month (``month`` is its first day), written in
    the same transaction. Reports read whole months here and only the days of months their
    dates cut into from the daily roll-up: two years of county sales are 2 million daily rows
    but 165,000 monthly ones."""

    __tablename__ = "ledger_months"
    month: Mapped[date]

    __table_args__ = (
        UniqueConstraint("month", *ROLLUP_DIMENSIONS, name="uq_ledger_months_key"),
        # A township's or a village's report reads its own rows, not the whole province's (one
        # township of the province: 6,900 of 1.65 million rows).
        Index("ix_ledger_months_township", "township_id", "month"),
        Index("ix_ledger_months_village", "village_id", "month"),
        # So does an event's (a fair's rows: 3,200 of the county's 167,000).
        Index("ix_ledger_months_event", "event_id", "month"),
    )


ROLLUP_KEYS = ("day", *ROLLUP_DIMENSIONS)
