"""The reconciliation behind `flask verify-ledger`: per order line, the ledger must hold
exactly what was paid for it minus what was refunded."""

from dataclasses import dataclass

from sqlalchemy import case, func, select

from app.domain import payment_states
from app.events.models import Event
from app.extensions import db
from app.impact.models import Attribution, LedgerDay, LedgerMonth
from app.orders.models import Order, OrderLine
from app.registry.models import Township, Village


@dataclass(frozen=True)
class Discrepancy:
    order_number: str
    line_id: int
    expected_fen: int
    ledger_fen: int

    def describe(self) -> str:
        return (
            f"order {self.order_number} line {self.line_id}: expected {self.expected_fen} fen, "
            f"ledger {self.ledger_fen} fen"
        )


@dataclass(frozen=True)
class RollupDiscrepancy:
    table: str
    household_id: int  # 0: sales that reached no registered household
    ledger_fen: int
    rolled_up_fen: int

    def describe(self) -> str:
        return (
            f"roll-up {self.table}, household {self.household_id}: ledger {self.ledger_fen} fen, "
            f"roll-up {self.rolled_up_fen} fen"
        )


@dataclass(frozen=True)
class DanglingCopy:
    column: str
    rows: int

    def describe(self) -> str:
        return f"ledger {self.column}: {self.rows} rows name no existing row"


def find_discrepancies() -> list[Discrepancy | RollupDiscrepancy | DanglingCopy]:
    """Every order line whose ledger total differs from its paid amount minus refunds."""
    ledger = (
        select(Attribution.order_line_id, func.sum(Attribution.amount_fen).label("fen"))
        .group_by(Attribution.order_line_id)
        .subquery()
    )
    # A line counts as paid once its order received money; paid lines that were later
    # refunded keep their sale and refund rows, which net to the refunded remainder.
    paid = Order.payment_status.in_((payment_states.PAID, payment_states.PARTIALLY_REFUNDED, payment_states.REFUNDED))
    expected = case((paid, OrderLine.line_total_fen - OrderLine.refunded_fen), else_=0)
    ledger_fen = func.coalesce(ledger.c.fen, 0)
    rows = db.session.execute(
        select(Order.number, OrderLine.id, expected, ledger_fen)
        .join(Order, Order.id == OrderLine.order_id)
        .outerjoin(ledger, ledger.c.order_line_id == OrderLine.id)
        .where(expected != ledger_fen)
        .order_by(OrderLine.id)
    ).all()
    orphans = db.session.execute(
        select(func.count())
        .select_from(Attribution)
        .outerjoin(OrderLine, OrderLine.id == Attribution.order_line_id)
        .where(OrderLine.id.is_(None))
    ).scalar_one()
    found = [Discrepancy(n, i, int(expected), int(ledger)) for n, i, expected, ledger in rows]
    if orphans:
        found.append(Discrepancy("-", 0, 0, int(orphans)))
    return [*found, *_rollup_discrepancies(), *_dangling_copies()]


def _dangling_copies() -> list[DanglingCopy]:
    """The township, village and event each ledger row copies carry no foreign key (a booth
    batch writes thousands of rows): here each must still name a row."""
    found = []
    for column, target in (
        (Attribution.township_id, Township),
        (Attribution.village_id, Village),
        (Attribution.event_id, Event),
    ):
        rows = db.session.scalar(
            select(func.count())
            .select_from(Attribution)
            .outerjoin(target, target.id == column)
            .where(column.is_not(None), target.id.is_(None))
        )
        if rows:
            found.append(DanglingCopy(column.key, int(rows)))
    return found


def _rollup_discrepancies() -> list[RollupDiscrepancy]:
    """Both roll-ups that reports read must sum, per household, to the ledger."""
    household = func.coalesce(Attribution.household_id, 0)
    ledger = dict(db.session.execute(select(household, func.sum(Attribution.amount_fen)).group_by(household)).all())
    found = []
    for rollup in (LedgerDay, LedgerMonth):
        rolled = dict(
            db.session.execute(
                select(rollup.household_id, func.sum(rollup.amount_fen)).group_by(rollup.household_id)
            ).all()
        )
        found += [
            RollupDiscrepancy(rollup.__tablename__, h, int(ledger.get(h, 0)), int(rolled.get(h, 0)))
            for h in sorted(set(ledger) | set(rolled))
            if int(ledger.get(h, 0)) != int(rolled.get(h, 0))
        ]
    return found
