"""SQLite's writers wait for their turn in the kernel, not in SQLite's busy handler.

SQLite lets one connection write at a time. A writer that finds the database locked sleeps in
its busy handler, 1 ms, then 2, then 5 and longer, and looks again: a buyer's order holds the
lock for a fraction of a millisecond, so the others mostly slept past its release while the
machine stood idle. A file lock beside the database (``<database>-writers``) queues the
busiest writes instead: the kernel wakes the next one the moment the lock is let go.

The lock is taken only by a connection that holds no transaction yet, just before the first
write of its transaction, and is let go as soon as the session's transaction ends, before
anything the commit sets off (a job run in this process may want a connection of its own), or
at the latest when the connection goes back to the pool. A writer that does not take it (any
other write of the shop) still waits in SQLite's busy handler as before; it cannot deadlock
with one that does, because a connection never waits for the file lock while it holds
SQLite's, nor a thread while it holds a turn on another connection (that one writes the
old way, and SQLite's busy timeout ends the wait). PostgreSQL queues writers on the row they
both want and needs none of this."""

import fcntl
import threading
from typing import IO

from sqlalchemy import Connection, Pool, event
from sqlalchemy.orm import Session

from app.extensions import db

_LOCK_FILE = "sqlite_writer_turn_file"  # a pooled connection's open lock file (its record's info)
_TURNS = "sqlite_writer_turns"  # a session's info: the connection infos whose lock it holds
_HELD = "sqlite_writer_turn_held"  # a connection info whose lock is held
_this_thread = threading.local()  # .turns: how many turns this thread holds


def take_writer_turn(connection: Connection) -> None:
    """Wait until no other connection is writing through take_writer_turn, then hold that turn
    until the session's transaction ends. SQLite only; call it on the session's connection
    before the first write of a transaction (does nothing once one is open)."""
    if connection.dialect.name != "sqlite":
        return
    fairy = connection.connection
    driver = fairy.driver_connection
    database = connection.engine.url.database
    if (
        driver is None
        or driver.in_transaction
        or not database
        or database == ":memory:"
        or getattr(_this_thread, "turns", 0)
    ):
        return
    # One lock file per connection, not per process: flock excludes every open file from every
    # other, so threads sharing a process take turns too.
    lock_file: IO[bytes] | None = fairy.info.get(_LOCK_FILE)
    if lock_file is None:
        lock_file = fairy.info[_LOCK_FILE] = open(f"{database}-writers", "ab")  # noqa: SIM115 - kept open with the connection
    fcntl.flock(lock_file, fcntl.LOCK_EX)
    fairy.info[_HELD] = True
    _this_thread.turns = getattr(_this_thread, "turns", 0) + 1
    db.session.info.setdefault(_TURNS, []).append(fairy.info)


def _let_go(info: dict) -> None:
    if info.pop(_HELD, False):
        fcntl.flock(info[_LOCK_FILE], fcntl.LOCK_UN)
        # Let go by another thread (a pool closed elsewhere), the holder's count stays up: it
        # then writes the old way, which is safe.
        _this_thread.turns = max(getattr(_this_thread, "turns", 0) - 1, 0)


# Before the other listeners (insert=True): those run jobs and may wait for a pooled connection
# that a writer waiting for this turn holds.
@event.listens_for(Session, "after_commit", insert=True)
@event.listens_for(Session, "after_rollback", insert=True)
def _turn_over(session: Session) -> None:
    for info in session.info.pop(_TURNS, ()):
        _let_go(info)


@event.listens_for(Pool, "checkin")
def _turn_over_at_the_latest(_dbapi_connection, record):
    # A transaction ended outside the session's events (a connection closed mid-write, say).
    if record is not None:
        _let_go(record.info)


@event.listens_for(Pool, "close")
def _close_lock_file(_dbapi_connection, record):
    if record is not None and _LOCK_FILE in record.info:
        _let_go(record.info)
        record.info.pop(_LOCK_FILE).close()
