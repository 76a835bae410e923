"""Printable label sheets for a lot: the product, lot code, price and a QR code to its trace page."""

from dataclasses import dataclass

import segno
from flask import render_template

from app.pdf import pdf_from_html
from app.trace.models import Lot
from app.trace.queries import lot_by_code


@dataclass(frozen=True)
class Layout:
    name: str
    page: str  # CSS @page size
    columns: int
    rows: int
    width_mm: float
    height_mm: float
    margin_top_mm: float = 0
    margin_left_mm: float = 0
    qr_mm: float = 24

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


LAYOUTS = {
    # The common A4 sheet of 24 self-adhesive labels, 70 × 37 mm, no gaps.
    "a4-3x8": Layout("A4 3×8（70×37 mm）", "210mm 297mm", 3, 8, 70, 37, margin_top_mm=0.5),
    # One label per page on a 60 × 40 mm thermal roll, as packing stations print them.
    "thermal-60x40": Layout("热敏 60×40 mm", "60mm 40mm", 1, 1, 60, 40, qr_mm=26),
}
MAX_LABELS = 2400
# Larger sheets take seconds to lay out: they are written by an export job, with a progress page.
INLINE_LABELS = 100


def sheet_html(lot: Lot, layout: Layout, count: int, trace_url: str) -> str:
    """The HTML of a sheet of ``count`` labels for the lot, laid out for ``layout``: the job
    worker makes the PDF (app/printing.py for a small sheet, the export job for a large one)."""
    qr = segno.make(trace_url, error="m").svg_data_uri(scale=4, border=1)
    pages = [range(start, min(start + layout.per_page, count)) for start in range(0, count, layout.per_page)]
    return render_template("trace/labels.html", lot=lot, layout=layout, pages=pages, qr=qr, trace_url=trace_url)


def write_sheet(params: dict, target, progress) -> int:
    """The export job's writer: the sheet the staff page asked for, into ``target``."""
    lot = lot_by_code(params["lot"])
    if lot is None:
        raise ValueError(f"lot {params['lot']} is gone")
    target.write(pdf_from_html(sheet_html(lot, LAYOUTS[params["layout"]], params["count"], params["trace_url"])))
    progress(params["count"])
    return params["count"]
