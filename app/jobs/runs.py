"""Each run of a scheduled job leaves a row: what ran, when, how it ended and what it did."""

import json
import logging
from collections.abc import Callable
from functools import wraps

from app.extensions import db
from app.jobs.models import JobRun
from app.models_base import utcnow

log = logging.getLogger(__name__)


def recorded(job: Callable[..., dict]):
    """Wrap a job so each run writes a JobRun row under its name (committed before and after the work).

    The job returns a dict of counts; a ``"problems"`` count above zero marks the run as
    ``problem`` (it worked and found something wrong). An exception marks it ``failed`` and
    is raised again, so the queue counts the job as failed too."""

    @wraps(job)
    def run(*args, **kwargs) -> dict:
        row = JobRun(job=job.__name__)
        db.session.add(row)
        db.session.commit()
        run_id = row.id
        try:
            counts = job(*args, **kwargs) or {}
        except Exception as error:
            db.session.rollback()
            _finish(run_id, "failed", {}, f"{type(error).__name__}: {error}"[:2000])
            raise
        _finish(run_id, "problem" if counts.get("problems") else "ok", counts, "")
        return counts

    return run


def _finish(run_id: int, outcome: str, counts: dict, detail: str) -> None:
    row = db.session.get_one(JobRun, run_id)
    row.outcome, row.finished_at, row.detail = outcome, utcnow(), detail
    row.counts = json.dumps(counts, ensure_ascii=False, default=str)
    db.session.commit()
    log.info("job %s %s %s", row.job, outcome, row.counts)


def recent(page: int, per_page: int = 50):
    return db.paginate(db.select(JobRun).order_by(JobRun.id.desc()), page=page, per_page=per_page, error_out=False)


def last_runs() -> dict[str, JobRun]:
    """The newest run of each job, for the schedule table on the staff page."""
    newest = db.select(db.func.max(JobRun.id)).group_by(JobRun.job).scalar_subquery()
    return {r.job: r for r in db.session.execute(db.select(JobRun).where(JobRun.id.in_(newest))).scalars()}
