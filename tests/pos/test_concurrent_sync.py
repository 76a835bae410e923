"""Tablets resending at the same moment: each sale is stored once, on SQLite and on PostgreSQL."""

import threading

import pytest
from sqlalchemy import func

from app.audit.services import Actor
from app.extensions import db
from app.impact.ledger_check import find_discrepancies
from app.pos.devices import issue_device_token
from app.pos.models import BoothAllocation, BoothSale
from tests import factories
from tests.pos.fixtures import sale, sync

TABLETS, SALES = 6, 40


@pytest.mark.own_databases
def test_the_same_batch_from_several_requests_at_once_is_stored_once(own_db_app):
    with own_db_app.app_context():
        gaosha = factories.township()
        producer = factories.producer(gaosha, [factories.household(factories.village(gaosha))])
        mandarin = factories.product(producer_=producer)
        factories.booth(factories.event(), gaosha, "RUSH", allocations=[(mandarin.skus[0], 1000)])
        db.session.commit()
        code = mandarin.skus[0].code
        tokens = [issue_device_token("RUSH", f"平板{n}", Actor(None, "test"))[1] for n in range(2)]
    shared = [sale(code) for _ in range(SALES)]  # a batch whose answer every tablet "lost"
    own = [[sale(code) for _ in range(10)] for _ in range(TABLETS)]
    ready = threading.Barrier(TABLETS)
    statuses, lock = [], threading.Lock()

    def tablet(n: int):
        client = own_db_app.test_client()
        ready.wait()
        answer = sync(client, tokens[n % 2], shared + own[n])
        with lock:
            statuses.append((answer.status_code, answer.json["summary"]))

    threads = [threading.Thread(target=tablet, args=(n,)) for n in range(TABLETS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert [s for s, _ in statuses] == [200] * TABLETS, statuses
    assert sum(summary["created"] for _, summary in statuses) == SALES + 10 * TABLETS
    with own_db_app.app_context():
        assert db.session.scalar(db.select(func.count()).select_from(BoothSale)) == SALES + 10 * TABLETS
        assert db.session.scalar(db.select(BoothAllocation.sold)) == SALES + 10 * TABLETS
        assert find_discrepancies() == []
