"""Shared helpers for the models: column defaults, and writing many rows at once."""
from datetime import datetime, timezone

from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from app.extensions import db


def utcnow() -> datetime:
    # A callable default, so each row gets its own time rather than the import time.
    return datetime.now(timezone.utc)


def insert_rows(model, rows: list[dict]) -> None:
    """Insert many rows of ``model`` without reading anything back. Does not commit.

    On PostgreSQL they go in with COPY, on the session's connection and inside its
    transaction: psycopg would otherwise send one statement per row, and a booth batch writes
    thousands of ledger rows. SQLite's executemany is fast already. Every row has the keys of
    the first; times are in UTC, like everything the ORM writes."""
    if not rows:
        return
    if db.engine.dialect.name != "postgresql":
        db.session.execute(insert(model), rows)
        return
    columns = list(rows[0])
    # The table and column names come from our models, never from input.
    statement = f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN"  # nosec B608
    cursor = db.session.connection().connection.driver_connection.cursor()
    dbapi = db.engine.dialect.dbapi
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
    except dbapi.Error as error:
        # Raised as SQLAlchemy raises it (IntegrityError for a taken unique key), so callers
        # handle a COPY exactly like an INSERT.
        raise DBAPIError.instance(statement, None, error, dbapi.Error) from error
