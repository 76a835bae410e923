"""The village public notice (公示) and a household's own check.

What a notice may show, decided once here (the README explains the rule): a household's masked
name (李**), its village group (村民小组), the amount the ledger attributed to it in the month
and the amount paid out to it in the month. Never its registration number, ID number, phone,
members or address. Amounts are the ledger's and the payout book's own sums, so the notice
board and the county's reports say the same."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.clock import next_month_start
from app.domain.identity import mask_name
from app.extensions import db
from app.impact.models import LedgerMonth
from app.refusals import Missing
from app.registry.models import Household, Township, Village
from app.settlement.models import Payout
from app.settlement.refusals import SettlementError


@dataclass(frozen=True)
class NoticeRow:
    masked_name: str
    group: str
    attributed_fen: int
    paid_fen: int


@dataclass(frozen=True)
class Notice:
    village: Village
    township: Township
    month: date
    rows: list[NoticeRow]

    @property
    def attributed_fen(self) -> int:
        return sum(r.attributed_fen for r in self.rows)

    @property
    def paid_fen(self) -> int:
        return sum(r.paid_fen for r in self.rows)


def village_notice(village_id: int, month: date) -> Notice:
    village = db.session.get(Village, village_id)
    if village is None:
        raise Missing(village_id)
    month = month.replace(day=1)
    attributed = dict(
        db.session.execute(
            select(LedgerMonth.household_id, func.sum(LedgerMonth.amount_fen))
            .where(LedgerMonth.village_id == village_id, LedgerMonth.month == month, LedgerMonth.household_id != 0)
            .group_by(LedgerMonth.household_id)
        ).all()
    )
    paid = dict(
        db.session.execute(
            select(Payout.household_id, func.sum(Payout.amount_fen))
            .join(Household, Household.id == Payout.household_id)
            .where(
                Household.village_id == village_id, Payout.paid_on >= month, Payout.paid_on < next_month_start(month)
            )
            .group_by(Payout.household_id)
        ).all()
    )
    ids = sorted(h for h in attributed.keys() | paid.keys() if attributed.get(h) or paid.get(h))
    households = db.session.execute(
        select(Household.id, Household.head_name, Household.group_name).where(Household.id.in_(ids))
    ).all()
    rows = sorted(
        (
            NoticeRow(mask_name(name), group, int(attributed.get(i, 0)), int(paid.get(i, 0)))
            for i, name, group in households
        ),
        key=lambda r: (r.group, r.masked_name),
    )
    return Notice(village, village.township, month, rows)


def notice_months(village_id: int) -> list[date]:
    """Months with anything to publish for a village, newest first."""
    ledger = select(LedgerMonth.month).where(LedgerMonth.village_id == village_id, LedgerMonth.household_id != 0)
    payouts = (
        select(Payout.paid_on)
        .join(Household, Household.id == Payout.household_id)
        .where(Household.village_id == village_id)
    )
    months = set(db.session.scalars(ledger.distinct())) | {
        d.replace(day=1) for d in db.session.scalars(payouts.distinct())
    }
    return sorted(months, reverse=True)


def villages_with_notices() -> list[tuple[Township, list[Village]]]:
    villages = db.session.execute(
        select(Village, Township)
        .join(Township, Township.id == Village.township_id)
        .where(Village.id.in_(select(LedgerMonth.village_id).where(LedgerMonth.household_id != 0).distinct()))
        .order_by(Township.sort_order, Township.id, Village.id)
    ).all()
    grouped: dict[int, tuple[Township, list[Village]]] = {}
    for village, township in villages:
        grouped.setdefault(township.id, (township, []))[1].append(village)
    return list(grouped.values())


@dataclass(frozen=True)
class HouseholdCheck:
    masked_name: str
    village: str
    township: str
    months: list[tuple[date, int, int]]  # (month, attributed, paid out)

    @property
    def attributed_fen(self) -> int:
        return sum(m[1] for m in self.months)

    @property
    def paid_fen(self) -> int:
        return sum(m[2] for m in self.months)


def household_check(code: str) -> HouseholdCheck:
    """A household's own figures by month, found by the code on its payout slip."""
    household = db.session.scalar(select(Household).where(Household.check_code == code.strip().upper()))
    if household is None:
        raise SettlementError("check_code")
    attributed = dict(
        db.session.execute(
            select(LedgerMonth.month, func.sum(LedgerMonth.amount_fen))
            .where(LedgerMonth.household_id == household.id)
            .group_by(LedgerMonth.month)
        ).all()
    )
    paid: dict[date, int] = {}
    for paid_on, amount in db.session.execute(
        select(Payout.paid_on, Payout.amount_fen).where(Payout.household_id == household.id)
    ).all():
        paid[paid_on.replace(day=1)] = paid.get(paid_on.replace(day=1), 0) + amount
    months = sorted(attributed.keys() | paid.keys(), reverse=True)
    return HouseholdCheck(
        mask_name(household.head_name),
        household.village.name,
        household.village.township.name,
        [(m, int(attributed.get(m, 0)), paid.get(m, 0)) for m in months],
    )
