"""Migrations build the whole schema from an empty database, reverse cleanly, and match the models."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import PrimaryKeyConstraint, UniqueConstraint, inspect, text

from app import create_app
from app.extensions import db
from tests.conftest import scratch_postgres


@pytest.fixture()
def empty_database(tmp_path, test_settings):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    with scratch_postgres("dongkou_mig", url) as scratch:
        yield scratch


def test_migrations_from_empty_match_the_models_and_reverse(empty_database, test_settings):
    app = create_app({**test_settings, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "households" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_sqlite_runs_with_foreign_keys_and_wal(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite pragmas only")
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_postgresql_sessions_store_times_in_utc_whatever_the_server_zone(make_app, test_settings):
    """Bulk writes (COPY) and ORM writes agree only in a UTC session: the app sets one even when
    the server or database says otherwise."""
    if not test_settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL sessions only")
    app = make_app(
        {**test_settings, "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": "-c TimeZone=Asia/Shanghai"}}}
    )
    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("SHOW TimeZone")).scalar() == "UTC"


def test_postgresql_sessions_do_not_jit_compile_the_reports(app, test_settings):
    """JIT compilation cost the county report's roll-up scans more than it saved."""
    if not test_settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL sessions only")
    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("SHOW jit")).scalar() == "off"


def test_no_index_repeats_the_lead_of_a_unique_key_or_a_wider_index():
    """An index on columns that already lead a unique or primary key (or are all of it), or a
    wider index of the same table, answers no lookup the other cannot, and costs upkeep on every
    row written. (A partial index covers only some rows: it is neither repeated nor the wider one.)"""
    repeated = []
    for table in db.metadata.sorted_tables:
        whole = [index for index in table.indexes if index.dialect_options["postgresql"]["where"] is None]
        keys = [
            tuple(c.name for c in constraint.columns)
            for constraint in table.constraints
            if isinstance(constraint, UniqueConstraint | PrimaryKeyConstraint)
        ]
        for index in whole:
            if index.unique:
                continue
            columns = tuple(c.name for c in index.columns)
            led = [key for key in keys if key[: len(columns)] == columns]
            led += [
                other.name
                for other in whole
                if other is not index
                and len(other.columns) > len(columns)
                and tuple(c.name for c in other.columns)[: len(columns)] == columns
            ]
            repeated += [(index.name, by) for by in led]
    assert repeated == []
