"""Read-only questions of the settlement area, each filtered through the asker's scope."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.accounts.models import User
from app.clock import county_date, today
from app.domain import roles
from app.domain import statement_states as states
from app.domain.identity import mask_name
from app.extensions import db
from app.impact.models import LedgerMonth
from app.models_base import utcnow
from app.refusals import Missing
from app.registry.models import Household, Producer, Township, Village, VillageAssignment
from app.settlement.balances import Balance, balances
from app.settlement.models import Payout, PayoutConfirmation, Statement, StatementLine
from app.settlement.scope import Scope, households_clause, statements_clause


def statements(scope: Scope, page: int, producer_id: int | None = None, per_page: int = 30) -> Pagination:
    query = (
        select(Statement)
        .options(joinedload(Statement.producer))
        .where(statements_clause(scope, Statement.producer_id))
        .order_by(Statement.month.desc(), Statement.id.desc())
    )
    if producer_id is not None:
        query = query.where(Statement.producer_id == producer_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


@dataclass(frozen=True)
class LineView:
    line: StatementLine
    name: str  # full for staff and administrators, masked for a producer
    village: str
    balance: Balance
    overdue: bool

    @property
    def owed_days(self) -> int | None:
        return owed_days(self.line.statement, self.balance)


def owed_days(statement: Statement, balance: Balance) -> int | None:
    """For how many county days a line has been owed since its statement was confirmed."""
    if statement.confirmed_at is None or balance.outstanding_fen <= 0:
        return None
    return (today() - county_date(statement.confirmed_at)).days


def _overdue(statement: Statement, balance: Balance, due_days: int, now: datetime) -> bool:
    confirmed = statement.confirmed_at
    if confirmed is None or balance.outstanding_fen <= 0:
        return False
    if confirmed.tzinfo is None:
        now = now.replace(tzinfo=None)
    return confirmed + timedelta(days=due_days) < now


def statement_with_lines(statement_id: int, scope: Scope, due_days: int) -> tuple[Statement, list[LineView]]:
    statement = db.session.scalar(
        select(Statement)
        .options(
            joinedload(Statement.producer),
            selectinload(Statement.lines).joinedload(StatementLine.household).joinedload(Household.village),
        )
        .where(Statement.id == statement_id, statements_clause(scope, Statement.producer_id))
    )
    if statement is None:
        raise Missing(statement_id)
    owed = balances(statement.lines)
    now = utcnow()
    return statement, [
        LineView(
            line,
            line.household.head_name if scope.everything else mask_name(line.household.head_name),
            line.household.village.name,
            owed[line.id],
            _overdue(statement, owed[line.id], due_days, now),
        )
        for line in statement.lines
    ]


def statement_for(statement_id: int, scope: Scope) -> Statement:
    statement = db.session.scalar(
        select(Statement).where(Statement.id == statement_id, statements_clause(scope, Statement.producer_id))
    )
    if statement is None:
        raise Missing(statement_id)
    return statement


@dataclass(frozen=True)
class HouseholdLine:
    line: StatementLine
    statement: Statement
    balance: Balance
    overdue: bool
    payouts: list[tuple[Payout, PayoutConfirmation | None]]

    @property
    def owed_days(self) -> int | None:
        return owed_days(self.statement, self.balance)


def household_lines(household: Household, due_days: int) -> list[HouseholdLine]:
    """Every payable statement line of a household, newest first, with its payouts and confirmations."""
    return _with_payouts(
        list(
            db.session.scalars(
                select(StatementLine)
                .join(Statement, Statement.id == StatementLine.statement_id)
                .options(joinedload(StatementLine.statement).joinedload(Statement.producer))
                .where(StatementLine.household_id == household.id, Statement.status.in_(states.PAYABLE))
                .order_by(Statement.month.desc(), StatementLine.id.desc())
            )
        ),
        due_days,
    )


@dataclass(frozen=True)
class LinePage:
    detail: HouseholdLine
    name: str
    village: str
    group: str
    check_code: str
    sees_personal_data: bool

    @property
    def balance(self) -> Balance:
        return self.detail.balance


def line_view(line_id: int, scope: Scope, due_days: int) -> LinePage:
    """One line with its payouts, for whoever may pay its household (404 for anyone else)."""
    found = db.session.execute(
        select(StatementLine, Household)
        .join(Household, Household.id == StatementLine.household_id)
        .join(Statement, Statement.id == StatementLine.statement_id)
        .options(joinedload(StatementLine.statement).joinedload(Statement.producer), joinedload(Household.village))
        .where(StatementLine.id == line_id, households_clause(scope, Statement.producer_id))
    ).first()
    if found is None:
        raise Missing(line_id)
    line, household = found
    personal = scope.everything or household.village_id in scope.village_ids
    return LinePage(
        _with_payouts([line], due_days)[0],
        household.head_name if personal else mask_name(household.head_name),
        household.village.name,
        household.group_name,
        household.check_code,
        personal,
    )


def payout_line(payout_id: int, scope: Scope) -> int:
    """The line a payout was made on, if the asker may see it."""
    line_id = db.session.scalar(
        select(Payout.line_id)
        .join(StatementLine, StatementLine.id == Payout.line_id)
        .join(Statement, Statement.id == StatementLine.statement_id)
        .join(Household, Household.id == Payout.household_id)
        .where(Payout.id == payout_id, households_clause(scope, Statement.producer_id))
    )
    if line_id is None:
        raise Missing(payout_id)
    return line_id


def receipt_key(payout_id: int, scope: Scope) -> str:
    line_id = payout_line(payout_id, scope)
    key = db.session.scalar(select(Payout.receipt_key).where(Payout.id == payout_id, Payout.line_id == line_id))
    if not key:
        raise Missing(payout_id)
    return key


def _with_payouts(lines: list[StatementLine], due_days: int) -> list[HouseholdLine]:
    owed = balances(lines)
    payouts = db.session.execute(
        select(Payout, PayoutConfirmation)
        .outerjoin(PayoutConfirmation, PayoutConfirmation.payout_id == Payout.id)
        .where(Payout.line_id.in_([line.id for line in lines]))
        .order_by(Payout.id)
    ).all()
    by_line: dict[int, list[tuple[Payout, PayoutConfirmation | None]]] = {}
    for payout, confirmation in payouts:
        by_line.setdefault(payout.line_id, []).append((payout, confirmation))
    now = utcnow()
    return [
        HouseholdLine(
            line,
            line.statement,
            owed[line.id],
            _overdue(line.statement, owed[line.id], due_days, now),
            by_line.get(line.id, []),
        )
        for line in lines
    ]


def _overdue_before(due_days: int) -> datetime:
    """Lines of statements confirmed before this moment and still owed are overdue."""
    cutoff = utcnow() - timedelta(days=due_days)
    # SQLite keeps naive UTC.
    return cutoff.replace(tzinfo=None) if db.engine.dialect.name == "sqlite" else cutoff


def _line_balances() -> Select:
    """Each payable line's outstanding amount, as a subquery: due less payouts less a debt carried on."""
    paid = select(Payout.line_id, func.sum(Payout.amount_fen).label("paid")).group_by(Payout.line_id).subquery()
    later = aliased(StatementLine)
    return (
        select(
            StatementLine.id.label("line_id"),
            StatementLine.household_id,
            StatementLine.share_fen,
            Statement.producer_id,
            Statement.confirmed_at,
            func.coalesce(paid.c.paid, 0).label("paid"),
            (StatementLine.due_fen - func.coalesce(paid.c.paid, 0) - func.coalesce(later.carried_fen, 0)).label(
                "outstanding"
            ),
        )
        .join(Statement, Statement.id == StatementLine.statement_id)
        .outerjoin(paid, paid.c.line_id == StatementLine.id)
        .outerjoin(later, later.carried_from_id == StatementLine.id)
        .where(Statement.status.in_(states.PAYABLE))
    )


@dataclass(frozen=True)
class Reconciled:
    key: int
    label: str
    attributed_fen: int  # the ledger, all time
    settled_fen: int  # on confirmed statements
    paid_fen: int  # reached the household
    owed_fen: int  # still to pay out (positive balances)
    overdue_fen: int
    debt_fen: int  # refunds after payout, to be carried to the next statement

    @property
    def unsettled_fen(self) -> int:
        return self.attributed_fen - self.settled_fen


LEVELS = ("village", "producer", "household")


def reconciliation(level: str, scope: Scope, due_days: int, township_id: int | None = None) -> list[Reconciled]:
    """Attributed against settled against paid out, by village, producer or household."""
    lines = _line_balances().subquery()
    cutoff = _overdue_before(due_days)
    key_of_ledger = {
        "village": LedgerMonth.village_id,
        "producer": LedgerMonth.producer_id,
        "household": LedgerMonth.household_id,
    }[level]
    key_of_line = {"village": Household.village_id, "producer": lines.c.producer_id, "household": Household.id}[level]
    ledger_where = [LedgerMonth.household_id != 0]
    lines_where = [households_clause(scope, lines.c.producer_id)]
    if scope.village_ids:
        ledger_where.append(LedgerMonth.village_id.in_(sorted(scope.village_ids)))
    elif not scope.everything:
        ledger_where.append(LedgerMonth.producer_id == (scope.producer_id or -1))
    if township_id is not None:
        ledger_where.append(LedgerMonth.township_id == township_id)
        lines_where.append(Village.township_id == township_id)
    attributed = dict(
        db.session.execute(
            select(key_of_ledger, func.sum(LedgerMonth.amount_fen)).where(*ledger_where).group_by(key_of_ledger)
        ).all()
    )
    positive = case((lines.c.outstanding > 0, lines.c.outstanding), else_=0)
    settled = {
        row.key: row
        for row in db.session.execute(
            select(
                key_of_line.label("key"),
                func.sum(lines.c.share_fen).label("settled"),
                func.sum(lines.c.paid).label("paid"),
                func.sum(positive).label("owed"),
                func.sum(case((lines.c.confirmed_at < cutoff, positive), else_=0)).label("overdue"),
                func.sum(case((lines.c.outstanding < 0, lines.c.outstanding), else_=0)).label("debt"),
            )
            .select_from(lines)
            .join(Household, Household.id == lines.c.household_id)
            .join(Village, Village.id == Household.village_id)
            .where(*lines_where)
            .group_by(key_of_line)
        ).all()
    }
    keys = sorted(attributed.keys() | settled.keys())
    labels = _labels(level, keys, scope)
    zero = (0, 0, 0, 0, 0)
    return [
        Reconciled(
            key,
            labels.get(key, "—"),
            int(attributed.get(key, 0)),
            *(
                int(v or 0)
                for v in (
                    (
                        settled[key].settled,
                        settled[key].paid,
                        settled[key].owed,
                        settled[key].overdue,
                        settled[key].debt,
                    )
                    if key in settled
                    else zero
                )
            ),
        )
        for key in keys
    ]


def _labels(level: str, keys: list[int], scope: Scope) -> dict[int, str]:
    if not keys:
        return {}
    if level == "producer":
        return dict(db.session.execute(select(Producer.id, Producer.name).where(Producer.id.in_(keys))).all())
    if level == "village":
        return {
            i: f"{township} · {village}"
            for i, village, township in db.session.execute(
                select(Village.id, Village.name, Township.name)
                .join(Township, Township.id == Village.township_id)
                .where(Village.id.in_(keys))
            ).all()
        }
    return {
        i: f"{name if scope.sees_personal_data else mask_name(name)} · {village}"
        for i, name, village in db.session.execute(
            select(Household.id, Household.head_name, Village.name)
            .join(Village, Village.id == Household.village_id)
            .where(Household.id.in_(keys))
        ).all()
    }


@dataclass(frozen=True)
class VillageHousehold:
    household: Household
    owed_fen: int
    overdue: bool
    owed_since: datetime | None  # the oldest confirmation among what is still owed

    @property
    def owed_days(self) -> int | None:
        return None if self.owed_since is None else (today() - county_date(self.owed_since)).days


def villages_households(scope: Scope, due_days: int) -> list[tuple[Village, list[VillageHousehold]]]:
    """An administrator's villages, each with its households that ever had a statement line,
    those still owed money first."""
    villages = list(
        db.session.scalars(
            select(Village)
            .options(joinedload(Village.township))
            .where(Village.id.in_(sorted(scope.village_ids)))
            .order_by(Village.id)
        )
    )
    lines = _line_balances().subquery()
    cutoff = _overdue_before(due_days)
    positive = case((lines.c.outstanding > 0, lines.c.outstanding), else_=0)
    rows = db.session.execute(
        select(
            Household,
            func.sum(positive).label("owed"),
            func.sum(case((lines.c.confirmed_at < cutoff, positive), else_=0)).label("overdue"),
            func.min(case((lines.c.outstanding > 0, lines.c.confirmed_at), else_=None)).label("owed_since"),
        )
        .join(lines, lines.c.household_id == Household.id)
        .where(Household.village_id.in_(sorted(scope.village_ids)))
        .group_by(Household.id)
    ).all()
    by_village: dict[int, list[VillageHousehold]] = {v.id: [] for v in villages}
    for household, owed, overdue, since in rows:
        by_village[household.village_id].append(VillageHousehold(household, int(owed or 0), bool(overdue), since))
    for households in by_village.values():
        households.sort(key=lambda h: (-h.owed_fen, h.household.group_name, h.household.id))
    return [(v, by_village[v.id]) for v in villages]


@dataclass(frozen=True)
class OverdueLine:
    statement_number: str
    producer_id: int
    village_id: int
    masked_name: str
    outstanding_fen: int
    confirmed_on: date


def overdue_lines(due_days: int) -> list[OverdueLine]:
    """Lines still owed past the due days, oldest first: the daily reminder's list."""
    lines = _line_balances().subquery()
    cutoff = _overdue_before(due_days)
    rows = db.session.execute(
        select(
            Statement.number,
            Statement.producer_id,
            Household.village_id,
            Household.head_name,
            lines.c.outstanding,
            lines.c.confirmed_at,
        )
        .select_from(lines)
        .join(StatementLine, StatementLine.id == lines.c.line_id)
        .join(Statement, Statement.id == StatementLine.statement_id)
        .join(Household, Household.id == lines.c.household_id)
        .where(lines.c.outstanding > 0, lines.c.confirmed_at < cutoff)
        .order_by(lines.c.confirmed_at, Statement.number, Household.id)
    ).all()
    return [
        OverdueLine(number, producer_id, village_id, mask_name(name), int(outstanding), county_date(confirmed))
        for number, producer_id, village_id, name, outstanding, confirmed in rows
    ]


def users_of(role: str) -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == role, User.active.is_(True))))


def producer_options() -> list[tuple[int, str]]:
    return [(i, name) for i, name in db.session.execute(select(Producer.id, Producer.name).order_by(Producer.name))]


def township_options() -> list[tuple[int, str]]:
    return [
        (i, name)
        for i, name in db.session.execute(select(Township.id, Township.name).order_by(Township.sort_order, Township.id))
    ]


def village_options() -> list[tuple[int, str]]:
    return [
        (i, f"{t} · {v}")
        for i, v, t in db.session.execute(
            select(Village.id, Village.name, Township.name)
            .join(Township, Township.id == Village.township_id)
            .order_by(Township.sort_order, Township.id, Village.id)
        ).all()
    ]


def administrators() -> list[tuple[User, list[Village]]]:
    """Every village administrator with their villages, for the staff page."""
    rows = db.session.execute(
        select(User, Village)
        .join(VillageAssignment, VillageAssignment.user_id == User.id)
        .join(Village, Village.id == VillageAssignment.village_id)
        .where(User.role == roles.VILLAGE_ADMIN)
        .order_by(User.name, User.id, Village.id)
    ).all()
    grouped: dict[int, tuple[User, list[Village]]] = {}
    for user, village in rows:
        grouped.setdefault(user.id, (user, []))[1].append(village)
    return list(grouped.values())


def producer_accounts() -> list[tuple[User, Producer]]:
    return [
        (user, producer)
        for user, producer in db.session.execute(
            select(User, Producer).join(Producer, Producer.id == User.producer_id).order_by(Producer.name, User.id)
        )
    ]


def paid_out_total() -> int:
    """Everything the payout book says reached households (reversals netted), for public pages."""
    return int(db.session.scalar(select(func.coalesce(func.sum(Payout.amount_fen), 0))) or 0)
