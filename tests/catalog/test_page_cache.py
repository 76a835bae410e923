"""Catalogue pages are served from the cache until the catalogue changes, and a change shows at once."""
from sqlalchemy import event

from app.domain import roles
from app.extensions import db
from tests import factories


def test_a_price_change_shows_at_once_and_unchanged_pages_come_from_the_cache(make_app, test_settings):
    app = make_app({**test_settings, "CACHE_TYPE": "SimpleCache"})
    with app.app_context():
        product = factories.product("雪峰蜜橘", price_fen=3980, featured=True)
        factories.user(email="cache-staff@example.com", role=roles.STAFF)
        db.session.commit()
        product_id, sku_id = product.id, product.skus[0].id
        engine = db.engine
    shopper = app.test_client()
    assert "¥39.80" in shopper.get("/products").get_data(as_text=True)
    assert "¥39.80" in shopper.get("/").get_data(as_text=True)

    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    shopper.get("/")
    shopper.get("/products")
    assert len(statements) <= 2  # the catalogue version, once per page; the rest is cached

    staff = app.test_client()
    factories.login(staff, "cache-staff@example.com")
    assert staff.post(f"/staff/products/{product_id}/skus/{sku_id}/price", data={"price": "35.00"}).status_code == 303
    for path in ("/", "/products", "/products?category=&page=1"):
        body = shopper.get(path).get_data(as_text=True)
        assert "¥35.00" in body and "¥39.80" not in body, path


def test_the_cached_part_does_not_carry_the_visitors_identity(make_app, test_settings):
    app = make_app({**test_settings, "CACHE_TYPE": "SimpleCache"})
    with app.app_context():
        factories.product("雪峰蜜橘")
        factories.user(email="first@example.com", name="第一位顾客")
        db.session.commit()
    first = app.test_client()
    factories.login(first, "first@example.com")
    assert "第一位顾客" in first.get("/").get_data(as_text=True)
    assert "第一位顾客" not in app.test_client().get("/").get_data(as_text=True)
