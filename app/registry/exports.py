"""The household registry as an XLSX workbook, in the same columns the import reads, so an
export can be corrected in a spreadsheet and imported back."""
import tempfile

import xlsxwriter
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.registry.importer import COLUMNS
from app.registry.models import Household, Village

STATUS_WORDS = {"registered": "未脱贫", "lifted": "已脱贫"}


def households_xlsx():
    """A temporary file holding the workbook (constant memory, however large the county)."""
    spool = tempfile.TemporaryFile()
    book = xlsxwriter.Workbook(spool, {"constant_memory": True, "in_memory": False})
    sheet = book.add_worksheet("建档立卡户")
    sheet.write_row(0, 0, [names[0] for names in COLUMNS.values()])
    query = (db.select(Household).order_by(Household.registration_no)
             .options(selectinload(Household.village).selectinload(Village.township))
             .execution_options(yield_per=2000))
    for n, h in enumerate(db.session.execute(query).scalars(), start=1):
        sheet.write_row(n, 0, [h.registration_no, h.head_name, h.id_number, h.phone or "", h.village.township.name,
                               h.village.name, h.members, STATUS_WORDS.get(h.status, h.status),
                               h.lifted_on.isoformat() if h.lifted_on else ""])
    book.close()
    spool.seek(0)
    return spool
