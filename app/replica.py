"""Reports and exports may read from a PostgreSQL read replica (``DATABASE_REPLICA_URL``).

Inside ``reading_from_replica()`` the session sends its SELECT statements to the replica's
engine; anything else — a flush, an INSERT or UPDATE, a statement written as text — still goes
to the primary, so writes never reach the replica (it would refuse them: a standby is read-only).
Without a replica the block changes nothing. The replica lags the primary a little: pages that
read it say as of when (``replica_as_of``)."""

from contextlib import contextmanager
from datetime import datetime

from flask import Flask, current_app
from flask_sqlalchemy.session import Session
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

_REPLICA = "read_replica"


class ReplicaAwareSession(Session):
    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        replica = self.info.get(_REPLICA)
        if replica is not None and bind is None and kwargs.get(_REPLICA) and not self._flushing:
            return replica
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@event.listens_for(ReplicaAwareSession, "do_orm_execute")
def _mark_reads(state) -> None:
    # Every statement passes here before its connection is chosen, ORM-enabled or not (get_bind
    # alone is not told the statement of an ORM query); only SELECTs and their unions are marked.
    if state.is_select and _REPLICA in state.session.info:
        state.bind_arguments[_REPLICA] = True


def init_replica(app: Flask) -> None:
    url = app.config.get("SQLALCHEMY_REPLICA_URI")
    if url:
        app.extensions["replica_engine"] = create_engine(url, **app.config["SQLALCHEMY_ENGINE_OPTIONS"])


def _engine() -> Engine | None:
    return current_app.extensions.get("replica_engine")


@contextmanager
def reading_from_replica():
    """Send the block's reads to the replica, when there is one."""
    from app.extensions import db

    engine = _engine()
    if engine is None:
        yield
        return
    session = db.session()
    session.info[_REPLICA] = engine
    try:
        yield
    finally:
        session.info.pop(_REPLICA, None)


def replica_as_of() -> datetime | None:
    """The moment of the last change the replica has applied (None without a replica, or
    before it applied any): the figures read there are as of then."""
    engine = _engine()
    if engine is None:
        return None
    with engine.connect() as connection:
        return connection.scalar(text("SELECT pg_last_xact_replay_timestamp()"))
