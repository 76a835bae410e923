"""SQLite writers that take a turn (app.writer_turns) wait for the holder's commit in the
kernel, and a thread never waits for a turn it holds itself."""

import threading
import time

import pytest

from app.extensions import db
from app.writer_turns import take_writer_turn


def _sqlite_only(app) -> None:
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL queues writers on their rows; the turns are SQLite's")


def test_a_writer_waits_for_the_turn_until_the_holder_commits(app):
    _sqlite_only(app)
    said: list[str] = []
    holding = threading.Event()

    def first():
        with app.app_context():
            take_writer_turn(db.session.connection())
            holding.set()
            time.sleep(0.3)
            said.append("first commits")
            db.session.commit()

    def second():
        holding.wait()
        with app.app_context():
            take_writer_turn(db.session.connection())
            said.append("second has the turn")
            db.session.rollback()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert said == ["first commits", "second has the turn"]


def test_a_thread_holding_a_turn_writes_elsewhere_without_waiting_for_itself(app):
    _sqlite_only(app)

    def nested():
        with app.app_context():
            take_writer_turn(db.session.connection())
            with app.app_context():  # another session, as a job run in this process has
                take_writer_turn(db.session.connection())
                db.session.rollback()
            db.session.commit()

    thread = threading.Thread(target=nested)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "the thread waited for the turn it held"
