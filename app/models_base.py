"""Shared helpers for the models: column defaults, and writing many rows at once."""

import functools
import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import (
    Connection,
    CursorResult,
    Index,
    Pool,
    String,
    Table,
    TextualSelect,
    column,
    event,
    inspect,
    literal_column,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.sql.dml import UpdateBase

from app.extensions import db
from app.writer_turns import take_writer_turn


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


def index_where_set(table: str, column: str) -> Index:
    """The index of a nullable column over the rows that set it. Most rows leave such a column
    empty (an online order names no event, contract or lot), and an index of every row made each
    of them write an entry nobody looks up: a lookup by value (``column = x``) implies the
    column is set, so both databases use the smaller index for it."""
    where_set = text(f"{column} IS NOT NULL")
    return Index(f"ix_{table}_{column}", column, postgresql_where=where_set, sqlite_where=where_set)


def table_of(model: type) -> Table:
    """A model's table, as the Core statements built below the ORM want it."""
    return cast(Table, inspect(model).local_table)


def rows_changed(statement) -> int:
    """Run an UPDATE or DELETE in the session's transaction; how many rows it changed."""
    result = db.session.execute(statement)
    return cast(CursorResult[Any], result).rowcount


def without_transaction() -> None:
    """Run the request's statements from here on each on its own (autocommit), for a request
    that only reads, or writes with one statement: PostgreSQL is spared a BEGIN and a COMMIT
    (or ROLLBACK), two round trips. Does nothing once the session's transaction has begun, nor
    on SQLite: in-process, it has no round trips to spare, and switching a connection to
    autocommit and back costs it two statements."""
    if db.engine.dialect.name == "postgresql" and not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


Writing = TypeVar("Writing", bound=UpdateBase)
_LOG_UNSYNCED = "sqlite_log_unsynced"  # marks a pooled SQLite connection whose log is left unsynced


def losable_on_crash(statement: Writing, dialect: str) -> Writing:
    """``statement`` (an INSERT, UPDATE or DELETE with RETURNING, run by execute_losable_on_crash)
    committed without waiting for its write to reach the disk: for writes a database crash may
    lose without harm, such as a buyer's cart line (never money nor stock). Waiting for the disk
    was the largest part of an "add to cart", the database idle in fdatasync while the buyer
    waited; a crash now loses at most the last moment's additions, and the next commit that
    waits (an order taking the cart) writes them out with it. The statement's transaction must
    hold nothing that has to survive.

    PostgreSQL: a column of its RETURNING turns synchronous_commit off for its transaction alone,
    once it has written a row."""
    if dialect != "postgresql":
        return statement
    # Spelled out rather than bound: three parameters more cost more than the column itself.
    lazy_commit = literal_column("set_config('synchronous_commit', 'off', true)", String).label("lazy_commit")
    return cast(Writing, statement.returning(lazy_commit))


def execute_losable_on_crash(statement: UpdateBase, params: dict) -> CursorResult[Any]:
    """Run a statement built by losable_on_crash on the session's connection. Does not commit.

    SQLite has no setting per transaction, only per connection and between transactions: a
    connection with no transaction open skips syncing its log from this statement until it goes
    back to the pool (the listener below); one that has a transaction open (another write came
    first) keeps waiting for the disk. Done here rather than in an engine event: an engine with
    an execute listener sends every statement of every request through the slower event path."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        if driver is not None and not driver.in_transaction:
            driver.execute("PRAGMA synchronous = NORMAL")
            connection.connection.info[_LOG_UNSYNCED] = True
        take_writer_turn(connection)
    return connection.execute(statement, params)


@event.listens_for(Pool, "checkin")
def _sqlite_log_synced_again(dbapi_connection, record):
    # Back in the pool, its transaction ended: whatever the connection does next waits for the
    # disk, as every commit does unless it asks otherwise.
    if record is not None and record.info.pop(_LOG_UNSYNCED, False) and dbapi_connection is not None:
        dbapi_connection.execute("PRAGMA synchronous = FULL")


def statements_alone(view: Callable) -> Callable:
    """A page whose statements may each run on their own (``without_transaction``): one that
    only reads, or whose writes are single statements that stand alone. Put it above
    ``login_required``, which loads the signed-in user before the view runs: on PostgreSQL a
    read in a transaction costs a BEGIN and a ROLLBACK more, two round trips and about 0.15 ms
    of the web worker's CPU."""

    @functools.wraps(view)
    def alone(*args, **kwargs):
        without_transaction()
        return view(*args, **kwargs)

    return alone


@functools.cache
def _columns_of(model: type) -> tuple[tuple[str, str, Any, bool], ...]:
    """Each column attribute of ``model``: its key, its column's name, its default (None for
    none) and whether that default is a function to call. Read from the mapper once per model:
    every order's rows are made through column_values, and asking the mapper again for every
    row cost more than making the row."""
    columns = []
    mapper: Mapper[Any] = inspect(model)
    for attribute in mapper.column_attrs:
        column = attribute.columns[0]
        default = column.default
        if default is None:
            columns.append((attribute.key, column.name, None, False))
        else:
            columns.append((attribute.key, column.name, default.arg, default.is_callable))
    return tuple(columns)


def column_values(obj) -> dict:
    """The row a new ORM object would insert: its attributes, and each column's default where
    an attribute was not set. For insert_rows, which bypasses the ORM."""
    given = obj.__dict__
    return {
        name: given[key] if key in given else default(None) if called else default
        for key, name, default, called in _columns_of(obj.__class__)
    }


def upsert(table: Table, dialect: str) -> postgresql.Insert | sqlite.Insert:
    """An INSERT on ``table`` that can take ON CONFLICT DO UPDATE, for the database kind named
    (PostgreSQL and SQLite spell it alike, but SQLAlchemy builds it per dialect)."""
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def insert_rows(model, rows: list[dict]) -> None:
    """Insert many rows of ``model`` without reading anything back. Does not commit.

    On PostgreSQL they go in with a binary COPY, on the session's connection and inside its
    transaction: psycopg would otherwise send one statement per row, and a booth batch writes
    thousands of ledger rows; in binary, neither side spells out and parses a timestamp (its
    text was a twentieth of a booth batch's instructions). SQLite's executemany is fast
    already. Every row has the keys of the first; times are stored in UTC, like everything the
    ORM writes."""
    if not rows:
        return
    if db.engine.dialect.name != "postgresql":
        # The INSERT as the text it is, not the model's (the ORM's bulk path looked at every row's
        # keys against the mapper, a third of a booth batch's time) nor the table's (SQLAlchemy
        # then processed each row's parameters one by one, a sixth of what remained).
        _sqlite_insert(db.session.connection(), table_of(model), rows)
        return
    copy_rows(model.__tablename__, rows)


def insert_objects(model, objects: list) -> None:
    """Insert new ORM objects of ``model`` as rows, giving each its id; the objects stay outside
    the session (the caller changes nothing on them afterwards). Does not commit.

    The ids are drawn first and the rows go in with them, on PostgreSQL by COPY (psycopg would
    parse a large INSERT … RETURNING in Python), on SQLite as one executemany (SQLAlchemy's
    INSERT … RETURNING of many rows cost as much again in Python): an ORM flush would build a
    unit of work for every object. On SQLite the caller's transaction must have written already,
    as the booth sync's first statement does: it then holds the database's one write lock, and
    nobody else can take the ids between their reading and the writing."""
    if not objects:
        return
    table = table_of(model)
    for obj, new_id in zip(objects, _new_ids(table.name, len(objects)), strict=True):
        obj.id = new_id
    rows = [column_values(obj) for obj in objects]
    if db.engine.dialect.name == "postgresql":
        copy_rows(table.name, rows)
    else:
        _sqlite_insert(db.session.connection(), table, rows)


def _new_ids(table: str, n: int) -> list[int]:
    # The table's name comes from our models, never from input.
    if db.engine.dialect.name != "postgresql":
        # SQLite numbers a row it is given no id for max(id) + 1: the same numbers.
        first = db.session.scalar(text(f"SELECT coalesce(max(id), 0) + 1 FROM {table}"))  # nosec B608
        return list(range(first, first + n))
    # The sequence named as text, not looked up by pg_get_serial_sequence, which PostgreSQL
    # ran again for every id drawn (0.6 ms of a booth batch's 100 orders).
    sequence = _sequence_of(table)
    return list(
        db.session.scalars(text(f"SELECT nextval('{sequence}') FROM generate_series(1, :n)"), {"n": n})  # nosec B608
    )


@functools.cache
def _sequence_of(table: str) -> str:
    """The sequence that numbers ``table``'s ids (PostgreSQL), read once per table and process."""
    return db.session.scalar(text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table})


def insert_together(
    parent,
    children: Sequence = (),
    others: Sequence = (),
    alongside: Sequence[tuple[UpdateBase, dict[str, Any]]] = (),
) -> list[list[tuple]]:
    """Insert the new ORM object ``parent``, the new ``children`` that belong to it (their
    foreign key to its table is filled in) and the unrelated new ``others``, giving the parent
    and the others their ids, after the data-modifying statements ``alongside`` (pairs of a
    statement with RETURNING and its parameters). Returns each of those statements' rows, as
    tuples, for the caller to judge before it commits. None of the objects joins the session.
    Does not commit.

    On PostgreSQL this is one statement (data-modifying WITH clauses): an ORM flush would send
    an INSERT per row and build a unit of work around them, and a placed order's row, line,
    history row and confirmation mail were four round trips. SQLite, in-process, has no round
    trips to save and no INSERT inside WITH: it gets one plain INSERT per table."""
    parent_table = table_of(type(parent))
    child_tables = tuple(table_of(type(child)) for child in children)
    keys = [_key_to(table, parent_table) for table in child_tables]
    # On the session's connection: the ORM's execute path costs more than these statements.
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        params = {"p": _json_row(parent)}
        params.update({f"c{i}": _json_row(child) for i, child in enumerate(children)})
        params.update({f"o{i}": _json_row(other) for i, other in enumerate(others)})
        for _, given in alongside:
            params.update(given)
        statement = _together(
            parent_table,
            child_tables,
            tuple(table_of(type(other)) for other in others),
            tuple(writing for writing, _ in alongside),
        )
        parent.id, *ids_and_rows = connection.execute(statement, params).one()
        ids, returned = ids_and_rows[: len(others)], ids_and_rows[len(others) :]
        rows = [[tuple(row.values()) for row in written or ()] for written in returned]
        for child, key in zip(children, keys, strict=True):
            setattr(child, key, parent.id)
    else:
        take_writer_turn(connection)
        rows = [[tuple(row) for row in connection.execute(writing, given)] for writing, given in alongside]
        # Each INSERT as the text it is, with its values converted as SQLAlchemy would: compiling
        # and processing the four statements was most of their cost, and SQLite holds its one
        # write lock (every other writer sleeping in its busy handler) until the order commits.
        parent.id = _sqlite_insert(connection, parent_table, [_new_row(parent)])
        for child, key in zip(children, keys, strict=True):
            setattr(child, key, parent.id)
        for table in dict.fromkeys(child_tables):
            _sqlite_insert(
                connection,
                table,
                [_new_row(child) for child, t in zip(children, child_tables, strict=True) if t is table],
            )
        ids = [_sqlite_insert(connection, table_of(type(other)), [_new_row(other)]) for other in others]
    for other, new_id in zip(others, ids, strict=True):
        other.id = new_id
    return rows


def _sqlite_insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """SQLite only: insert ``rows`` (column names to values, each with the keys of the first)
    into ``table``. Returns the new id when there is one row."""
    names = tuple(rows[0])
    statement, conversions = _sqlite_insert_of(table, names)
    values = [
        tuple(convert(row[name]) if convert else row[name] for name, convert in zip(names, conversions, strict=True))
        for row in rows
    ]
    inserted = connection.exec_driver_sql(statement, values[0] if len(values) == 1 else values)
    return inserted.lastrowid


@functools.cache
def _sqlite_insert_of(table: Table, names: tuple[str, ...]) -> tuple[str, list[Callable | None]]:
    """The INSERT of these columns of a table, and SQLAlchemy's conversion of each value for
    SQLite (times as the text it stores them as), built once per table and columns."""
    dialect = db.engine.dialect
    # The table and column names come from our models, never from input; the values are parameters.
    statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"  # nosec B608
    return statement, [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]


def _json_row(obj) -> str:
    """A new row as one JSON object, which PostgreSQL turns into a row of the table's own types
    (json_populate_record): one parameter for the row instead of one per column, which spares
    both drivers their per-parameter work (and psycopg caches no statement of over 50)."""
    return json.dumps(_new_row(obj), ensure_ascii=False, default=_json_moment)


def _json_moment(value: date) -> str:
    # Times as the ORM stores them: the instant in UTC, without a zone.
    moment = naive_utc(value) if isinstance(value, datetime) else value
    return cast(date, moment).isoformat()


def _new_row(obj) -> dict:
    return {name: value for name, value in column_values(obj).items() if name != "id"}


def _key_to(table: Table, parent: Table) -> str:
    """The one column of ``table`` that refers to ``parent``'s rows."""
    (key,) = {fk.parent.name for fk in table.foreign_keys if fk.column.table is parent}
    return key


@functools.cache
def _together(
    parent: Table, children: tuple[Table, ...], others: tuple[Table, ...], alongside: tuple[UpdateBase, ...]
) -> TextualSelect:
    """insert_together's statement for PostgreSQL, built once per shape (tables, rows and the
    statements alongside)."""

    # The table and column names come from our models, never from input; the values are parameters.
    def clause(alias: str, table: Table, key: str = "") -> str:
        """Insert the row given as parameter ``alias``; ``key``, its column that takes the parent's id."""
        names = ", ".join(c.name for c in table.columns if c.name not in ("id", key))
        source = f"json_populate_record(NULL::{table.name}, CAST(:{alias} AS json))"
        if key:
            return f"{alias} AS (INSERT INTO {table.name} ({key}, {names}) SELECT p.id, {names} FROM p, {source})"  # nosec B608
        return f"{alias} AS (INSERT INTO {table.name} ({names}) SELECT {names} FROM {source} RETURNING id)"  # nosec B608

    # Written as the text PostgreSQL runs, with :name parameters as the inserts above have.
    clauses = [f"w{i} AS ({writing.compile(dialect=_NAMED_PARAMETERS)})" for i, writing in enumerate(alongside)]
    clauses += [clause("p", parent)]
    clauses += [clause(f"c{i}", table, _key_to(table, parent)) for i, table in enumerate(children)]
    clauses += [clause(f"o{i}", table) for i, table in enumerate(others)]
    ids = "".join(f", o{i}.id" for i in range(len(others)))
    # Only aliases numbered here: the statements' rows come back as JSON arrays of their rows.
    returned = "".join(f", (SELECT json_agg(w{i}) FROM w{i})" for i in range(len(alongside)))  # nosec B608
    sources = "".join(f", o{i}" for i in range(len(others)))
    statement = text(f"WITH {', '.join(clauses)} SELECT p.id{ids}{returned} FROM p{sources}")  # nosec B608
    # Its columns named up front, as a SELECT's are: SQLAlchemy then reads the result's shape
    # once and keeps it, where for bare text it worked it out from the cursor on every order.
    # Untyped: psycopg hands the numbers and the JSON over decoded already.
    width = 1 + len(others) + len(alongside)
    return statement.columns(*(column(f"c{n}") for n in range(width)))


# PostgreSQL's SQL with :name parameters and no casts after them, which text() would not read.
_NAMED_PARAMETERS = PGDialect(paramstyle="named")


def copy_rows(table: str, rows: list[dict]) -> None:
    """PostgreSQL only: ``rows`` into ``table`` (a model's, or a temporary one of the session's)
    by binary COPY on the session's connection. Does not commit."""
    columns = list(rows[0])
    # The table and column names come from our models, never from input.
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    driver = db.session.connection().connection.driver_connection
    dbapi = db.engine.dialect.dbapi
    assert driver is not None and dbapi is not None  # a live PostgreSQL connection: psycopg's own
    types = _column_types(driver, table)
    oids = [types[c] for c in columns]
    moments = [i for i, oid in enumerate(oids) if oid == _TIMESTAMP]
    cursor = driver.cursor()
    try:
        with cursor.copy(statement) as copy:
            copy.set_types(oids)
            for row in rows:
                values = [row[c] for c in columns]
                for i in moments:
                    values[i] = naive_utc(values[i])
                copy.write_row(values)
    except dbapi.Error as error:
        # Raised as SQLAlchemy raises it (IntegrityError for a taken unique key), so callers
        # handle a COPY exactly like an INSERT.
        raise DBAPIError.instance(statement, None, error, dbapi.Error) from error


_TIMESTAMP = 1114  # PostgreSQL's timestamp without time zone
_types_of: dict[str, dict[str, int]] = {}


def _column_types(driver, table: str) -> dict[str, int]:
    """Each column's type, as a binary COPY must name it; read once per table and process."""
    if table not in _types_of:
        _types_of[table] = dict(
            driver.execute(
                "SELECT attname, atttypid::int FROM pg_attribute"
                " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                (table,),
            ).fetchall()
        )
    return _types_of[table]


def naive_utc(moment: datetime | None) -> datetime | None:
    """A moment as the database stores it: the instant in UTC, without a zone (a binary
    timestamp carries none)."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
