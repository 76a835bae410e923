"""Sync 1,000 booth sales in batches of 100 to a running server and print the figures.

bench/run-booth-sync starts gunicorn (2 workers) on a fresh demo database, on SQLite and
on PostgreSQL, issues a device token and runs this against it:
    python bench/booth_sync.py BASE_URL TOKEN SKU_CODE PRICE_FEN [SERVER_PID]

With the web server's master PID it also prints the sales synced per CPU-second of the server
(its workers and the database's processes), a figure a busy machine's wall clock cannot blur.
"""

import os
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

SALES, BATCH, WARM_UP = 1_000, 100, 8


def sales(sku: str, price: int, first: int, count: int) -> list[dict]:
    """``count`` sales of one SKU, numbered on the tablet from ``first``."""
    now = datetime.now(timezone(timedelta(hours=8)))
    return [
        {
            "uuid": str(uuid.uuid4()),
            "device_sequence": first + n,
            "sold_at": now.isoformat(),
            "lines": [{"sku": sku, "quantity": 1 + n % 3, "unit_price_fen": price}],
            "total_fen": price * (1 + n % 3),
            "tender": {"method": "cash", "tendered_fen": price * (1 + n % 3), "change_fen": 0},
        }
        for n in range(count)
    ]


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_pids(master: int) -> list[int]:
    """The web server's master and workers, and the database server's processes (PostgreSQL's
    backends do part of the work; with SQLite it all happens in the workers)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split() if master else []
    postgres = [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and (p / "comm").exists() and (p / "comm").read_text().strip() == "postgres"
    ]
    return [master, *map(int, children), *postgres] if master else postgres


def _server_cpu(pids: list[int]) -> float:
    return sum(_cpu_seconds(pid) for pid in pids)


def warm_up(session: requests.Session, base: str, sku: str, price: int) -> None:
    """A few one-sale batches, side by side so that each web worker gets some: a worker loads
    the sync and its schemas, and compiles its statements, with its first booth sales, once in
    its life. They are stored (and counted apart): a refused batch would warm only half the path."""
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(
                lambda sale: requests.post(
                    f"{base}/api/v1/pos/sales", json={"sales": [sale]}, headers=session.headers, timeout=60
                ),
                sales(sku, price, 1, WARM_UP),
            )
        )
    assert all(a.status_code == 200 for a in answers), [a.status_code for a in answers]


def main() -> None:
    base, token, sku, price = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    pids = _server_pids(int(sys.argv[5]) if len(sys.argv) > 5 else 0)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    warm_up(session, base, sku, price)
    measured = sales(sku, price, WARM_UP + 1, SALES)
    work = [measured[i : i + BATCH] for i in range(0, SALES, BATCH)]
    timings, created = [], 0
    cpu_before = _server_cpu(pids)
    start = time.perf_counter()
    for batch in work:
        began = time.perf_counter()
        answer = session.post(f"{base}/api/v1/pos/sales", json={"sales": batch}, timeout=60)
        timings.append(time.perf_counter() - began)
        answer.raise_for_status()
        created += answer.json()["summary"]["created"]
    total = time.perf_counter() - start
    cpu = _server_cpu(pids) - cpu_before
    again = time.perf_counter()
    duplicates = sum(
        session.post(f"{base}/api/v1/pos/sales", json={"sales": b}, timeout=60).json()["summary"]["duplicate"]
        for b in work
    )
    resent = time.perf_counter() - again
    print(
        f"  {SALES:,} sales in {len(work)} batches of {BATCH}: {total:5.2f} s in all "
        f"({SALES / total:,.0f} sales/s); per batch p50 {statistics.median(timings) * 1000:.0f} ms, "
        f"max {max(timings) * 1000:.0f} ms; created {created:,} (after {WARM_UP} sales that warm the workers)"
    )
    if cpu:
        print(
            f"  server CPU (web workers and database processes) {cpu:5.2f} s: {SALES / cpu:,.0f} sales per CPU-second"
        )
    print(
        f"  the same {SALES:,} sent again: {resent:5.2f} s, {duplicates:,} answered as duplicates, nothing stored twice"
    )


if __name__ == "__main__":
    main()
