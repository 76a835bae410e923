"""A unit's order list uploaded as CSV or XLSX: SKU code, quantity, and optionally a delivery
date and address per row. Every bad row is reported with its row number; nothing is used
unless the whole file is valid."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from app.catalog.models import Product, Sku
from app.extensions import db
from app.spreadsheets import RowError, read_table

COLUMNS = {
    "sku": ("商品编码", "sku", "sku_code"),
    "quantity": ("数量", "quantity"),
    "delivery_date": ("交付日期", "delivery_date"),
    "address": ("交付地址", "address"),
}
REQUIRED = ("sku", "quantity")
MAX_ROWS = 20_000
MAX_QUANTITY = 100_000


@dataclass(frozen=True)
class UploadRow:
    sku_code: str
    quantity: int
    delivery_date: date | None
    address: str


def check_rows(filename: str, data: bytes, window: tuple[date, date]) -> tuple[list[UploadRow], list[RowError]]:
    """The file's rows, checked against the catalogue and the contract's delivery window.
    Raises ImportFileError when the file itself cannot be read."""
    raw_rows = read_table(filename, data, COLUMNS, REQUIRED, MAX_ROWS)
    active = set(
        db.session.execute(
            db.select(Sku.code).join(Product).where(Sku.is_active.is_(True), Product.is_active.is_(True))
        ).scalars()
    )
    rows, errors = [], []
    for number, raw in enumerate(raw_rows, start=2):
        reasons = []
        code = raw.get("sku", "").strip()
        if not code:
            reasons.append(_("缺少商品编码"))
        elif code not in active:
            reasons.append(_("商品编码 %(code)s 不存在或已下架", code=code))
        quantity_text = raw.get("quantity", "").strip()
        quantity = int(quantity_text) if quantity_text.isdigit() else None
        if quantity is None or not 0 < quantity <= MAX_QUANTITY:
            reasons.append(
                _("数量应为 1 到 %(most)s 的整数（现为“%(given)s”）", most=MAX_QUANTITY, given=quantity_text)
            )
        when, address = None, raw.get("address", "").strip()
        if raw.get("delivery_date", "").strip():
            try:
                when = date.fromisoformat(raw["delivery_date"].strip()[:10])
            except ValueError:
                reasons.append(_("交付日期“%(given)s”格式不对，应为 2026-11-20", given=raw["delivery_date"]))
            else:
                if not window[0] <= when <= window[1]:
                    reasons.append(
                        _(
                            "交付日期 %(when)s 不在合同交付期 %(start)s 至 %(end)s 之内",
                            when=when,
                            start=window[0],
                            end=window[1],
                        )
                    )
        if len(address) > 255:
            reasons.append(_("交付地址太长（最多 255 个字）"))
        if when and not address:
            reasons.append(_("填写了交付日期，也请填写交付地址"))
        if reasons:
            errors.append(RowError(number, _("；").join(reasons)))
        elif quantity is not None:
            rows.append(UploadRow(code, quantity, when, address))
    if not raw_rows:
        errors.append(RowError(2, _("文件里没有数据行")))
    return rows, errors
