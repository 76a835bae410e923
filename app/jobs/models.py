"""What the background did: one row per scheduled run, one per export asked for."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models_base import utcnow


class JobRun(Model):
    """One run of a scheduled job, for the staff page 后台任务 and for the nightly checks' history."""

    __tablename__ = "job_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(String(16), default="running")  # running, ok, problem, failed
    counts: Mapped[str] = mapped_column(Text, default="{}")  # JSON: what the run did, e.g. {"expired": 3}
    detail: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_job_runs_job_started", "job", "started_at"),)


class ExportFile(Model):
    """A long export run as a job: who asked, its progress, and the stored file for 24 hours."""

    __tablename__ = "export_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # ledger_csv, ledger_xlsx, households_xlsx, labels_pdf
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON: the filters the staff member chose
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued, running, done, failed, purged
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int | None]
    storage_key: Mapped[str | None] = mapped_column(String(255))
    filename: Mapped[str] = mapped_column(String(128))
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Moved on by a running job; a job whose heartbeat stops (worker killed) is started again.
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_export_files_status", "status"),)
