"""Writing the ledger: a paid line is split over its producer's households, a refund mirrors it,
and the daily roll-up moves in the same transaction."""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Insert, MetaData, Row, Table, func, select, text

from app.clock import county_date, month_start
from app.domain.money import allocate
from app.extensions import db
from app.impact.models import ROLLUP_DIMENSIONS, ROLLUP_KEYS, Attribution, LedgerDay, LedgerMonth
from app.models_base import copy_rows, insert_rows, naive_utc, table_of, upsert, utcnow
from app.orders.models import Order, OrderLine
from app.registry.models import BenefitLink, Household, Producer, Village
from app.registry.queries import active_links_clause

# Amount (fen) and household pairs, summed per key of the daily roll-up (ROLLUP_KEYS' order).
RollUpTotals = dict[tuple[Any, ...], list[int]]


def add_to(totals: RollUpTotals, key: tuple[Any, ...], amount_fen: int, pairs: int) -> None:
    summed = totals.setdefault(key, [0, 0])
    summed[0] += amount_fen
    summed[1] += pairs


def _shares(producer_id: int, on: date) -> Sequence[Row[int, int, int, int, int]]:
    """The producer's households on a date, in a stable order, with weight, link and village."""
    return db.session.execute(
        select(BenefitLink.id, BenefitLink.household_id, BenefitLink.weight, Household.village_id, Village.township_id)
        .join(Household, Household.id == BenefitLink.household_id)
        .join(Village, Village.id == Household.village_id)
        .where(BenefitLink.producer_id == producer_id, active_links_clause(on))
        .order_by(BenefitLink.household_id, BenefitLink.id)
    ).all()


@dataclass(frozen=True)
class LedgerEntry:
    """Money moving on one order line: ``amount_fen`` (negative for refunds) split by the
    benefit links valid on ``on`` — the sale's payment date, also for its refunds, so a
    refund exactly mirrors the sale even after the rules changed. ``booked_at`` is when the
    money moved (now, unless history is being loaded or a booth synced late)."""

    order: Order
    line: OrderLine
    amount_fen: int
    on: date
    kind: str
    booked_at: datetime | None = None


def record_sales(orders: list[Order]) -> int:
    """Money arrived for these orders: the ledger's sale rows for every line, split by the
    benefit rules of the county day the money arrived (``paid_at``), booked at that moment.
    The one way every channel turns a payment into ledger rows. Does not commit."""
    return attribute_lines(
        [
            LedgerEntry(order, line, line.line_total_fen, county_date(order.money_arrived_at), "sale", order.paid_at)
            for order in orders
            for line in order.lines
        ]
    )


def attribute(
    order: Order, line: OrderLine, amount_fen: int, on: date, kind: str, booked_at: datetime | None = None
) -> int:
    """Add ledger rows spreading ``amount_fen`` over the line's households. Does not commit."""
    return attribute_lines([LedgerEntry(order, line, amount_fen, on, kind, booked_at)])


def attribute_lines(entries: list[LedgerEntry]) -> int:
    """Ledger rows for many lines at once; returns how many were written. Does not commit.

    Each producer's links are read once, and rows go in as one plain multi-row insert (no
    ids are read back: nothing refers to a ledger row), with the daily roll-up beside it.
    """
    now = utcnow()
    shares_by_producer: dict[tuple[int, date], Sequence[Row[int, int, int, int, int]]] = {}
    township_of: dict[int, int] = {}
    all_rows: list[dict[str, Any]] = []
    totals: RollUpTotals = {}
    for entry in entries:
        line, order, booked_at = entry.line, entry.order, entry.booked_at or now
        key = (line.producer_id, entry.on)
        if key not in shares_by_producer:
            shares_by_producer[key] = _shares(*key)
        shares = shares_by_producer[key]
        common = dict(
            order_line_id=line.id,
            order_id=order.id,
            producer_id=line.producer_id,
            channel=order.channel,
            event_id=order.event_id,
            kind=entry.kind,
            # As stored: a booth batch's thousands of rows share a few moments, converted once.
            created_at=naive_utc(booked_at),
        )
        rows: list[dict[str, Any]]
        if not shares:
            if line.producer_id not in township_of:
                township_of[line.producer_id] = db.session.get_one(Producer, line.producer_id).township_id
            rows = [
                dict(
                    common,
                    household_id=None,
                    benefit_link_id=None,
                    village_id=None,
                    township_id=township_of[line.producer_id],
                    amount_fen=entry.amount_fen,
                )
            ]
        else:
            parts = allocate(entry.amount_fen, [s.weight for s in shares])
            rows = [
                dict(
                    common,
                    household_id=s.household_id,
                    benefit_link_id=s.id,
                    village_id=s.village_id,
                    township_id=s.township_id,
                    amount_fen=part,
                )
                for s, part in zip(shares, parts, strict=False)
                if part
            ]
        deltas = _pair_deltas(line, rows, entry.kind)
        all_rows.extend(rows)
        # The roll-up's key, in ROLLUP_KEYS' order, summed as the rows are made.
        day, product, channel, event = county_date(booked_at), line.product_id, order.channel, order.event_id or 0
        certified = bool(line.certified)
        for row in rows:
            household = row["household_id"]
            add_to(
                totals,
                (
                    day,
                    row["township_id"],
                    row["village_id"] or 0,
                    household or 0,
                    line.producer_id,
                    product,
                    channel,
                    event,
                    certified,
                ),
                row["amount_fen"],
                deltas.get(household, 0),
            )
    insert_rows(Attribution, all_rows)
    roll_up(totals)
    return len(all_rows)


def _pair_deltas(line: OrderLine, rows: list[dict[str, Any]], kind: str) -> dict[int, int]:
    """+1 for each household a sale reaches; -1 where a refund brings a household's share of
    the line back to zero."""
    if kind == "sale":
        return {r["household_id"]: 1 for r in rows if r["household_id"] is not None and r["amount_fen"] > 0}
    before = dict(
        db.session.execute(
            select(Attribution.household_id, func.sum(Attribution.amount_fen))
            .where(
                Attribution.order_id == line.order_id,
                Attribution.order_line_id == line.id,
                Attribution.household_id.is_not(None),
            )
            .group_by(Attribution.household_id)
        ).all()
    )
    return {
        r["household_id"]: -1
        for r in rows
        if r["household_id"] is not None
        and before.get(r["household_id"], 0) > 0
        and before[r["household_id"]] + r["amount_fen"] <= 0
    }


def roll_up(totals: RollUpTotals) -> None:
    """Add amounts and pairs, summed per key of the daily roll-up (``ROLLUP_KEYS``: the county
    day, then the dimensions), into the daily and the monthly roll-ups, creating keys as needed.
    Does not commit."""
    days = [
        dict(zip(ROLLUP_KEYS, key, strict=True), amount_fen=fen, pairs=pairs) for key, (fen, pairs) in totals.items()
    ]
    _add_into(LedgerDay, ROLLUP_KEYS, days)
    months: RollUpTotals = {}
    for (day, *dimensions), (fen, pairs) in totals.items():
        add_to(months, (month_start(day), *dimensions), fen, pairs)
    month_keys = ("month", *ROLLUP_DIMENSIONS)
    _add_into(
        LedgerMonth,
        month_keys,
        [dict(zip(month_keys, key, strict=True), amount_fen=fen, pairs=pairs) for key, (fen, pairs) in months.items()],
    )


# From this many rows on, PostgreSQL gets them by COPY into a scratch table and adds them in
# one statement: row by row, the roll-up was 56 % of the county seed's Python time (2 million
# keys), and a booth batch of 1,000 sales adds some 19,000.
BULK_ROWS = 1_000


def _add_into(model: type[LedgerDay] | type[LedgerMonth], keys: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = table_of(model)
    if len(rows) >= BULK_ROWS and db.engine.dialect.name == "postgresql":
        _add_in_bulk(table, keys, rows)
        return
    # One statement, compiled once and sent as an executemany. A multi-row VALUES built per call
    # made SQLAlchemy compile up to 11,000 bound parameters every time (the PostgreSQL demo seed
    # took 18 s, 13 of them here; 10 s after; the booth sync's time did not move).
    db.session.execute(_adding_into(table, keys, db.engine.dialect.name), rows)


@functools.cache
def _adding_into(table: Table, keys: tuple[str, ...], dialect: str) -> Insert:
    # Built once per table: building it (its EXCLUDED alias copies every column of the table)
    # was 3.5 % of a booth batch's time on SQLite.
    statement = upsert(table, dialect)
    return statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={
            "amount_fen": table.c.amount_fen + statement.excluded.amount_fen,
            "pairs": table.c.pairs + statement.excluded.pairs,
        },
    )


def _add_in_bulk(table: Table, keys: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: the rows (one per key, as merged) copied into the session's scratch table, then
    added into ``table`` by one INSERT … ON CONFLICT; the scratch table is emptied again."""
    scratch_name = f"{table.name}_added"
    columns = list(rows[0])
    listed = ", ".join(columns)
    # Names from our own models, never input; the table lives as long as the connection.
    db.session.execute(
        text(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {scratch_name} ON COMMIT DELETE ROWS"  # nosec B608
            f" AS SELECT {listed} FROM {table.name} WITH NO DATA"
        )
    )
    copy_rows(scratch_name, rows)
    scratch = Table(scratch_name, MetaData(), *(Column(name, table.c[name].type) for name in columns))
    statement = upsert(table, "postgresql").from_select(columns, select(*scratch.c))
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={
            "amount_fen": table.c.amount_fen + statement.excluded.amount_fen,
            "pairs": table.c.pairs + statement.excluded.pairs,
        },
    )
    db.session.execute(statement)
    db.session.execute(text(f"TRUNCATE {scratch_name}"))
