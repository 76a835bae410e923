"""What tests that count SQL statements need to know of each statement as it is sent."""


def in_transaction(connection, statement: str) -> bool:
    """Whether ``statement``, about to be sent on ``connection``, runs inside a transaction."""
    driver = connection.connection.driver_connection
    if hasattr(driver, "autocommit"):  # psycopg: it sends a BEGIN before the first statement unless in autocommit
        return not driver.autocommit
    # sqlite3 begins a transaction itself only before a statement that writes.
    writes = not statement.lstrip().upper().startswith("SELECT")
    return driver.in_transaction or (driver.isolation_level is not None and writes)
