"""Time the impact reports and a full ledger export on the database DATABASE_URL points at.

Run after `flask --app wsgi seed-demo --scale county` (bench/run-reports does both, on
SQLite and on PostgreSQL). Prints one line per measurement; peak memory of the export is
the process's maximum resident set size, measured in a child process that does only that.
"""

import os
import resource
import subprocess
import sys
import time

from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.impact import reports
from app.impact.models import Attribution
from app.orders.models import OrderLine


def timed(label: str, action, repeat: int = 3) -> None:
    best = min(_once(action) for _ in range(repeat))
    print(f"{label:<34} {best * 1000:9.0f} ms (best of {repeat})", flush=True)


def _once(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def export_in_child() -> None:
    """Write the whole ledger as CSV to /dev/null (what the export job writes) and report time and peak memory."""
    from app.impact.exports import write_csv

    app = create_app()
    with app.app_context(), open(os.devnull, "wb") as sink:
        start = time.perf_counter()
        rows = write_csv(reports.ReportFilters(), sink, lambda _n: None)
        elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'full CSV export':<34} {elapsed * 1000:9.0f} ms, {rows:,} rows, peak RSS {peak_mb:.0f} MB")


def main() -> None:
    if sys.argv[1:] == ["--export"]:
        export_in_child()
        return
    app = create_app()
    with app.app_context():
        print(
            f"database: {db.engine.dialect.name}; order lines "
            f"{db.session.scalar(select(func.count(OrderLine.id))):,}; ledger rows "
            f"{db.session.scalar(select(func.count(Attribution.id))):,}",
            flush=True,
        )
        event_id = db.session.scalar(select(Attribution.event_id).where(Attribution.event_id.is_not(None)).limit(1))
        everything = reports.ReportFilters()
        timed("township report", lambda: reports.build_report("township", everything, staff=True))
        timed("village report", lambda: reports.build_report("village", everything, staff=True))
        timed(
            "event report (one event)",
            lambda: reports.build_report("township", reports.ReportFilters(event_id=event_id)),
        )
        # Supporting units arrive with issue 4; until then the unit report is the intent channel.
        timed(
            "unit purchases (intent channel)",
            lambda: reports.build_report("producer", reports.ReportFilters(channel="intent")),
        )
    subprocess.run([sys.executable, __file__, "--export"], check=True, env=os.environ)


if __name__ == "__main__":
    main()
