"""Impact reports: read the attribution ledger and the order-line snapshots only, never the
live catalogue or today's benefit rules, so every figure reconciles to paid sales minus refunds.

The report query is kept apart from its HTML, chart and spreadsheet formatters.
"""
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import case, func, literal, select

from app.clock import COUNTY_TZ
from app.domain.identity import mask_name
from app.events.models import Event
from app.extensions import db
from app.impact.models import Attribution
from app.orders.models import OrderLine
from app.registry.models import Household, Producer, Township, Village

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
    warnings: list[str] = field(default_factory=list)


def _bound(day: date, next_day: bool = False) -> datetime:
    moment = datetime.combine(day + timedelta(days=1) if next_day else day, time.min, COUNTY_TZ)
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if db.engine.dialect.name == "sqlite" else moment


def ledger_filter_clauses(filters: ReportFilters) -> list:
    """WHERE clauses on the ledger for a set of report filters."""
    clauses = []
    if filters.start:
        clauses.append(Attribution.created_at >= _bound(filters.start))
    if filters.end:
        clauses.append(Attribution.created_at < _bound(filters.end, next_day=True))
    for column, value in ((Attribution.township_id, filters.township_id), (Attribution.village_id, filters.village_id),
                          (Attribution.producer_id, filters.producer_id), (Attribution.channel, filters.channel),
                          (Attribution.event_id, filters.event_id)):
        if value is not None:
            clauses.append(column == value)
    return clauses


def _month_key():
    if db.engine.dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", Attribution.created_at), "YYYY-MM")
    # SQLite stores UTC; +8 hours gives the county's calendar month.
    return func.strftime("%Y-%m", Attribution.created_at, "+8 hours")


DIMENSIONS = {
    "township": lambda: Attribution.township_id,
    "village": lambda: Attribution.village_id,
    "household": lambda: Attribution.household_id,
    "producer": lambda: Attribution.producer_id,
    "product": lambda: OrderLine.product_id,
    "channel": lambda: Attribution.channel,
    "event": lambda: Attribution.event_id,
    "month": _month_key,
}
PUBLIC_DIMENSIONS = ("township", "village", "producer", "product", "channel", "event", "month")


def build_report(dimension: str, filters: ReportFilters, staff: bool = False) -> Report:
    """Sales, amount reaching households, households, 户次 and people, grouped by ``dimension``."""
    if dimension not in DIMENSIONS or (dimension == "household" and not staff):
        raise ValueError(f"unknown report dimension {dimension!r}")
    rows = _figures(DIMENSIONS[dimension](), filters)
    total = _figures(literal("all"), filters)
    labels = _labels(dimension, [r["key"] for r in rows], staff)
    report_rows = sorted((_row(r, labels.get(r["key"], str(r["key"]))) for r in rows),
                         key=lambda r: (r.key if dimension == "month" else -r.sales_fen, str(r.label)))
    empty = ReportRow("all", "合计", 0, 0, 0, 0, 0, 0, 0)
    return Report(dimension, filters, report_rows, _row(total[0], "合计") if total else empty,
                  uncertified_event_warnings(filters))


def _figures(key, filters: ReportFilters) -> list[dict]:
    # Level 1: net per (group, order, household); level 2 sums money and counts 户次;
    # a separate pass counts distinct households and their people per group.
    per_pair = (
        select(key.label("k"), Attribution.order_id, Attribution.household_id, Attribution.village_id,
               func.sum(Attribution.amount_fen).label("net"),
               func.sum(case((OrderLine.certified.is_(True), Attribution.amount_fen), else_=0)).label("cert"))
        .join(OrderLine, OrderLine.id == Attribution.order_line_id)
        .where(*ledger_filter_clauses(filters))
        .group_by(key, Attribution.order_id, Attribution.household_id, Attribution.village_id)
        .subquery()
    )
    reached = (per_pair.c.household_id.is_not(None)) & (per_pair.c.net > 0)
    money = db.session.execute(
        select(per_pair.c.k, func.sum(per_pair.c.net), func.sum(case((per_pair.c.household_id.is_not(None), per_pair.c.net), else_=0)),
               func.sum(per_pair.c.cert), func.sum(case((reached, 1), else_=0)),
               func.count(func.distinct(case((reached, per_pair.c.village_id)))))
        .group_by(per_pair.c.k)
    ).all()
    per_household = (
        select(per_pair.c.k, per_pair.c.household_id)
        .where(per_pair.c.household_id.is_not(None))
        .group_by(per_pair.c.k, per_pair.c.household_id)
        .having(func.sum(per_pair.c.net) > 0)
        .subquery()
    )
    people = dict((k, (n, p)) for k, n, p in db.session.execute(
        select(per_household.c.k, func.count(), func.sum(Household.members))
        .join(Household, Household.id == per_household.c.household_id)
        .group_by(per_household.c.k)
    ).all())
    return [dict(key=k, sales=int(s or 0), attributed=int(a or 0), certified=int(c or 0), times=int(t or 0),
                 villages=int(v or 0), households=people.get(k, (0, 0))[0], people=int(people.get(k, (0, 0))[1] or 0))
            for k, s, a, c, t, v in money]


def _row(figures: dict, label: str) -> ReportRow:
    return ReportRow(figures["key"], label, figures["sales"], figures["attributed"], figures["certified"],
                     figures["households"], figures["times"], figures["people"], figures["villages"])


def _labels(dimension: str, keys: list, staff: bool) -> dict:
    ids = [k for k in keys if k is not None]
    if dimension == "township":
        return dict(db.session.execute(select(Township.id, Township.name).where(Township.id.in_(ids))).all())
    if dimension == "village":
        return {i: f"{t} {v}" for i, v, t in db.session.execute(
            select(Village.id, Village.name, Township.name).join(Township).where(Village.id.in_(ids))).all()}
    if dimension == "household":
        rows = db.session.execute(select(Household.id, Household.registration_no, Household.head_name)
                                  .where(Household.id.in_(ids))).all()
        # Reports show the registration number and a masked name; full names stay on the registry pages.
        labels = {i: f"{reg} {mask_name(name)}" for i, reg, name in rows}
        labels[None] = "（未登记带贫关系的销售）"
        return labels
    if dimension == "producer":
        return dict(db.session.execute(select(Producer.id, Producer.name).where(Producer.id.in_(ids))).all())
    if dimension == "product":
        return dict(db.session.execute(select(OrderLine.product_id, func.max(OrderLine.product_name))
                                       .where(OrderLine.product_id.in_(ids)).group_by(OrderLine.product_id)).all())
    if dimension == "event":
        labels = dict(db.session.execute(select(Event.id, Event.name).where(Event.id.in_(ids))).all())
        labels[None] = "（非活动销售）"
        return labels
    if dimension == "channel":
        return {"online": "线上商城", "intent": "单位采购", "booth": "展销展位"}
    return {}


def uncertified_event_warnings(filters: ReportFilters) -> list[str]:
    """Products sold under an event without a valid certification at the time of sale."""
    rows = db.session.execute(
        select(Event.name, OrderLine.product_name, func.sum(Attribution.amount_fen))
        .join(OrderLine, OrderLine.id == Attribution.order_line_id)
        .join(Event, Event.id == Attribution.event_id)
        .where(OrderLine.certified.is_(False), *ledger_filter_clauses(filters))
        .group_by(Event.name, OrderLine.product_name)
        .having(func.sum(Attribution.amount_fen) != 0)
        .order_by(Event.name, OrderLine.product_name)
    ).all()
    return [f"{event}：{product} 销售时没有有效的扶贫产品认定（¥{amount / 100:,.2f}）" for event, product, amount in rows]


def event_summary(event_id: int) -> Report:
    return build_report("township", ReportFilters(event_id=event_id))


def with_filters(filters: ReportFilters, **changes) -> ReportFilters:
    return replace(filters, **changes)
