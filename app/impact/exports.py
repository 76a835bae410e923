"""Ledger exports in CSV and XLSX, written row by row by an export job so memory stays flat at any size."""

import csv
import io
from collections.abc import Callable, Iterator
from typing import BinaryIO

import xlsxwriter
from sqlalchemy import func, select

from app.bulk.models import PurchaseIntent, SupportingUnit
from app.domain.identity import mask_name
from app.events.models import Event
from app.extensions import db
from app.impact.models import Attribution
from app.impact.reports import ReportFilters, joined_to_sources, ledger_filter_clauses
from app.orders.models import Order, OrderLine
from app.pos.models import Booth, BoothSale
from app.registry.models import Household, Producer, Township, Village
from app.trace.models import Lot

HEADER = [
    "记账时间",
    "订单号",
    "渠道",
    "活动",
    "展位",
    "帮扶单位",
    "乡镇",
    "村",
    "户编号",
    "户主（脱敏）",
    "生产者",
    "商品",
    "规格",
    "批次",
    "扶贫认定",
    "类型",
    "金额（元）",
]
CHANNEL_NAMES = {"online": "线上商城", "intent": "单位采购", "booth": "展销展位"}
BATCH = 2000


def ledger_rows(filters: ReportFilters) -> Iterator[list]:
    """The ledger with names, one list per row, fetched in batches from a server-side cursor."""
    columns = select(
        Attribution.created_at,
        Order.number,
        Attribution.channel,
        Event.name,
        Booth.code,
        SupportingUnit.name,
        Township.name,
        Village.name,
        Household.registration_no,
        Household.head_name,
        Producer.name,
        OrderLine.product_name,
        OrderLine.sku_name,
        Lot.code,
        OrderLine.certified,
        Attribution.kind,
        Attribution.amount_fen,
    )
    query = (
        joined_to_sources(
            columns.join(Order, Order.id == Attribution.order_id).join(
                OrderLine, OrderLine.id == Attribution.order_line_id
            )
        )
        .join(Township, Township.id == Attribution.township_id)
        .join(Producer, Producer.id == Attribution.producer_id)
        .outerjoin(Village, Village.id == Attribution.village_id)
        .outerjoin(Household, Household.id == Attribution.household_id)
        .outerjoin(Event, Event.id == Attribution.event_id)
        .outerjoin(Booth, Booth.id == BoothSale.booth_id)
        .outerjoin(SupportingUnit, SupportingUnit.id == PurchaseIntent.unit_id)
        .where(*ledger_filter_clauses(filters))
        .order_by(Attribution.id)
        .execution_options(yield_per=BATCH)
    )
    # Closed even when the download is abandoned half-way, so no server-side cursor lingers.
    with db.session.execute(query) as result:
        for (
            at,
            number,
            channel,
            event,
            booth,
            unit,
            township,
            village,
            reg,
            name,
            producer,
            product,
            sku,
            lot,
            certified,
            kind,
            fen,
        ) in result:
            yield [
                at.strftime("%Y-%m-%d %H:%M:%S"),
                number,
                CHANNEL_NAMES.get(channel, channel),
                event or "",
                booth or "",
                unit or "",
                township,
                village or "",
                reg or "",
                mask_name(name) if name else "",
                producer,
                product,
                sku,
                lot or "",
                "是" if certified else "否",
                "销售" if kind == "sale" else "退款",
                f"{fen / 100:.2f}",
            ]


def ledger_count(filters: ReportFilters) -> int:
    return db.session.scalar(select(func.count()).select_from(Attribution).where(*ledger_filter_clauses(filters))) or 0


def write_csv(filters: ReportFilters, target: BinaryIO, progress: Callable[[int], None]) -> int:
    """The ledger as UTF-8 CSV into ``target``; ``progress(rows)`` is called every batch."""
    text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
    # A BOM so Excel on Chinese Windows opens the UTF-8 file with the right characters.
    text.write("\ufeff")
    writer = csv.writer(text)
    writer.writerow(HEADER)
    n = 0
    for n, row in enumerate(ledger_rows(filters), start=1):
        writer.writerow(row)
        if n % BATCH == 0:
            progress(n)
    text.detach()
    return n


def write_xlsx(filters: ReportFilters, target: BinaryIO, progress: Callable[[int], None]) -> int:
    """The ledger as a workbook, written with XlsxWriter's constant-memory mode."""
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False})
    sheet = book.add_worksheet("销售归属")
    sheet.write_row(0, 0, HEADER)
    n = 0
    for n, row in enumerate(ledger_rows(filters), start=1):
        row[-1] = float(row[-1])
        sheet.write_row(n, 0, row)
        if n % BATCH == 0:
            progress(n)
    book.close()
    return n
