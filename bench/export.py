"""Run the full ledger export as a job on a running shop and its worker, and print how long it
took, how many rows it wrote, the worker's peak memory, and the product page's ratio to the
bare-Flask floor with and without the export running. Every load run hits 127.0.0.1 only.

    python bench/export.py SHOP_URL FLOOR_URL WORKER_PID STAFF_EMAIL STAFF_PASSWORD
"""

import re
import sys
import threading
import time
from pathlib import Path

from load import _csrf, signed_in, wrk


def _memory_kb(pid: int, field: str) -> int:
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE).group(1))


def _children(pid: int) -> list[int]:
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]


def tree_pss_mb(pid: int) -> float:
    """Memory of the worker and the child running the job (RQ forks one per job), in MB. PSS,
    not RSS: the child shares the parent's pages after the fork, and RSS would count them twice."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            total += _memory_kb(current, "Pss")
            pending += _children(current)
        except (FileNotFoundError, ProcessLookupError, AttributeError):
            continue
    return total / 1024


def job_rss_mb(pid: int) -> float:
    """Resident memory of the child running the job, in MB."""
    try:
        return max((_memory_kb(c, "Rss") / 1024 for c in _children(pid)), default=0.0)
    except (FileNotFoundError, ProcessLookupError, AttributeError):
        return 0.0


def ratio(shop: str, floor: str, path: str) -> tuple[dict, dict]:
    return wrk(shop + path), wrk(floor + "/")


def main() -> None:
    shop, floor, worker_pid, email, password = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    staff = signed_in(shop, email, password)
    product = re.search(r'href="/products/([a-z0-9-]+)"', staff.get(f"{shop}/products").text).group(1)
    ratio(shop, floor, f"/products/{product}")  # warm-up: both workers' caches and connections
    quiet_page, quiet_floor = ratio(shop, floor, f"/products/{product}")

    token = _csrf(staff.get(f"{shop}/staff/reports").text)
    began = time.perf_counter()
    answer = staff.post(f"{shop}/staff/reports/export.csv", data={"csrf_token": token}, allow_redirects=False)
    assert answer.status_code == 303, answer.status_code
    export_id = int(answer.headers["Location"].rsplit("/", 1)[-1])
    peak = {"worker": 0.0, "job": 0.0}
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak["worker"] = max(peak["worker"], tree_pss_mb(worker_pid))
            peak["job"] = max(peak["job"], job_rss_mb(worker_pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    time.sleep(2)  # let the job get going: counted rows, first batches written
    busy_page, busy_floor = ratio(shop, floor, f"/products/{product}")
    during = staff.get(f"{shop}/staff/jobs/exports/{export_id}.json").json()
    while True:
        progress = staff.get(f"{shop}/staff/jobs/exports/{export_id}.json").json()
        if progress["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    elapsed = time.perf_counter() - began
    done.set()
    sampler.join()
    assert progress["status"] == "done", progress
    with staff.get(shop + progress["download"], stream=True) as download:
        size = sum(len(chunk) for chunk in download.iter_content(1 << 20))

    print(
        f"full ledger export (CSV) as a job: {progress['rows_done']:,} rows, {size / 1e6:.0f} MB, {elapsed:.1f} s "
        f"({progress['rows_done'] / elapsed:,.0f} rows/s)"
    )
    print(
        f"worker peak: {peak['worker']:.0f} MB PSS for the worker and its job together; "
        f"the job's process {peak['job']:.0f} MB RSS (target: under 200 MB)"
    )
    print(f"the wrk run during the export saw it at {during['rows_done']:,} of {during['rows_total']:,} rows")
    print(f"\n{'product page':<30}{'req/s':>9}{'p99 ms':>9}{'floor':>9}{'÷ floor':>9}{'errors':>8}")
    quiet, busy = quiet_page["rps"] / quiet_floor["rps"], busy_page["rps"] / busy_floor["rps"]
    for label, page, base, r in (
        ("without an export", quiet_page, quiet_floor, quiet),
        ("during the export", busy_page, busy_floor, busy),
    ):
        print(f"{label:<30}{page['rps']:>9.1f}{page['p99']:>9.1f}{base['rps']:>9.1f}{r:>9.2f}{page['errors']:>8}")
    print(f"ratio during ÷ ratio without: {busy / quiet:.2f} (target: within 10 %, i.e. at least 0.90)")


if __name__ == "__main__":
    main()
