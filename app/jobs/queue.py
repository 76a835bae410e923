"""Hand work to the job queue once the transaction that asked for it has committed.

With ``REDIS_URL`` set, jobs go to an RQ queue and the worker process runs them. Without it
(the SQLite demo) the same functions run in this process right after the commit, in an app
context of their own, so `make demo` needs no other process and nothing is dropped.

The database stays the source of truth: every job reads its work from a row by id, and a
sweep re-enqueues rows whose job went missing (Redis down, a worker killed), so a lost
enqueue only delays the work.
"""

import logging
import time
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from flask import current_app, g
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

if TYPE_CHECKING:
    from redis import Redis
    from rq import Queue

log = logging.getLogger(__name__)

_PENDING = "jobs_after_commit"


@lru_cache(maxsize=4)
def _redis(url: str) -> "Redis":
    # Imported with the first connection: redis-py and RQ weigh 9 MB, which a shop without
    # Redis (the SQLite demo, a county's single server) need not carry in every process.
    from redis import Redis

    # Short timeouts: a page that enqueues must not hang on a Redis that went away.
    return Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)


def redis_connection() -> "Redis | None":
    url = current_app.config.get("REDIS_URL")
    return _redis(url) if url else None


def has_queue() -> bool:
    """Whether jobs go to a queue (and a worker), rather than run in this process after the commit."""
    return bool(current_app.config.get("REDIS_URL"))


def queue() -> "Queue | None":
    connection = redis_connection()
    if connection is None:
        return None
    from rq import Queue

    return Queue(current_app.config["JOBS_QUEUE"], connection=connection)


def enqueue(
    func: Callable, *args, job_id: str | None = None, timeout: int = 600, once: bool = False, gather: float = 0.0
) -> None:
    """Run ``func(*args)`` as a job now: on the queue when there is one, else in this process.

    RQ queues a job id again when asked again. ``once``, for work many requests ask for at once,
    queues an id once per ``timeout`` seconds: by then the job has run, or was lost and is queued
    again. ``gather`` (seconds, instead of ``once``), for work every order of a rush asks for: the run
    is queued once per ``gather`` seconds and starts only when they are over (wait_for_gathering),
    so it sees every change whose ask found it waiting; a process that saw it waiting does not
    ask Redis again until then (a round trip to Redis per order was a twentieth of its CPU). A
    Redis that cannot be reached is logged and left to the sweeps."""
    target = queue()
    if target is None:
        run_in_process(func, *args)
        return
    from redis.exceptions import RedisError

    try:
        if job_id and gather:
            if not _starts_gathering(target, job_id, gather):
                return
        elif once and job_id and not target.connection.set(_once_key(target, job_id), 1, nx=True, ex=timeout):
            return
        target.enqueue(func, *args, job_id=job_id, job_timeout=timeout, result_ttl=3600, failure_ttl=7 * 86400)
    except RedisError:
        log.warning("job queue unreachable; %s(%s) waits for its sweep", func.__name__, args, exc_info=True)


def _once_key(target: "Queue", job_id: str) -> str:
    return f"{target.key}:once:{job_id}"


def _gathering_key(target: "Queue", job_id: str) -> str:
    return f"{target.key}:gathering:{job_id}"


# Per process: the monotonic time until which the gathering of each job id is known to go on.
_GATHERING_UNTIL: dict[str, float] = {}


def _starts_gathering(target: "Queue", job_id: str, gather: float) -> bool:
    """Whether this ask starts a gathering of ``job_id`` (and so must queue its run). An ask
    within a gathering this process has seen go on costs nothing: that run has not started yet."""
    key = _gathering_key(target, job_id)
    asked = time.monotonic()
    if asked < _GATHERING_UNTIL.get(key, 0.0):
        return False
    with target.connection.pipeline(transaction=False) as both:  # one round trip
        both.set(key, 1, nx=True, px=max(1, round(gather * 1000)))
        both.pttl(key)
        started, left_ms = both.execute()
    # Redis measured what is left after this ask was sent, in whole milliseconds: the gathering
    # lasts at least that long, less one for the rounding.
    _GATHERING_UNTIL[key] = asked + (left_ms - 1) / 1000
    return bool(started)


def wait_for_gathering(job_id: str) -> None:
    """For a job queued with ``gather``, as it starts: wait until its gathering is over, so that
    it sees every change whose ask found it gathering. A change committed later asks again and
    starts the next gathering."""
    target = queue()
    if target is None:
        return
    from redis.exceptions import RedisError

    try:
        left_ms = target.connection.pttl(_gathering_key(target, job_id))
    except RedisError:
        log.warning("job queue unreachable; %s starts without waiting for its gathering", job_id, exc_info=True)
        return
    # Only the gathering that queued this run: waiting for later ones could go on for a whole rush.
    if left_ms > 0:
        time.sleep((left_ms + 1) / 1000)


def run_in_process(func: Callable, *args) -> None:
    """Run a job here in an app context of its own: its own database session, so the caller's
    session (which may be in the middle of its commit) is left alone. A failing job is logged,
    never raised into the page that caused it."""
    app, request_id = current_app._get_current_object(), g.get("request_id")  # type: ignore[attr-defined]
    with app.app_context():
        if request_id:
            g.request_id = request_id  # its log lines belong to the request that caused it
        try:
            func(*args)
        except Exception:  # the job's row stays pending; the sweep tries it again
            log.exception("in-process job %s%s failed", func.__name__, args)
            db.session.rollback()
        finally:
            db.session.remove()


def after_commit(func: Callable, *args, job_id: str | None = None, once: bool = False, gather: float = 0.0) -> None:
    """Enqueue ``func(*args)`` once the current transaction commits; a rollback drops it.

    The job must not run before the row it reads is visible to other connections, and must
    not run at all when the change that asked for it was rolled back."""
    db.session.info.setdefault(_PENDING, []).append((func, args, job_id, once, gather))


@event.listens_for(Session, "after_commit")
def _dispatch(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    for func, args, job_id, once, gather in pending or ():
        enqueue(func, *args, job_id=job_id, once=once, gather=gather)


@event.listens_for(Session, "after_rollback")
def _drop(session: Session) -> None:
    session.info.pop(_PENDING, None)


def queue_depth() -> int | None:
    target = queue()
    if target is None:
        return None
    from redis.exceptions import RedisError

    try:
        return target.count
    except RedisError:
        return None


def failed_jobs() -> int | None:
    target = queue()
    if target is None:
        return None
    from redis.exceptions import RedisError

    try:
        return target.failed_job_registry.count
    except RedisError:
        return None
