"""Long exports run as jobs: staff start one, watch its progress and download the file, which
is kept in storage for a day and only given to the staff member who asked (and admins).

An export is a row first (source of truth) and a job second. The job counts the rows, writes
the file to a temporary file while it moves ``rows_done`` on through a connection of its own
(the rows are read from a server-side cursor, which a commit would close), then stores it.
Run twice, or again after its worker was killed, it writes the same file under the same key:
the effect happens once.
"""

import json
import logging
import tempfile
from datetime import timedelta
from typing import BinaryIO

from flask import current_app
from sqlalchemy import or_, update

from app.audit.services import Actor, record
from app.extensions import db
from app.jobs.models import ExportFile
from app.jobs.queue import after_commit, enqueue
from app.jobs.runs import recorded
from app.models_base import utcnow
from app.refusals import Missing
from app.replica import reading_from_replica
from app.storage import StorageError, storage

log = logging.getLogger(__name__)

# A running export moves its heartbeat with every batch; one silent for this long lost its worker.
STALLED_AFTER = timedelta(minutes=3)


def kind(name: str):
    """The export kind's file name, type and writers. Imported when used: the areas' writers
    import their packages, whose views start exports through this module."""
    from app.jobs.export_kinds import KINDS

    return KINDS[name]


class ExportNotFound(Missing):
    pass


def start_export(kind_name: str, params: dict, actor: Actor) -> ExportFile:
    """Record the export asked for and start its job after the commit. Commits."""
    export = ExportFile(
        kind=kind_name,
        params=json.dumps(params, ensure_ascii=False),
        requested_by_id=actor.user_id,
        filename=kind(kind_name).filename,
        heartbeat_at=utcnow(),
    )
    db.session.add(export)
    db.session.flush()
    after_commit(run_export, export.id, job_id=f"export-{export.id}")
    db.session.commit()
    return export


def _touch(export_id: int, **values) -> None:
    # Its own connection and transaction: the job's session is in the middle of reading.
    with db.engine.begin() as connection:
        connection.execute(update(ExportFile).where(ExportFile.id == export_id).values(heartbeat_at=utcnow(), **values))


def run_export(export_id: int) -> None:
    """Job: write one export's file to storage. Commits.

    Safe to run twice: a finished or purged export is left alone, and a second run rewrites
    the same storage key with the same rows."""
    export = db.session.get(ExportFile, export_id)
    if export is None or export.status in ("done", "purged"):
        return
    writer, params = kind(export.kind), json.loads(export.params)
    with reading_from_replica():
        total = writer.count(params)
    _touch(export_id, status="running", rows_total=total, rows_done=0, error="")
    key = f"{export_id}/{export.filename}"
    try:
        with tempfile.TemporaryFile() as spool, reading_from_replica():
            rows = writer.write(params, spool, lambda n: _touch(export_id, rows_done=n))
            spool.seek(0)
            storage("exports").put(key, spool)
    except Exception as error:
        db.session.rollback()
        _touch(export_id, status="failed", error=f"{type(error).__name__}: {error}"[:2000])
        raise
    db.session.rollback()  # ends the reading transaction before the row is written
    now = utcnow()
    _touch(
        export_id,
        status="done",
        rows_done=rows,
        rows_total=rows,
        storage_key=key,
        finished_at=now,
        expires_at=now + timedelta(hours=current_app.config["EXPORT_KEEP_HOURS"]),
    )


def export_for(export_id: int, user_id: int) -> ExportFile:
    """The export if this user asked for it; another's looks the same as a missing one (its
    filters may name households). Raises ExportNotFound."""
    export = db.session.get(ExportFile, export_id)
    if export is None or export.requested_by_id != user_id:
        raise ExportNotFound(export_id)
    return export


def open_download(export: ExportFile, actor: Actor) -> BinaryIO:
    """The stored file, with the download recorded in the audit log (personal data may leave
    the system with it). Commits. Raises ExportNotFound when it is not ready or was purged."""
    if export.status != "done" or not export.storage_key:
        raise ExportNotFound(export.id)
    try:
        stream = storage("exports").open(export.storage_key)
    except StorageError as error:
        raise ExportNotFound(export.id) from error
    record(
        actor,
        kind(export.kind).audit_action,
        "export_file",
        export.id,
        after={"kind": export.kind, "rows": export.rows_done, "filters": json.loads(export.params)},
    )
    db.session.commit()
    return stream


def recent_for(user_id: int, limit: int = 20) -> list[ExportFile]:
    return list(
        db.session.execute(
            db.select(ExportFile)
            .where(ExportFile.requested_by_id == user_id)
            .order_by(ExportFile.id.desc())
            .limit(limit)
        ).scalars()
    )


@recorded
def purge_expired_exports(now=None) -> dict:
    """Scheduled: delete export files past their day in storage. Safe to run twice."""
    now = now or utcnow()
    due = (
        db.session.execute(db.select(ExportFile).where(ExportFile.status == "done", ExportFile.expires_at < now))
        .scalars()
        .all()
    )
    for export in due:
        storage("exports").delete(export.storage_key)
        export.status = "purged"
    db.session.commit()
    return {"purged": len(due)}


def requeue_stalled_exports(now=None) -> int:
    """Start again the exports whose job went missing: never started (a lost enqueue) or silent
    for minutes (a killed worker). Each run starts from the top, so the file is whole."""
    now = now or utcnow()
    stalled = (
        db.session.execute(
            db.select(ExportFile.id).where(
                ExportFile.status.in_(("queued", "running")),
                or_(ExportFile.heartbeat_at.is_(None), ExportFile.heartbeat_at < now - STALLED_AFTER),
            )
        )
        .scalars()
        .all()
    )
    db.session.rollback()
    for export_id in stalled:
        _touch(export_id)  # one requeue per silence, however often the sweep runs meanwhile
        log.warning("export %s stalled; starting it again", export_id)
        enqueue(run_export, export_id, job_id=f"export-{export_id}-again-{int(now.timestamp())}")
    return len(stalled)
