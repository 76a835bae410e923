"""Time the impact reports on the database DATABASE_URL points at, and what each one reads.

Run on a seeded database (bench/run-reports builds the county and the province once). Prints
the ledger's size, then per report p50 and p99 over repeated runs with the roll-up rows the
report reads: a report's time should follow those rows, not the ledger's size. ``--export``
also writes the whole ledger as CSV in a child process and reports its time and peak memory.
"""

import os
import resource
import statistics
import subprocess
import sys
import time

from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.impact import reports
from app.impact.models import Attribution, LedgerDay, LedgerMonth
from app.orders.models import OrderLine
from app.registry.models import Township

TOWNSHIPS_SAMPLED = 12
RUNS = 30


def timed(label: str, actions: list, rows_read: int) -> None:
    """Run the actions in turn until RUNS runs are done; print p50 and p99 (the worst of 30)."""
    times = []
    for n in range(RUNS):
        start = time.perf_counter()
        actions[n % len(actions)]()
        times.append((time.perf_counter() - start) * 1000)
    p99 = statistics.quantiles(times, n=100, method="inclusive")[98]
    print(
        f"{label:<44} p50 {statistics.median(times):7.0f} ms  p99 {p99:7.0f} ms  {rows_read:>11,} roll-up rows read",
        flush=True,
    )


def export_in_child() -> None:
    """Write the whole ledger as CSV to /dev/null (what the export job writes) and report time and peak memory."""
    from app.impact.exports import write_csv

    app = create_app()
    with app.app_context(), open(os.devnull, "wb") as sink:
        start = time.perf_counter()
        rows = write_csv(reports.ReportFilters(), sink, lambda _n: None)
        elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'full CSV export':<44} {elapsed * 1000:9.0f} ms, {rows:,} rows, peak RSS {peak_mb:.0f} MB")


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def main() -> None:
    if sys.argv[1:] == ["--export-only"]:
        export_in_child()
        return
    app = create_app()
    with app.app_context():
        months = _count(LedgerMonth)
        print(
            f"database: {db.engine.dialect.name}; townships {_count(Township)}; order lines {_count(OrderLine):,}; "
            f"ledger rows {_count(Attribution):,}; roll-up rows: daily {_count(LedgerDay):,}, monthly {months:,}",
            flush=True,
        )
        townships = db.session.scalars(select(Township.id).order_by(Township.id)).all()
        # Townships spread over the whole registry (at the province scale: over its counties).
        sample = townships[:: max(1, len(townships) // TOWNSHIPS_SAMPLED)][:TOWNSHIPS_SAMPLED]
        per_township = [_count(LedgerMonth, LedgerMonth.township_id == t) for t in sample]

        def township_report(township_id: int):
            return lambda: reports.build_reports(
                ("village", "month"), reports.ReportFilters(township_id=township_id), staff=True
            )

        timed(
            f"one township (by village and month, {len(sample)} of them)",
            [township_report(t) for t in sample],
            round(statistics.mean(per_township)),
        )
        everything = reports.ReportFilters()
        timed("everything, by township", [lambda: reports.build_report("township", everything, staff=True)], months)
        timed("everything, sales by month (the chart)", [lambda: reports.sales_by("month", everything)], months)
        event_id = db.session.scalar(select(LedgerMonth.event_id).where(LedgerMonth.event_id != 0).limit(1))
        timed(
            "one event, by township",
            [lambda: reports.build_report("township", reports.ReportFilters(event_id=event_id))],
            _count(LedgerMonth, LedgerMonth.event_id == event_id),
        )
        db.session.rollback()
    if "--export" in sys.argv[1:]:
        subprocess.run([sys.executable, __file__, "--export-only"], check=True, env=os.environ)


if __name__ == "__main__":
    main()
