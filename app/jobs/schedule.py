"""What runs when, without cron. Cron times are UTC (RQ's cron reads them so); the words
beside them give the county's hour. With Redis, RQ's CronScheduler enqueues these for the worker; without it
(the embedded default) the same table runs in-process from `flask jobs scheduler`."""

import logging
import time

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.jobs import scheduled
from app.jobs.exports import purge_expired_exports
from app.jobs.queue import redis_connection, run_in_process
from app.printing import purge_printed

log = logging.getLogger(__name__)

# (job, when for RQ, when in words for the staff page)
SCHEDULE = (
    (scheduled.sweep, {"interval": 60}, _l("每分钟")),
    (scheduled.expire_unpaid_orders, {"interval": 60}, _l("每分钟")),
    (purge_expired_exports, {"cron": "7 * * * *"}, _l("每小时")),
    # The 2nd of each month, 03:20 county time: keeps last month's printed PDFs.
    (purge_printed, {"cron": "20 19 1 * *"}, _l("每月 2 日 %(time)s", time="03:20")),
    (scheduled.expire_contracts, {"cron": "10 16 * * *"}, _l("每天 %(time)s", time="00:10")),
    (scheduled.nightly_ledger_check, {"cron": "30 18 * * *"}, _l("每天 %(time)s", time="02:30")),
    # Office hours, so the mail is read the same morning.
    (scheduled.warn_expiring_certifications, {"cron": "0 0 * * *"}, _l("每天 %(time)s", time="08:00")),
    (scheduled.remind_overdue_payouts, {"cron": "5 0 * * *"}, _l("每天 %(time)s", time="08:05")),
)


def describe() -> list[tuple[str, str]]:
    """(job, when in words) for the staff page and `flask jobs schedule`."""
    return [(job.__name__, str(words)) for job, _when, words in SCHEDULE]


def run_with_rq() -> None:
    """Enqueue each job when due, for the worker; blocks until SIGTERM."""
    from rq.cron import CronScheduler

    connection = redis_connection()
    if connection is None:
        raise RuntimeError("the RQ scheduler needs REDIS_URL")
    scheduler = CronScheduler(connection=connection, name=f"{current_app.config['JOBS_QUEUE']}-scheduler")
    for job, when, _words in SCHEDULE:
        scheduler.register(job, current_app.config["JOBS_QUEUE"], job_timeout=1800, **when)
    scheduler.start()


def run_in_process_forever(stop_after: float | None = None) -> None:
    """The same table without Redis: each due job runs here, one after another. RQ's CronJob
    computes when each is due, so both ways read the schedule alike."""
    # RQ's cron module and what it brings (9 MB) load here, not in every page-serving process.
    from rq.cron import CronJob
    from rq.utils import now

    jobs = [CronJob("in-process", func=job, **when) for job, when, _words in SCHEDULE]
    deadline = None if stop_after is None else time.monotonic() + stop_after
    while deadline is None or time.monotonic() < deadline:
        for cron_job in jobs:
            if cron_job.should_run():
                run_in_process(cron_job.func)  # type: ignore[arg-type]  # every entry of SCHEDULE names its function
                cron_job.set_enqueue_time(now())
        waits = [60.0] + [(j.next_enqueue_time - now()).total_seconds() for j in jobs if j.next_enqueue_time]
        if deadline is not None:
            waits.append(deadline - time.monotonic())
        time.sleep(max(0.0, min(waits)))
