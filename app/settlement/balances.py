"""What is owed on each statement line: its due, less what was paid out, less a debt carried
on to the producer's next statement. Read by the services (to refuse an overpayment) and by
every page and report of the area, so all say the same."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.settlement.models import Payout, Statement, StatementLine


@dataclass(frozen=True)
class Balance:
    due_fen: int
    paid_fen: int
    carried_on_fen: int  # a debt moved to the next statement (negative, like the debt)

    @property
    def outstanding_fen(self) -> int:
        return self.due_fen - self.paid_fen - self.carried_on_fen


def balances(lines: Iterable[StatementLine]) -> dict[int, Balance]:
    """Each line's balance by its id, in two queries whatever the number of lines."""
    lines = list(lines)
    ids = [line.id for line in lines]
    if not ids:
        return {}
    paid = dict(
        db.session.execute(
            select(Payout.line_id, func.sum(Payout.amount_fen)).where(Payout.line_id.in_(ids)).group_by(Payout.line_id)
        ).all()
    )
    carried = dict(
        db.session.execute(
            select(StatementLine.carried_from_id, StatementLine.carried_fen).where(
                StatementLine.carried_from_id.in_(ids)
            )
        ).all()
    )
    return {line.id: Balance(line.due_fen, paid.get(line.id, 0), carried.get(line.id, 0)) for line in lines}


def settled_shares(producer_id: int) -> dict[int, int]:
    """Each household's shares on all the producer's statements so far."""
    return dict(
        db.session.execute(
            select(StatementLine.household_id, func.sum(StatementLine.share_fen))
            .join(Statement, Statement.id == StatementLine.statement_id)
            .where(Statement.producer_id == producer_id)
            .group_by(StatementLine.household_id)
        ).all()
    )


def debts_to_carry(producer_id: int) -> dict[int, tuple[int, int]]:
    """Households whose last line with this producer ended below zero (a refund after they were
    paid) and was not carried on yet: household → (that line, its debt). Nothing is ever paid
    out on a negative line, so its debt is its due."""
    later = aliased(StatementLine)
    rows = db.session.execute(
        select(StatementLine.household_id, StatementLine.id, StatementLine.due_fen)
        .join(Statement, Statement.id == StatementLine.statement_id)
        .outerjoin(later, later.carried_from_id == StatementLine.id)
        .where(Statement.producer_id == producer_id, StatementLine.due_fen < 0, later.id.is_(None))
    ).all()
    return {household_id: (line_id, due) for household_id, line_id, due in rows}
