"""The number of SQL statements per page stays small and does not grow with the data (no N+1)."""
import pytest
from sqlalchemy import event

from app.extensions import db
from tests import factories


@pytest.fixture()
def count_queries(app):
    statements = []

    def counted(path, client):
        with app.app_context():
            engine = db.engine
        def record(_conn, _cursor, statement, *_args):
            statements.append(statement)
        event.listen(engine, "before_cursor_execute", record)
        try:
            statements.clear()
            answer = client.get(path)
            assert answer.status_code == 200, path
            return len(statements)
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counted


def _shop(app, products: int):
    with app.app_context():
        township = factories.township(name="高沙镇")
        producer = factories.producer(township, [factories.household(factories.village(township))])
        made = [factories.product(f"雪峰蜜橘{n}", producer, certified_until=None) for n in range(products)]
        factories.user(email="counter@example.com")
        db.session.commit()
        return made[0].slug, made[0].skus[0].id


@pytest.mark.parametrize("products", [3, 20])
def test_pages_use_a_fixed_number_of_queries(app, count_queries, products):
    slug, sku_id = _shop(app, products)
    client = app.test_client()
    factories.login(client, "counter@example.com")
    client.post("/cart/add", data={"sku_id": sku_id, "quantity": 1})
    counts = {page: count_queries(path, client) for page, path in [
        ("home", "/"), ("list", "/products"), ("product", f"/products/{slug}"), ("cart", "/cart"),
        ("checkout", "/checkout")]}
    print(f"\nSQL statements per page with {products} products: {counts}")
    # Uncached (the suite runs without the page cache): with it, home and list take one statement.
    limits = {"home": 8, "list": 9, "product": 8, "cart": 6, "checkout": 8}
    assert all(counts[page] <= limit for page, limit in limits.items()), counts
