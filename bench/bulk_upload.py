"""Time a unit's 5,000-line order list (XLSX): reading and checking every row, then replacing
the draft contract's lines and planned deliveries. Needs the demo catalogue (`seed-demo`);
bench/run-bulk-upload builds fresh SQLite and PostgreSQL databases and runs this on each."""

import io
import time
from datetime import date

from openpyxl import Workbook

from app import create_app
from app.accounts.models import User
from app.audit.services import Actor
from app.bulk import services
from app.bulk.upload import check_rows
from app.catalog.models import Sku
from app.extensions import db

LINES = 5_000
CREDIT_CODE = "91350100M000100Y43"


def workbook(codes: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["商品编码", "数量", "交付日期", "交付地址"])
    for n in range(LINES):
        sheet.append([codes[n % len(codes)], 1 + n % 5, f"2026-12-{1 + n % 28:02d}", f"单位食堂 {1 + n % 4} 号"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    app = create_app()
    with app.test_request_context():
        user = db.session.execute(db.select(User).where(User.email == "unit@dongkou.example")).scalar_one()
        actor = Actor(user.id, "bench")
        unit = services.register_unit(
            services.UnitDraft("基准测试单位", "company", CREDIT_CODE, "测试", "13800000000", "洞口县"), user.id, actor
        )
        intent = services.create_intent(
            unit, services.IntentDraft("", "prepay_transfer", 0, date(2026, 12, 1), date(2026, 12, 31), "", ""), actor
        )
        data = workbook(db.session.execute(db.select(Sku.code).order_by(Sku.id)).scalars().all())
        start = time.perf_counter()
        rows, errors = check_rows("list.xlsx", data, (intent.delivery_from, intent.delivery_to))
        checked = time.perf_counter()
        services.import_lines(intent, rows, actor)
        done = time.perf_counter()
        print(
            f"database: {db.engine.dialect.name}; {LINES:,} lines, {len(errors)} errors, "
            f"{len(intent.lines)} contract lines, {len(intent.deliveries)} planned deliveries"
        )
        print(
            f"read + check {checked - start:5.2f} s; save {done - checked:5.2f} s; total {done - start:5.2f} s "
            f"(target: under 5 s)"
        )


if __name__ == "__main__":
    main()
