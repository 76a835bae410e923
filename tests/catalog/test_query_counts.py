"""The number of SQL statements per page stays small and does not grow with the data (no N+1)."""

import pytest

from app.extensions import db
from tests import factories
from tests.statements import recorded_statements


def count_statements(app, client, path: str) -> int:
    with recorded_statements(app) as statements:
        assert client.get(path).status_code == 200, path
    return len(statements)


def _shop(app, products: int):
    with app.app_context():
        township = factories.township(name="高沙镇")
        producer = factories.producer(township, [factories.household(factories.village(township))])
        made = [factories.product(f"雪峰蜜橘{n}", producer, certified_until=None) for n in range(products)]
        factories.user(email="counter@example.com")
        db.session.commit()
        return made[0].slug, made[0].skus[0].id


def _counts(app, products: int) -> dict[str, int]:
    slug, sku_id = _shop(app, products)
    client = app.test_client()
    factories.login(client, "counter@example.com")
    client.post("/cart/add", data={"sku_id": sku_id, "quantity": 1})
    pages = [
        ("home", "/"),
        ("list", "/products"),
        ("product", f"/products/{slug}"),
        ("cart", "/cart"),
        ("checkout", "/checkout"),
    ]
    browsing = app.test_client(use_cookies=False)
    for _page, path in pages:
        # A cache, when there is one, is warm: as it is for nearly every visitor (and the shared
        # copy of a catalogue page is built by the visitors without a session).
        browsing.get(path)
        client.get(path)
    return {page: count_statements(app, client, path) for page, path in pages}


@pytest.mark.parametrize("products", [3, 20])
def test_pages_use_a_fixed_number_of_queries(app, products):
    counts = _counts(app, products)
    print(f"\nSQL statements per page with {products} products, no page cache: {counts}")
    # Checkout also reads the address book and the delivery rules (and the SKUs they price).
    limits = {"home": 7, "list": 7, "product": 9, "cart": 3, "checkout": 5}
    assert all(counts[page] <= limit for page, limit in limits.items()), counts


@pytest.mark.parametrize("products", [3, 20])
def test_cached_pages_read_only_what_is_live(make_app, test_settings, products):
    """With the page cache: catalogue pages are the shared copy with the signed-in visitor's own
    header, so only their user with their cart's count is read: one statement."""
    app = make_app({**test_settings, "CACHE_TYPE": "SimpleCache", "SHARED_PAGE_SECONDS": 10})
    counts = _counts(app, products)
    print(f"\nSQL statements per page with {products} products, page cache warm: {counts}")
    limits = {"home": 1, "list": 1, "product": 1, "cart": 3, "checkout": 5}
    assert all(counts[page] <= limit for page, limit in limits.items()), counts


def test_adding_to_the_cart_and_placing_an_order_take_a_fixed_number_of_statements(app, monkeypatch):
    from app.jobs import queue

    # Count the request as production runs it: its mail job goes to the queue, then runs apart.
    enqueued = []
    monkeypatch.setattr(queue, "enqueue", lambda func, *args, **_options: enqueued.append((func, args)))
    slug, sku_id = _shop(app, 3)
    client = app.test_client()
    factories.login(client, "counter@example.com")
    with recorded_statements(app) as statements:
        assert client.post("/cart/add", data={"sku_id": sku_id, "quantity": 2}).status_code == 303
    added = len(statements)
    # Adding is one statement: on PostgreSQL, no transaction around it (no BEGIN, no COMMIT).
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            assert statements.in_transaction == [False] * added
    client.get("/checkout")
    with recorded_statements(app) as statements:
        answer = client.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"})
        assert answer.status_code == 303
    placed = len(statements)
    with recorded_statements(app) as statements:
        assert client.get(answer.headers["Location"]).status_code == 200
    shown = len(statements)
    # The pages that only read run each statement alone on PostgreSQL: no BEGIN, no ROLLBACK.
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            assert statements.in_transaction == [False] * shown
            client.post("/cart/add", data={"sku_id": sku_id, "quantity": 1})
            for page in ("/cart", "/checkout", "/orders"):
                with recorded_statements(app) as statements:
                    assert client.get(page).status_code == 200
                assert statements.in_transaction == [False] * len(statements), page
    [(deliver, args)] = enqueued
    with recorded_statements(app) as statements, app.app_context():
        deliver(*args)
    mailed = len(statements)
    print(
        f"\nSQL statements: add to cart {added}, place an order {placed}, the order's page {shown}, "
        f"its mail's delivery job {mailed}"
    )
    # Add: the line inserted or added to from the SKU on sale, by a statement that also checks the
    # session (the user is not loaded). Place: the cart's lines read with what the lines copy, the
    # stock and the producer's delivery rules (the session checked alike); then the cart handed
    # over, the stock taken and the order (its number checked by the unique key), line, status row
    # and confirmation mail: one statement on PostgreSQL; on SQLite, one for the hand-over, one per
    # SKU taken and one per row. The order's page: user, order with its lines, the header's cart badge.
    # The mail, sent by its job: claim it, read it, write it from the order with its lines and the
    # buyer (the order's request read neither), record it sent.
    with app.app_context():
        writes = 1 if db.engine.dialect.name == "postgresql" else 1 + 1 + 4
    # Exactly: a statement sent past SQLAlchemy's events would escape an upper bound unseen.
    assert added == 1 and placed == 1 + writes and shown <= 3 and mailed <= 5, (added, placed, shown, mailed)
