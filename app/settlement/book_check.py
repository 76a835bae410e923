"""The payout book's half of `flask verify-ledger`: statements add up, nobody was paid more than
their line says, nothing was paid on a debt, reversals mirror what they take back, and every
carried debt is the balance it came from."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.impact.ledger_check import DanglingCopy, Discrepancy, RollupDiscrepancy, find_discrepancies
from app.settlement.models import Payout, Statement, StatementLine


@dataclass(frozen=True)
class BookDiscrepancy:
    what: str
    ref: str
    expected_fen: int
    found_fen: int

    def describe(self) -> str:
        return f"payout book, {self.what} {self.ref}: expected {self.expected_fen} fen, found {self.found_fen} fen"


def find_all() -> list[Discrepancy | RollupDiscrepancy | DanglingCopy | BookDiscrepancy]:
    """Everything `verify-ledger` and the nightly check report: the ledger, then the payout book."""
    return [*find_discrepancies(), *find_book_discrepancies()]


def find_book_discrepancies() -> list[BookDiscrepancy]:
    found: list[BookDiscrepancy] = []
    lines_sum = (
        select(StatementLine.statement_id, func.sum(StatementLine.share_fen).label("shares"))
        .group_by(StatementLine.statement_id)
        .subquery()
    )
    for number, expected, shares in db.session.execute(
        select(Statement.number, Statement.households_fen, func.coalesce(lines_sum.c.shares, 0))
        .outerjoin(lines_sum, lines_sum.c.statement_id == Statement.id)
        .where(Statement.households_fen != func.coalesce(lines_sum.c.shares, 0))
    ).all():
        found.append(BookDiscrepancy("statement households", number, int(expected), int(shares)))

    paid = select(Payout.line_id, func.sum(Payout.amount_fen).label("paid")).group_by(Payout.line_id).subquery()
    for line_id, due, total in db.session.execute(
        select(StatementLine.id, StatementLine.due_fen, paid.c.paid)
        .join(paid, paid.c.line_id == StatementLine.id)
        .where(
            (paid.c.paid < 0)
            | ((StatementLine.due_fen > 0) & (paid.c.paid > StatementLine.due_fen))
            | ((StatementLine.due_fen <= 0) & (paid.c.paid != 0))
        )
    ).all():
        found.append(BookDiscrepancy("paid out on line", str(line_id), max(int(due), 0), int(total)))

    original = aliased(Payout)
    for payout_id, amount, reversed_amount in db.session.execute(
        select(Payout.id, Payout.amount_fen, original.amount_fen)
        .join(original, original.id == Payout.reverses_id)
        .where((Payout.amount_fen != -original.amount_fen) | (Payout.line_id != original.line_id))
    ).all():
        found.append(BookDiscrepancy("reversal", str(payout_id), -int(reversed_amount), int(amount)))

    earlier = aliased(StatementLine)
    for line_id, carried, due, total in db.session.execute(
        select(StatementLine.id, StatementLine.carried_fen, earlier.due_fen, func.coalesce(paid.c.paid, 0))
        .join(earlier, earlier.id == StatementLine.carried_from_id)
        .outerjoin(paid, paid.c.line_id == earlier.id)
        .where(StatementLine.carried_fen != earlier.due_fen - func.coalesce(paid.c.paid, 0))
    ).all():
        found.append(BookDiscrepancy("carried debt on line", str(line_id), int(due) - int(total), int(carried)))
    return found
