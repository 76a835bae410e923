"""Sync 1,000 booth sales in batches of 100 to a running server and print the figures.

bench/run-booth-sync starts gunicorn (2 workers) on a fresh demo database, on SQLite and
on PostgreSQL, issues a device token and runs this against it:
    python bench/booth_sync.py BASE_URL TOKEN SKU_CODE PRICE_FEN
"""

import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

import requests

SALES, BATCH = 1_000, 100


def batches(sku: str, price: int) -> list[list[dict]]:
    now = datetime.now(timezone(timedelta(hours=8)))
    sales = [
        {
            "uuid": str(uuid.uuid4()),
            "device_sequence": n + 1,
            "sold_at": now.isoformat(),
            "lines": [{"sku": sku, "quantity": 1 + n % 3, "unit_price_fen": price}],
            "total_fen": price * (1 + n % 3),
            "tender": {"method": "cash", "tendered_fen": price * (1 + n % 3), "change_fen": 0},
        }
        for n in range(SALES)
    ]
    return [sales[i : i + BATCH] for i in range(0, SALES, BATCH)]


def main() -> None:
    base, token, sku, price = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    work = batches(sku, price)
    timings, created = [], 0
    start = time.perf_counter()
    for batch in work:
        began = time.perf_counter()
        answer = session.post(f"{base}/api/v1/pos/sales", json={"sales": batch}, timeout=60)
        timings.append(time.perf_counter() - began)
        answer.raise_for_status()
        created += answer.json()["summary"]["created"]
    total = time.perf_counter() - start
    again = time.perf_counter()
    duplicates = sum(
        session.post(f"{base}/api/v1/pos/sales", json={"sales": b}, timeout=60).json()["summary"]["duplicate"]
        for b in work
    )
    resent = time.perf_counter() - again
    print(
        f"  {SALES:,} sales in {len(work)} batches of {BATCH}: {total:5.2f} s in all "
        f"({SALES / total:,.0f} sales/s); per batch p50 {statistics.median(timings) * 1000:.0f} ms, "
        f"max {max(timings) * 1000:.0f} ms; created {created:,}"
    )
    print(
        f"  the same {SALES:,} sent again: {resent:5.2f} s, {duplicates:,} answered as duplicates, nothing stored twice"
    )


if __name__ == "__main__":
    main()
