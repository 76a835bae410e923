"""Impact reports: read the attribution ledger and the order-line snapshots only, never the
live catalogue or today's benefit rules, so every figure reconciles to paid sales minus refunds.

The report query is kept apart from its HTML, chart and spreadsheet formatters.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import CompoundSelect, Select, case, func, null, or_, select, union_all

from app.bulk.models import PurchaseIntent, SupportingUnit
from app.catalog.models import Product
from app.clock import month_start, next_month_start
from app.domain.identity import mask_name
from app.events.models import Event
from app.extensions import db
from app.impact.models import ROLLUP_DIMENSIONS, Attribution, LedgerDay, LedgerMonth
from app.impact.queries import day_bound
from app.orders.models import Order, OrderLine
from app.pos.models import Booth, BoothSale
from app.registry.models import Household, Producer, Township, Village
from app.trace.models import Lot

CHANNELS = ("online", "intent", "booth")


@dataclass(frozen=True)
class ReportFilters:
    start: date | None = None  # inclusive, county calendar
    end: date | None = None  # inclusive
    township_id: int | None = None
    village_id: int | None = None
    producer_id: int | None = None
    channel: str | None = None
    event_id: int | None = None

    def as_query(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_query(cls, values: dict) -> "ReportFilters":
        """The filters ``as_query`` wrote out (an export job's parameters)."""
        return cls(**{k: date.fromisoformat(v) if k in ("start", "end") else v for k, v in values.items()})  # type: ignore[arg-type]  # the keys are our own fields


@dataclass(frozen=True)
class ReportRow:
    key: object
    label: str
    sales_fen: int
    attributed_fen: int
    certified_fen: int
    households: int
    household_times: int
    people: int
    villages: int

    @property
    def uncertified_fen(self) -> int:
        return self.sales_fen - self.certified_fen


@dataclass(frozen=True)
class Report:
    dimension: str
    filters: ReportFilters
    rows: list[ReportRow]
    total: ReportRow


def ledger_filter_clauses(filters: ReportFilters) -> list:
    """WHERE clauses on the ledger for a set of report filters."""
    clauses = []
    if filters.start:
        clauses.append(Attribution.created_at >= day_bound(filters.start))
    if filters.end:
        clauses.append(Attribution.created_at < day_bound(filters.end + timedelta(days=1)))
    for column, value in (
        (Attribution.township_id, filters.township_id),
        (Attribution.village_id, filters.village_id),
        (Attribution.producer_id, filters.producer_id),
        (Attribution.channel, filters.channel),
        (Attribution.event_id, filters.event_id),
    ):
        if value is not None:
            clauses.append(column == value)
    return clauses


def _dimension_clauses(rollup, filters: ReportFilters) -> list:
    return [
        column == value
        for column, value in (
            (rollup.township_id, filters.township_id),
            (rollup.village_id, filters.village_id),
            (rollup.producer_id, filters.producer_id),
            (rollup.channel, filters.channel),
            (rollup.event_id, filters.event_id),
        )
        if value is not None
    ]


_COLUMNS = (*ROLLUP_DIMENSIONS, "amount_fen", "pairs")


def _rolled_up(filters: ReportFilters):
    """The roll-up rows these filters select, as a subquery with a ``day`` column: whole months
    from the monthly roll-up (``day`` is then the month's first day) and, from the daily one,
    only the days of months the dates cut into. A report without dates reads months alone."""
    first_whole = filters.start and (filters.start if filters.start.day == 1 else next_month_start(filters.start))
    past_whole = filters.end and month_start(filters.end + timedelta(days=1))
    monthly = select(LedgerMonth.month.label("day"), *(getattr(LedgerMonth, c) for c in _COLUMNS)).where(
        *_dimension_clauses(LedgerMonth, filters),
        *_between(LedgerMonth.month, first_whole, past_whole and past_whole - timedelta(days=1)),
    )
    if not (filters.start or filters.end):
        return monthly.subquery("rolled_up")
    daily = select(LedgerDay.day, *(getattr(LedgerDay, c) for c in _COLUMNS)).where(
        *_dimension_clauses(LedgerDay, filters), *_between(LedgerDay.day, filters.start, filters.end)
    )
    if first_whole and past_whole and first_whole >= past_whole:
        return daily.subquery("rolled_up")  # the dates cover no whole month
    outside_whole_months = or_(
        *([LedgerDay.day < first_whole] if first_whole else []), *([LedgerDay.day >= past_whole] if past_whole else [])
    )
    return union_all(monthly, daily.where(outside_whole_months)).subquery("rolled_up")


def _between(column, first: date | None, last: date | None) -> list:
    return [*([column >= first] if first else []), *([column <= last] if last else [])]


def _month_of(day):
    if db.engine.dialect.name == "postgresql":
        return func.to_char(day, "YYYY-MM")
    return func.strftime("%Y-%m", day)


def _from_ledger(filters: ReportFilters):
    """The ledger rows these filters select, summed per order line and household, with the booth,
    supporting unit and lot each sale came from: cuts the roll-ups do not keep. Each row is one
    户次 when money is left in it, as in the roll-ups."""
    household = func.coalesce(Attribution.household_id, 0)
    amount = func.sum(Attribution.amount_fen)
    return (
        joined_to_sources(
            select(
                household.label("household_id"),
                OrderLine.certified.label("certified"),
                amount.label("amount_fen"),
                case(((household != 0) & (amount > 0), 1), else_=0).label("pairs"),
                func.coalesce(BoothSale.booth_id, 0).label("booth_id"),
                func.coalesce(PurchaseIntent.unit_id, 0).label("unit_id"),
                func.coalesce(Lot.code, "").label("lot"),
            )
            .join(OrderLine, OrderLine.id == Attribution.order_line_id)
            .join(Order, Order.id == Attribution.order_id)
            .where(*ledger_filter_clauses(filters))
        )
        .group_by(
            Attribution.order_line_id,
            Attribution.household_id,
            OrderLine.certified,
            BoothSale.booth_id,
            PurchaseIntent.unit_id,
            Lot.code,
        )
        .subquery("from_ledger")
    )


def joined_to_sources(query):
    """A ledger query (already joined to its order and line) joined to where each sale came from:
    its booth sale, the contract it delivered and the lot of its box."""
    return (
        query.outerjoin(BoothSale, BoothSale.order_id == Attribution.order_id)
        .outerjoin(PurchaseIntent, PurchaseIntent.id == Order.purchase_intent_id)
        .outerjoin(Lot, Lot.id == OrderLine.lot_id)
    )


# Cut from the ledger itself (slower than the roll-ups, which do not keep these keys).
LEDGER_DIMENSIONS = ("booth", "unit", "lot")

DIMENSIONS = {
    "township": lambda rows: rows.c.township_id,
    "village": lambda rows: rows.c.village_id,
    "household": lambda rows: rows.c.household_id,
    "producer": lambda rows: rows.c.producer_id,
    "product": lambda rows: rows.c.product_id,
    "channel": lambda rows: rows.c.channel,
    "event": lambda rows: rows.c.event_id,
    "month": lambda rows: _month_of(rows.c.day),
    "booth": lambda rows: rows.c.booth_id,
    "unit": lambda rows: rows.c.unit_id,
    "lot": lambda rows: rows.c.lot,
}


def build_report(dimension: str, filters: ReportFilters, staff: bool = False) -> Report:
    """Sales, amount reaching households, households, 户次 and people, grouped by ``dimension``."""
    return build_reports((dimension,), filters, staff)[0]


def _row_order(dimension: str):
    """Months in calendar order; any other grouping by money, largest first."""
    if dimension == "month":
        return lambda row: (row.key, str(row.label))
    return lambda row: (-row.sales_fen, str(row.label))


def build_reports(dimensions: tuple[str, ...], filters: ReportFilters, staff: bool = False) -> list[Report]:
    """The same filtered figures grouped several ways. Their totals row is the same for all of
    them, so it is read once: its money adds up from any grouping (every roll-up row falls in
    exactly one group), and the households reached come with the first grouping's count."""
    for dimension in dimensions:
        if dimension not in DIMENSIONS or (dimension == "household" and not staff):
            raise ValueError(f"unknown report dimension {dimension!r}")
    # Only the first grouping also counts the households reached overall: the total is shared.
    grouped = [_figures(dimension, filters, with_total=index == 0) for index, dimension in enumerate(dimensions)]
    first, overall = grouped[0]
    if overall is None:
        raise RuntimeError("the first grouping carries the overall counts")
    households, people, villages = overall
    total = ReportRow(
        "all",
        "合计",
        sum(r["sales"] for r in first),
        sum(r["attributed"] for r in first),
        sum(r["certified"] for r in first),
        households,
        sum(r["times"] for r in first),
        people,
        villages,
    )
    reports = []
    for dimension, (rows, _overall) in zip(dimensions, grouped, strict=False):
        labels = _labels(dimension, [r["key"] for r in rows], staff)
        report_rows = sorted((_row(r, labels.get(r["key"], str(r["key"]))) for r in rows), key=_row_order(dimension))
        reports.append(Report(dimension, filters, report_rows, total))
    return reports


@dataclass(frozen=True)
class SalesPoint:
    label: str
    sales_fen: int


def sales_by(dimension: str, filters: ReportFilters) -> list[SalesPoint]:
    """Sales alone, grouped by ``dimension``: what the charts draw, without the households
    reached (the costliest figure to count)."""
    if dimension not in DIMENSIONS or dimension == "household" or dimension in LEDGER_DIMENSIONS:
        raise ValueError(f"unknown chart dimension {dimension!r}")
    rows = _rolled_up(filters)
    if dimension == "month":
        # Days first, then months: the month's text is computed once per day rather than once
        # per roll-up row (the county's monthly chart: 365 ms -> 134 ms on PostgreSQL).
        daily = select(rows.c.day, func.sum(rows.c.amount_fen).label("fen")).group_by(rows.c.day).subquery()
        key = _month_of(daily.c.day)
        query = select(key, func.sum(daily.c.fen)).group_by(key)
    else:
        key = DIMENSIONS[dimension](rows)
        query = select(key, func.sum(rows.c.amount_fen)).group_by(key)
    rows = db.session.execute(query).all()
    labels = _labels(dimension, [k for k, _s in rows], staff=False)
    rows = sorted(rows, key=lambda r: (r[0] if dimension == "month" else -(r[1] or 0), str(labels.get(r[0], r[0]))))
    return [SalesPoint(labels.get(k, str(k)), int(s or 0)) for k, s in rows]


def _figures(
    dimension: str, filters: ReportFilters, with_total: bool
) -> tuple[list[dict], tuple[int, int, int] | None]:
    """Each group's figures, and (``with_total``) the households, people and villages reached by
    all groups together, from one pass over the roll-up.

    The roll-up is first summed per household and group (a few thousand rows however many
    days it holds); money, 户次 and the households reached are all read from that. A household
    counts where its net share is positive (a refunded sale reached nobody), once in the total
    even when it is in several groups; people and villages are those households' own."""
    rows = _from_ledger(filters) if dimension in LEDGER_DIMENSIONS else _rolled_up(filters)
    key = DIMENSIONS[dimension](rows)
    base = (
        select(
            key.label("k"),
            rows.c.household_id.label("household_id"),
            func.sum(rows.c.amount_fen).label("fen"),
            func.sum(case((rows.c.certified.is_(True), rows.c.amount_fen), else_=0)).label("certified"),
            func.sum(rows.c.pairs).label("pairs"),
        )
        # Household first: SQLite otherwise walks the township index and fetches every row by it.
        .group_by(rows.c.household_id, key)
        .cte("base")
    )
    # The households are joined once, for the groups and the total alike (a hash join; the
    # total's own index lookups, one per household reached, cost a province's report 140 ms).
    joined = (
        select(base, Household.id.label("reached_id"), Household.members, Household.village_id)
        .outerjoin(Household, (Household.id == base.c.household_id) & (base.c.household_id != 0))
        .cte("joined")
    )
    household = joined.c.household_id != 0
    # Only households with money left in this group count here: the others reached nobody here.
    here = household & (joined.c.fen > 0)
    statement: Select | CompoundSelect = select(
        joined.c.k,
        func.sum(joined.c.fen),
        func.sum(case((household, joined.c.fen), else_=0)),
        func.sum(joined.c.certified),
        func.sum(case((household, joined.c.pairs), else_=0)),
        func.count(case((here, joined.c.reached_id))),
        func.sum(case((here, joined.c.members))),
        func.count(func.distinct(case((here, joined.c.village_id)))),
    ).group_by(joined.c.k)
    if with_total:
        anywhere = (
            select(
                func.max(joined.c.reached_id).label("reached_id"),
                func.max(joined.c.members).label("members"),
                func.max(joined.c.village_id).label("village_id"),
            )
            .where(household)
            .group_by(joined.c.household_id)
            .having(func.sum(joined.c.fen) > 0)
            .subquery()
        )
        # The total comes back as the group without a key (no grouping has a NULL key).
        statement = union_all(
            statement,
            select(
                null(),
                null(),
                null(),
                null(),
                null(),
                func.count(anywhere.c.reached_id),
                func.sum(anywhere.c.members),
                func.count(func.distinct(anywhere.c.village_id)),
            ),
        )
    rows, overall = [], None
    for k, sales, attributed, certified, times, households, people, villages in db.session.execute(statement):
        if k is None:
            overall = (households, int(people or 0), villages)
            continue
        rows.append(
            dict(
                key=k,
                sales=int(sales or 0),
                attributed=int(attributed or 0),
                certified=int(certified or 0),
                times=int(times or 0),
                households=households,
                people=int(people or 0),
                villages=villages,
            )
        )
    return rows, overall


def _row(figures: dict, label: str) -> ReportRow:
    return ReportRow(
        figures["key"],
        label,
        figures["sales"],
        figures["attributed"],
        figures["certified"],
        figures["households"],
        figures["times"],
        figures["people"],
        figures["villages"],
    )


def _labels(dimension: str, keys: list, staff: bool) -> dict:
    ids = [k for k in keys if k is not None]
    if dimension == "township":
        return dict(db.session.execute(select(Township.id, Township.name).where(Township.id.in_(ids))).all())
    if dimension == "village":
        return {
            i: f"{t} {v}"
            for i, v, t in db.session.execute(
                select(Village.id, Village.name, Township.name).join(Township).where(Village.id.in_(ids))
            ).all()
        }
    if dimension == "household":
        rows = db.session.execute(
            select(Household.id, Household.registration_no, Household.head_name).where(Household.id.in_(ids))
        ).all()
        # Reports show the registration number and a masked name; full names stay on the registry pages.
        labels = {i: f"{reg} {mask_name(name)}" for i, reg, name in rows}
        labels[0] = "（未登记带贫关系的销售）"
        return labels
    if dimension == "producer":
        return dict(db.session.execute(select(Producer.id, Producer.name).where(Producer.id.in_(ids))).all())
    if dimension == "product":
        # Today's catalogue name, as the warnings about events show it (a renamed product is one row).
        return dict(db.session.execute(select(Product.id, Product.name).where(Product.id.in_(ids))).all())
    if dimension == "event":
        labels = dict(db.session.execute(select(Event.id, Event.name).where(Event.id.in_(ids))).all())
        labels[0] = "（非活动销售）"
        return labels
    if dimension == "channel":
        return {"online": "线上商城", "intent": "单位采购", "booth": "展销展位"}
    if dimension == "booth":
        labels = {
            i: f"{name}（{code}）"
            for i, code, name in db.session.execute(
                select(Booth.id, Booth.code, Booth.name).where(Booth.id.in_(ids))
            ).all()
        }
        labels[0] = "（非展位销售）"
        return labels
    if dimension == "unit":
        labels = dict(
            db.session.execute(select(SupportingUnit.id, SupportingUnit.name).where(SupportingUnit.id.in_(ids))).all()
        )
        labels[0] = "（非单位采购）"
        return labels
    if dimension == "lot":
        return {**{k: k for k in ids if k}, "": "（未登记批次）"}
    return {}


def uncertified_event_warnings(filters: ReportFilters) -> list[str]:
    """Products sold under an event without a valid certification at the time of sale.

    Asked for only by the staff pages that show it, not by every report (the public page
    and the board build three reports per request)."""
    # event_id > 0 rather than != 0 ("no event"): a range the partial index on uncertified rows can scan.
    sold = (
        select(LedgerDay.event_id, LedgerDay.product_id, func.sum(LedgerDay.amount_fen).label("fen"))
        .where(
            LedgerDay.certified.is_(False),
            LedgerDay.event_id > 0,
            *_dimension_clauses(LedgerDay, filters),
            *_between(LedgerDay.day, filters.start, filters.end),
        )
        .group_by(LedgerDay.event_id, LedgerDay.product_id)
        .having(func.sum(LedgerDay.amount_fen) != 0)
        .subquery()
    )
    rows = db.session.execute(
        select(Event.name, Product.name, sold.c.fen)
        .join(Event, Event.id == sold.c.event_id)
        .join(Product, Product.id == sold.c.product_id)
        .order_by(Event.name, Product.name)
    ).all()
    return [
        f"{event}：{product} 销售时没有有效的扶贫产品认定（¥{amount / 100:,.2f}）" for event, product, amount in rows
    ]


def delivery_fees(filters: ReportFilters) -> int | None:
    """The delivery fees buyers paid with the goods, for staff to see apart: they are never
    attributed to households, so no report row counts them. Fees belong to whole orders, so
    there is no figure when a filter cuts by township, village or producer."""
    if filters.township_id or filters.village_id or filters.producer_id:
        return None
    clauses = [Order.paid_fen > 0]
    if filters.start:
        clauses.append(Order.paid_at >= day_bound(filters.start))
    if filters.end:
        clauses.append(Order.paid_at < day_bound(filters.end + timedelta(days=1)))
    if filters.channel:
        clauses.append(Order.channel == filters.channel)
    if filters.event_id:
        clauses.append(Order.event_id == filters.event_id)
    return int(db.session.scalar(select(func.coalesce(func.sum(Order.shipping_fen), 0)).where(*clauses)) or 0)
