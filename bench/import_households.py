"""Time a 32,000-household registry import (preview, then write) on DATABASE_URL.

Needs the demo's townships and villages (`flask --app wsgi seed-demo`); bench/run-import
builds a fresh database on SQLite and on PostgreSQL and runs this on each.
"""

import time
from datetime import date, timedelta

from sqlalchemy import select

from app import create_app
from app.domain.identity import id_check_char
from app.extensions import db
from app.registry import importer
from app.registry.models import Township, Village

ROWS = 32_000


def unique_id_number(n: int) -> str:
    # Birth date and serial from n, so 32,000 rows never share a number.
    first17 = f"430525{date(1950, 1, 1) + timedelta(days=n // 1000):%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_char(first17)


def build_csv() -> bytes:
    villages = db.session.execute(select(Township.name, Village.name).join(Village.township)).all()
    lines = ["户编号,户主姓名,身份证号,联系电话,乡镇,村,家庭人口,状态,脱贫日期"]
    for n in range(ROWS):
        township, village = villages[n % len(villages)]
        lifted = n % 3 == 0
        lines.append(
            f"BK{n:07d},户主{n},{unique_id_number(n)},139{n:08d},{township},{village},{1 + n % 6},"
            f"{'已脱贫' if lifted else '未脱贫'},{'2019-12-31' if lifted else ''}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def main() -> None:
    app = create_app()
    with app.app_context():
        data = build_csv()
        start = time.perf_counter()
        rows = importer.read_rows("bench.csv", data)
        preview = importer.preview(rows)
        checked = time.perf_counter()
        result = importer.write(preview)
        done = time.perf_counter()
        print(
            f"database: {db.engine.dialect.name}; {len(rows):,} rows, {len(preview.errors)} errors, "
            f"{result.creates:,} created"
        )
        print(f"read + preview {checked - start:6.1f} s; write {done - checked:6.1f} s; total {done - start:6.1f} s")


if __name__ == "__main__":
    main()
