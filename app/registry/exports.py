"""The household registry as an XLSX workbook, in the same columns the import reads, so an
export can be corrected in a spreadsheet and imported back."""

from collections.abc import Callable
from typing import BinaryIO

import xlsxwriter
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.registry.importer import COLUMNS
from app.registry.models import Household, Village

STATUS_WORDS = {"registered": "未脱贫", "lifted": "已脱贫"}


def households_count(_params: dict) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Household))


def write_households_xlsx(_params: dict, target: BinaryIO, progress: Callable[[int], None]) -> int:
    """The registry as a workbook into ``target`` (constant memory, however large the county)."""
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False})
    sheet = book.add_worksheet("建档立卡户")
    sheet.write_row(0, 0, [names[0] for names in COLUMNS.values()])
    query = (
        db.select(Household)
        .order_by(Household.registration_no)
        .options(selectinload(Household.village).selectinload(Village.township))
        .execution_options(yield_per=2000)
    )
    n = 0
    for n, h in enumerate(db.session.execute(query).scalars(), start=1):
        sheet.write_row(
            n,
            0,
            [
                h.registration_no,
                h.head_name,
                h.id_number,
                h.phone or "",
                h.village.township.name,
                h.village.name,
                h.members,
                STATUS_WORDS.get(h.status, h.status),
                h.lifted_on.isoformat() if h.lifted_on else "",
            ],
        )
        if n % 2000 == 0:
            progress(n)
    book.close()
    return n
