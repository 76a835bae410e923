"""Reading uploaded CSV and XLSX files into rows, the same way for every import: the first
row names the columns (in Chinese or in English), blank rows are skipped, and row numbers
are the ones a person sees in their spreadsheet."""

import csv
import io
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from app.refusals import Refusal


class ImportFileError(Refusal):
    """The file as a whole cannot be read (type, encoding, headers, size)."""

    MESSAGES = {
        "file_type": _l("只接受 .csv 或 .xlsx 文件。"),
        "empty": _l("文件是空的。"),
        "missing_columns": _l("缺少必需的列：%(missing)s。第一行应为表头，例如：%(example)s。"),
        "too_many_rows": _l("一次最多导入 %(max_rows)s 行，请拆分文件。"),
        "encoding": _l("无法识别文件编码，请另存为 UTF-8 编码的 CSV。"),
        "not_xlsx": _l("无法读取这个 Excel 文件，请确认它是 .xlsx 格式。"),
        "rows_refused": _l("有 %(count)s 行不符合要求，未导入任何数据。"),
        "staged_file_gone": _l("找不到待导入的文件，请重新上传。"),
    }


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it in the spreadsheet: the header is row 1
    reason: str


def read_table(
    filename: str, data: bytes, columns: dict[str, tuple[str, ...]], required: tuple[str, ...], max_rows: int
) -> list[dict]:
    """Data rows as dicts keyed by our column names (``columns`` maps each to its accepted
    headers, the Chinese one first); raises ImportFileError."""
    name = filename.lower()
    if name.endswith(".csv"):
        table = _csv_table(data)
    elif name.endswith(".xlsx"):
        table = _xlsx_table(data)
    else:
        raise ImportFileError("file_type")
    if not table:
        raise ImportFileError("empty")
    header = [str(h or "").strip() for h in table[0]]
    positions = {}
    for key, names in columns.items():
        found = [i for i, h in enumerate(header) if h in names]
        if found:
            positions[key] = found[0]
    missing = [columns[k][0] for k in required if k not in positions]
    if missing:
        raise ImportFileError("missing_columns", missing=missing, example=[c[0] for c in columns.values()])
    if len(table) - 1 > max_rows:
        raise ImportFileError("too_many_rows", max_rows=max_rows)
    return [{key: _cell(row, i) for key, i in positions.items()} for row in table[1:]]


def _cell(row, index) -> str:
    value = row[index] if index < len(row) else ""
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _csv_table(data: bytes) -> list[list]:
    # Spreadsheets exported on Chinese Windows are often GBK; try UTF-8 (with BOM) first.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError("encoding")
    return [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]


def _xlsx_table(data: bytes) -> list[list]:
    # Loaded here, when a file is read: openpyxl adds about 18 MB to a process, and most
    # processes only serve pages.
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or fake file
        raise ImportFileError("not_xlsx") from exc
    try:
        return [list(r) for r in book.active.iter_rows(values_only=True) if any(c not in (None, "") for c in r)]
    finally:
        book.close()
