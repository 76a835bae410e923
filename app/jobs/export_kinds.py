"""The exports staff can run as jobs: each names its file, its type, the audit action of its
download, and the area's functions that count and write its rows."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from app.impact import exports as ledger_exports
from app.impact.reports import ReportFilters
from app.registry import exports as registry_exports
from app.trace import labels

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportKind:
    filename: str
    mimetype: str
    audit_action: str
    count: Callable[[dict], int]
    write: Callable[[dict, BinaryIO, Callable[[int], None]], int]


def _ledger(writer):
    return lambda params, target, progress: writer(ReportFilters.from_query(params), target, progress)


KINDS = {
    "ledger_csv": ExportKind(
        "dongkou-ledger.csv",
        "text/csv; charset=utf-8",
        "export_ledger",
        lambda p: ledger_exports.ledger_count(ReportFilters.from_query(p)),
        _ledger(ledger_exports.write_csv),
    ),
    "ledger_xlsx": ExportKind(
        "dongkou-ledger.xlsx",
        XLSX,
        "export_ledger",
        lambda p: ledger_exports.ledger_count(ReportFilters.from_query(p)),
        _ledger(ledger_exports.write_xlsx),
    ),
    "households_xlsx": ExportKind(
        "dongkou-households.xlsx",
        XLSX,
        "export_households",
        registry_exports.households_count,
        registry_exports.write_households_xlsx,
    ),
    "labels_pdf": ExportKind(
        "dongkou-labels.pdf", "application/pdf", "print_labels", lambda p: p["count"], labels.write_sheet
    ),
}
