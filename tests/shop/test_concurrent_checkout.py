"""200 buyers at once for the last 50 boxes: exactly 50 orders, stock 0, 150 clear answers, no errors.

Runs on a fresh SQLite file and, when a PostgreSQL server is reachable, on a fresh
PostgreSQL database, where transactions really run side by side.
"""

import threading

import pytest
from sqlalchemy import func, insert
from werkzeug.security import generate_password_hash

from app.accounts.models import User
from app.catalog.models import Sku
from app.extensions import db
from app.orders.models import Order, OrderLine
from app.shop.models import CartItem
from tests import factories

# Three rounds of 200 at once: each a different interleaving; more added CI time, not doubt.
BUYERS, STOCK, ROUNDS = 200, 50, 3


def _crowd(app) -> list[str]:
    # A one-round hash: 200 sign-ins must not spend the test's time in scrypt.
    cheap = generate_password_hash("crowd-password", method="pbkdf2:sha256:1")
    emails = [f"buyer{n}@example.com" for n in range(BUYERS)]
    with app.app_context():
        db.session.execute(insert(User), [{"email": e, "name": "买家", "password_hash": cheap} for e in emails])
        db.session.commit()
    return emails


def _in_threads(work, items) -> None:
    threads = [threading.Thread(target=work, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _signed_in_clients(app, emails):
    clients = {}

    def sign_in(email):
        client = app.test_client()
        factories.login(client, email, "crowd-password")
        clients[email] = client

    _in_threads(sign_in, emails)
    return list(clients.values())


def _fill_carts(app, sku_ids: list[int], price_fen: int) -> None:
    # Setup, not the thing under test: every buyer has one box of each SKU in a stored cart.
    with app.app_context():
        db.session.execute(db.delete(CartItem))
        user_ids = db.session.execute(db.select(User.id).where(User.email.like("buyer%@example.com"))).scalars()
        db.session.execute(
            insert(CartItem),
            [
                {"user_id": u, "sku_id": sku_id, "quantity": 1, "price_seen_fen": price_fen}
                for u in user_ids
                for sku_id in sku_ids
            ],
        )
        db.session.commit()


def _round(clients) -> list[tuple[int, str]]:
    """All buyers submit checkout at the same moment."""
    ready = threading.Barrier(len(clients))
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def buyer(client):
        ready.wait()
        response = client.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"})
        with lock:
            results.append((response.status_code, response.get_data(as_text=True)))

    _in_threads(buyer, clients)
    return results


# It builds its own databases, so it gives the same answer whatever TEST_DATABASE_URL says: CI
# runs each of its variants in one of its two passes (see sqlite_pass in tests/conftest.py).
@pytest.mark.own_databases
@pytest.mark.no_cover  # a rush (see pytest.ini)
def test_two_hundred_buyers_for_fifty_boxes_never_oversell(own_db_app):
    clients = _signed_in_clients(own_db_app, _crowd(own_db_app))
    try:
        for round_no in range(ROUNDS):
            # The last round's carts hold two SKUs: every order locks both rows, in the same order.
            kinds = 2 if round_no == ROUNDS - 1 else 1
            with own_db_app.app_context():
                products = [
                    factories.product(f"雪峰蜜橘{round_no}-{k}", price_fen=3980, stock=STOCK) for k in range(kinds)
                ]
                db.session.commit()
                sku_ids = [product.skus[0].id for product in products]
            _fill_carts(own_db_app, sku_ids, 3980)
            results = _round(clients)
            statuses = [status for status, _body in results]
            assert statuses.count(303) == STOCK, f"round {round_no}: {sorted(set(statuses))}"
            assert statuses.count(409) == BUYERS - STOCK
            assert all("已售罄或库存不足" in body for status, body in results if status == 409)
            with own_db_app.app_context():
                for sku_id in sku_ids:
                    assert db.session.get(Sku, sku_id).stock == 0
                    sold = db.session.scalar(
                        db.select(func.coalesce(func.sum(OrderLine.quantity), 0)).where(OrderLine.sku_id == sku_id)
                    )
                    assert sold == STOCK
    finally:
        with own_db_app.app_context():
            assert db.session.scalar(db.select(func.count(Order.id))) == STOCK * ROUNDS
            db.session.remove()
            db.engine.dispose()


def _one_buyer_and_plenty_of_boxes(app):
    with app.app_context():
        sku_id = factories.product("雪峰蜜橘", stock=100).skus[0].id
        db.session.commit()
    (email,) = _crowd(app)[:1]
    return _signed_in_clients(app, [email])[0], sku_id


def _at_once(times: int, send) -> list:
    """The answers of ``send()`` called from ``times`` threads released together."""
    ready = threading.Barrier(times)
    answers = []

    def one(_n):
        ready.wait()
        answers.append(send())

    _in_threads(one, range(times))
    return answers


@pytest.mark.own_databases
def test_one_buyer_adding_from_many_tabs_at_once_loses_no_box(own_db_app):
    client, sku_id = _one_buyer_and_plenty_of_boxes(own_db_app)
    answers = _at_once(8, lambda: client.post("/cart/add", data={"sku_id": sku_id, "quantity": 2}).status_code)
    assert answers == [303] * 8
    with own_db_app.app_context():
        assert db.session.execute(db.select(CartItem.quantity)).scalars().all() == [16]


@pytest.mark.own_databases
def test_a_checkout_submitted_several_times_at_once_places_one_order(own_db_app):
    # A double click, or a phone resending on a bad connection: the cart is handed over once.
    client, sku_id = _one_buyer_and_plenty_of_boxes(own_db_app)
    assert client.post("/cart/add", data={"sku_id": sku_id, "quantity": 2}).status_code == 303

    def submit():
        answer = client.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"})
        return answer.status_code, answer.headers.get("Location", "")

    answers = _at_once(5, submit)
    # Whichever answer the browser ends up showing leads to the one order.
    assert len({location for _status, location in answers}) == 1 and "/orders/" in answers[0][1], answers
    assert [status for status, _location in answers] == [303] * 5
    with own_db_app.app_context():
        assert db.session.scalar(db.select(func.count(Order.id))) == 1
        assert db.session.get(Sku, sku_id).stock == 98
        assert db.session.scalar(db.select(func.count(CartItem.id))) == 0
        db.session.remove()
        db.engine.dispose()
