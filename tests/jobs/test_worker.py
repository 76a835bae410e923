"""A real worker process on the machine's Redis: killed with SIGKILL in the middle of an export,
restarted, and the export's effect happens once."""

import csv
import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import text

from app.extensions import db
from app.jobs.exports import requeue_stalled_exports
from app.jobs.models import ExportFile
from app.models_base import utcnow
from app.storage import storage
from tests import factories
from tests.jobs.ledger import big_ledger
from tests.processes import start, stop


def start_worker(settings: dict, url: str, name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": settings["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": url,
        "JOBS_QUEUE": name,
        "STORAGE_ROOT": settings["STORAGE_ROOT"],
        "SECRET_KEY": settings["SECRET_KEY"],
        "LOG_FORMAT": "text",
    }
    return start([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"], env)


def export_state(app, export_id: int) -> ExportFile:
    with app.app_context():
        export = db.session.get(ExportFile, export_id)
        db.session.expunge(export)
        return export


def wait_for(app, export_id: int, ready, seconds: float = 120) -> ExportFile:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        export = export_state(app, export_id)
        if ready(export):
            return export
        time.sleep(0.005)
    raise AssertionError(f"export {export_id} never got there: {export.status} {export.rows_done}/{export.rows_total}")


@pytest.mark.no_cover  # a sweep that adds no branch of its own (pytest.ini)
def test_an_export_whose_worker_is_killed_midway_is_written_once(
    app, make_app, test_settings, shop, buyer, staff, redis_queue
):
    url, name = redis_queue
    total = big_ledger(app, buyer, staff, shop, 60_000)
    queued = make_app({**test_settings, "REDIS_URL": url, "JOBS_QUEUE": name})
    client = queued.test_client()
    factories.login(client, "staff@example.com")
    export_id = int(client.post("/staff/reports/export.csv").headers["Location"].rsplit("/", 1)[-1])

    worker = start_worker(test_settings, url, name)
    try:
        midway = wait_for(app, export_id, lambda e: e.status == "running")
        # Hold the export's row so the job stops at its next progress write, whatever the
        # machine's speed: it is killed in the middle for certain, not by a race.
        with app.app_context(), db.engine.connect() as holder:
            holder.execute(text("UPDATE export_files SET error = error WHERE id = :i"), {"i": export_id})
            time.sleep(0.5)
            stop(worker, signal.SIGKILL)
            holder.rollback()
    finally:
        stop(worker)
    assert midway.rows_total == total
    killed = export_state(app, export_id)
    assert killed.status == "running" and killed.rows_done < total and killed.storage_key is None

    worker = start_worker(test_settings, url, name)
    try:
        with queued.app_context():
            assert requeue_stalled_exports(now=utcnow()) == 0  # a heartbeat this fresh is left alone
            assert requeue_stalled_exports(now=utcnow() + timedelta(minutes=5)) == 1
        done = wait_for(app, export_id, lambda e: e.status in ("done", "failed"))
    finally:
        stop(worker)
    assert done.status == "done" and done.rows_done == done.rows_total == total
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ExportFile)) == 1
        with io.TextIOWrapper(storage("exports").open(done.storage_key), encoding="utf-8-sig") as stored:
            rows = list(csv.reader(stored))
    assert len(rows) == total + 1 and sum(round(float(r[-1]) * 100) for r in rows[1:]) == 7960 * total // 3
