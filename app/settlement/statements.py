"""Building, confirming and paying producers' statements. Each function is one transaction
with its audit row.

A statement for month M covers every ledger row of its producer booked before M's end, less
what the producer's earlier statements covered. Rows booked late into a month already settled,
and refunds after a household was paid, therefore land on the next statement: nothing already
sent to a producer ever changes."""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select

from app.audit.services import Actor, record
from app.clock import county_date, next_month_start, today
from app.domain import statement_states as states
from app.extensions import db
from app.impact.models import Attribution
from app.impact.queries import day_bound
from app.models_base import utcnow
from app.settlement import balances
from app.settlement.models import Statement, StatementLine
from app.settlement.refusals import SettlementError


def build(producer_id: int, month: date, actor: Actor) -> Statement:
    """The producer's draft statement closing ``month``. Commits."""
    month = month.replace(day=1)
    end = next_month_start(month)
    if end > today():
        raise SettlementError("month_not_over", month=f"{month:%Y-%m}")
    earlier = list(
        db.session.scalars(
            select(Statement).where(Statement.producer_id == producer_id).order_by(Statement.month).with_for_update()
        )
    )
    if earlier and earlier[-1].month >= month:
        raise SettlementError("later_statement", month=f"{earlier[-1].month:%Y-%m}")
    drafts = [s for s in earlier if s.status == states.DRAFT]
    if drafts:
        raise SettlementError("draft_open", number=drafts[0].number)

    ledger = db.session.execute(
        select(Attribution.household_id, Attribution.kind, func.sum(Attribution.amount_fen))
        .where(Attribution.producer_id == producer_id, Attribution.created_at < day_bound(end))
        .group_by(Attribution.household_id, Attribution.kind)
    ).all()
    sales = sum(amount for _h, kind, amount in ledger if kind == "sale") - sum(s.sales_fen for s in earlier)
    refunds = -sum(amount for _h, kind, amount in ledger if kind != "sale") - sum(s.refunds_fen for s in earlier)
    attributed: dict[int, int] = defaultdict(int)
    for household_id, _kind, amount in ledger:
        if household_id is not None:
            attributed[household_id] += amount
    settled = balances.settled_shares(producer_id)
    shares = {h: attributed[h] - settled.get(h, 0) for h in attributed.keys() | settled.keys()}
    debts = balances.debts_to_carry(producer_id)

    households = sorted(h for h in shares.keys() | debts.keys() if shares.get(h, 0) or h in debts)
    if not households and not sales and not refunds:
        raise SettlementError("nothing_to_settle", month=f"{month:%Y-%m}")
    statement = Statement(
        number=f"JS{month:%Y%m}-{producer_id:04d}",
        producer_id=producer_id,
        month=month,
        period_from=earlier[-1].period_to + timedelta(days=1) if earlier else _first_sale_day(producer_id, month),
        period_to=end - timedelta(days=1),
        sales_fen=sales,
        refunds_fen=refunds,
        net_fen=sales - refunds,
        households_fen=sum(shares.get(h, 0) for h in households),
        created_by=actor.user_id,
    )
    for household_id in households:
        share = shares.get(household_id, 0)
        carried_from, carried = debts.get(household_id, (None, 0))
        statement.lines.append(
            StatementLine(
                household_id=household_id,
                share_fen=share,
                carried_fen=carried,
                due_fen=share + carried,
                carried_from_id=carried_from,
            )
        )
    db.session.add(statement)
    db.session.flush()
    record(
        actor,
        "build_statement",
        "statement",
        statement.number,
        after={"net_fen": statement.net_fen, "households_fen": statement.households_fen, "households": len(households)},
    )
    db.session.commit()
    return statement


def _first_sale_day(producer_id: int, month: date) -> date:
    first = db.session.scalar(select(func.min(Attribution.created_at)).where(Attribution.producer_id == producer_id))
    return min(county_date(first), month) if first else month


def delete_draft(statement: Statement, actor: Actor) -> None:
    """A draft is figures only: deleting it lets staff build it again after a correction. Commits."""
    if statement.status != states.DRAFT:
        raise SettlementError("not_draft")
    record(actor, "delete_statement", "statement", statement.number, before={"net_fen": statement.net_fen})
    db.session.delete(statement)
    db.session.commit()


def confirm(statement: Statement, actor: Actor) -> None:
    """The producer is told what it owes each household; payouts may now be recorded. Commits."""
    states.check_transition(statement.status, states.CONFIRMED)
    statement.status = states.CONFIRMED
    statement.confirmed_at = utcnow()
    record(actor, "confirm_statement", "statement", statement.number, after={"status": statement.status})
    db.session.commit()


def mark_paid(statement: Statement, bank_reference: str, paid_on: date, actor: Actor) -> None:
    """The county's transfer of the net amount to the producer went out. Commits."""
    states.check_transition(statement.status, states.PAID)
    bank_reference = bank_reference.strip()
    if not bank_reference:
        raise SettlementError("bank_reference")
    if paid_on > today() or (statement.confirmed_at and paid_on < county_date(statement.confirmed_at)):
        raise SettlementError("paid_on")
    statement.status, statement.bank_reference, statement.paid_on = states.PAID, bank_reference[:64], paid_on
    record(
        actor,
        "pay_statement",
        "statement",
        statement.number,
        after={"bank_reference": statement.bank_reference, "paid_on": paid_on, "net_fen": statement.net_fen},
    )
    db.session.commit()
