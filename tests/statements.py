"""What tests that count SQL statements need: the statements a block sends, and for each
whether it runs inside a transaction."""

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db


def in_transaction(connection, statement: str) -> bool:
    """Whether ``statement``, about to be sent on ``connection``, runs inside a transaction."""
    driver = connection.connection.driver_connection
    if hasattr(driver, "autocommit"):  # psycopg: it sends a BEGIN before the first statement unless in autocommit
        return not driver.autocommit
    # sqlite3 begins a transaction itself only before a statement that writes.
    writes = not statement.lstrip().upper().startswith("SELECT")
    return driver.in_transaction or (driver.isolation_level is not None and writes)


class Statements(list):
    """SQL statements as sent, and for each whether it ran inside a transaction."""

    def __init__(self):
        super().__init__()
        self.in_transaction: list[bool] = []


@contextmanager
def recorded_statements(app):
    """The SQL statements sent while the block runs."""
    statements = Statements()
    with app.app_context():
        engine = db.engine

    def record(conn, _cursor, statement, *_args):
        statements.append(statement)
        statements.in_transaction.append(in_transaction(conn, statement))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
