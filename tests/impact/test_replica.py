"""Reports read from a real PostgreSQL streaming replica: a primary and its standby started by the
test (initdb, pg_basebackup) on free ports. While the standby is paused the report read there
is the old one; once it has caught up it equals the primary's; writes never go there."""

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.extensions import db
from app.impact import reports
from app.replica import reading_from_replica, replica_as_of
from tests import factories
from tests.conftest import _free_port
from tests.impact.test_reports import _world

pytestmark = pytest.mark.own_databases  # starts its own primary and standby

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1] if glob.glob("/usr/lib/postgresql/*/bin") else None


def _as_postgres(command: list[str], **kwargs):
    # The server refuses to run as root; the test runs it as the postgres account then.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + command, check=True, capture_output=True, text=True, **kwargs)


@pytest.fixture()
def primary_and_standby():
    if BIN is None or (os.geteuid() == 0 and not shutil.which("runuser")):
        pytest.skip("PostgreSQL's server programs are not installed")
    folder = Path(tempfile.mkdtemp(prefix="dongkou-replica-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    primary, standby = folder / "primary", folder / "standby"
    ports = _free_port(), _free_port()
    _as_postgres([f"{BIN}/initdb", "-D", str(primary), "-A", "trust", "-U", "postgres"])
    with open(primary / "postgresql.conf", "a") as conf:
        conf.write(
            f"\nport = {ports[0]}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{folder}'\n"
            "wal_level = replica\nmax_wal_senders = 4\nfsync = off\nsynchronous_commit = off\n"
        )
    started = []
    try:
        _as_postgres([f"{BIN}/pg_ctl", "-D", str(primary), "-l", str(folder / "primary.log"), "-w", "start"])
        started.append(primary)
        _as_postgres(
            [
                f"{BIN}/pg_basebackup",
                "-h",
                "127.0.0.1",
                "-p",
                str(ports[0]),
                "-U",
                "postgres",
                "-D",
                str(standby),
                "-R",
                "-X",
                "stream",
            ]
        )
        # As a reporting replica is run: the primary keeps the row versions the standby's readers
        # still see, so replay never waits on them.
        with open(standby / "postgresql.conf", "a") as conf:
            conf.write("\nhot_standby_feedback = on\n")
        _as_postgres(
            [
                f"{BIN}/pg_ctl",
                "-D",
                str(standby),
                "-l",
                str(folder / "standby.log"),
                "-w",
                "-o",
                f"-p {ports[1]}",
                "start",
            ]
        )
        started.append(standby)
        admin = create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{ports[0]}/postgres", isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE shop"))
        admin.dispose()
        yield tuple(f"postgresql+psycopg://postgres@127.0.0.1:{p}/shop" for p in ports)
    finally:
        for data in reversed(started):
            _as_postgres([f"{BIN}/pg_ctl", "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(folder, ignore_errors=True)


def _caught_up(primary_url: str, standby_url: str) -> None:
    primary, standby = create_engine(primary_url), create_engine(standby_url)
    with primary.connect() as conn:
        # The insert position, not pg_current_wal_lsn() (the write position): with
        # synchronous_commit off the last commit may still be in WAL buffers, behind the write
        # position, and a standby "caught up" to that would not have it yet.
        target = conn.scalar(text("SELECT pg_current_wal_insert_lsn()"))
    deadline = time.monotonic() + 30
    with standby.connect() as conn:
        while conn.scalar(text("SELECT pg_last_wal_replay_lsn() >= CAST(:t AS pg_lsn)"), {"t": target}) is not True:
            assert time.monotonic() < deadline, "the standby did not catch up"
            time.sleep(0.05)
    primary.dispose()
    standby.dispose()


def _pause_replay(standby_url: str) -> None:
    """Stop the standby applying changes; a pause is only asked for until the standby says paused."""
    engine = create_engine(standby_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_wal_replay_pause()"))
        deadline = time.monotonic() + 30
        while conn.scalar(text("SELECT pg_get_wal_replay_pause_state()")) != "paused":
            assert time.monotonic() < deadline, "the standby did not pause"
            time.sleep(0.05)
    engine.dispose()


def _resume_replay(standby_url: str) -> None:
    engine = create_engine(standby_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_wal_replay_resume()"))
    engine.dispose()


def test_reports_read_from_the_replica_agree_once_it_has_caught_up(make_app, test_settings, primary_and_standby):
    from flask_migrate import upgrade

    primary_url, standby_url = primary_and_standby
    app = make_app({**test_settings, "SQLALCHEMY_DATABASE_URI": primary_url, "SQLALCHEMY_REPLICA_URI": standby_url})
    with app.app_context():
        upgrade()
        skus, buyer_id, staff_id = _world()
        factories.user(email="office@example.com", role="staff")
        db.session.commit()
        factories.paid_on_delivery(buyer_id, skus[0].id, 2, staff_id)
        _caught_up(primary_url, standby_url)
        everything = reports.ReportFilters()
        with reading_from_replica():
            assert reports.build_report("township", everything, staff=True).total.sales_fen == 7960

        _pause_replay(standby_url)
        factories.paid_on_delivery(buyer_id, skus[0].id, 1, staff_id)
        with reading_from_replica():
            lagging = reports.build_report("township", everything, staff=True).total.sales_fen
            # A write made while reading from the replica goes to the primary (the standby would refuse it).
            factories.township(name="副本期间新增镇")
            db.session.commit()
        assert lagging == 7960  # read on the paused standby, not the primary
        assert reports.build_report("township", everything, staff=True).total.sales_fen == 11940

        _resume_replay(standby_url)
        _caught_up(primary_url, standby_url)
        with reading_from_replica():
            replicated = reports.build_report("township", everything, staff=True)
        assert replicated == reports.build_report("township", everything, staff=True)
        assert replicated.total.sales_fen == 11940
        assert replica_as_of() is not None
        db.session.remove()

    staff = app.test_client()
    factories.login(staff, "office@example.com")
    page = staff.get("/staff/reports").get_data(as_text=True)
    assert "数据来自只读副本，截至" in page and "¥119.40" in page
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    app.extensions["replica_engine"].dispose()  # before the servers stop
