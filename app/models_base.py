"""Shared helpers for the models: column defaults, and writing many rows at once."""

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, event, insert, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.extensions import db


def utcnow() -> datetime:
    # A callable default, so each row gets its own time rather than the import time.
    return datetime.now(UTC)


class AppendOnly:
    """Rows that are evidence — the attribution ledger, the payout book: never changed or
    deleted through the ORM; a mistake is put right by a correcting row."""


class RowsAreAppendOnly(Exception):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_edits_of_evidence(session, _context, _instances):
    # An update or delete would silently rewrite history.
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AppendOnly) and (obj in session.deleted or session.is_modified(obj)):
            raise RowsAreAppendOnly(f"{table_of(type(obj)).name} rows are never changed; add a correcting row instead")


def table_of(model: type) -> Table:
    """A model's table, as the Core statements built below the ORM want it."""
    return cast(Table, inspect(model).local_table)


def rows_changed(statement) -> int:
    """Run an UPDATE or DELETE in the session's transaction; how many rows it changed."""
    result = db.session.execute(statement)
    return cast(CursorResult[Any], result).rowcount


def column_values(obj) -> dict:
    """The row a new ORM object would insert: its attributes, and each column's default where
    an attribute was not set. For insert_rows, which bypasses the ORM."""
    row = {}
    for attribute in inspect(type(obj)).column_attrs:
        column = attribute.columns[0]
        if attribute.key in obj.__dict__:
            row[column.name] = obj.__dict__[attribute.key]
        elif column.default is None:
            row[column.name] = None
        else:
            row[column.name] = column.default.arg(None) if column.default.is_callable else column.default.arg
    return row


def upsert(table: Table, dialect: str) -> postgresql.Insert | sqlite.Insert:
    """An INSERT on ``table`` that can take ON CONFLICT DO UPDATE, for the database kind named
    (PostgreSQL and SQLite spell it alike, but SQLAlchemy builds it per dialect)."""
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


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
    statement = f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN"
    driver = db.session.connection().connection.driver_connection
    dbapi = db.engine.dialect.dbapi
    assert driver is not None and dbapi is not None  # a live PostgreSQL connection: psycopg's own
    cursor = driver.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
    except dbapi.Error as error:
        # Raised as SQLAlchemy raises it (IntegrityError for a taken unique key), so callers
        # handle a COPY exactly like an INSERT.
        raise DBAPIError.instance(statement, None, error, dbapi.Error) from error
