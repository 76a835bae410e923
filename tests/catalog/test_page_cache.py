"""Catalogue pages are served from the cache until the catalogue changes, and a change shows at once."""

from app.clock import today
from app.domain import roles
from app.extensions import db
from tests import factories
from tests.statements import recorded_statements


def test_a_price_change_shows_at_once_and_unchanged_pages_come_from_the_cache(make_app, test_settings):
    app = make_app({**test_settings, "CACHE_TYPE": "SimpleCache"})
    with app.app_context():
        product = factories.product("雪峰蜜橘", price_fen=3980, featured=True)
        factories.user(email="cache-staff@example.com", role=roles.STAFF)
        db.session.commit()
        product_id, sku_id = product.id, product.skus[0].id
    shopper = app.test_client()
    assert "¥39.80" in shopper.get("/products").get_data(as_text=True)
    assert "¥39.80" in shopper.get("/").get_data(as_text=True)

    with recorded_statements(app) as statements:
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


def test_the_product_page_shows_live_stock_and_a_new_benefit_link_at_once(make_app, test_settings):
    app = make_app({**test_settings, "CACHE_TYPE": "SimpleCache"})
    with app.app_context():
        township = factories.township(name="高沙镇")
        village = factories.village(township, name="花园村")
        producer = factories.producer(township, [factories.household(village, head_name="王大明")])
        newcomer = factories.household(village, head_name="李小红")
        product = factories.product("雪峰蜜橘", producer, stock=25)
        factories.user(email="cache-staff@example.com", role=roles.STAFF)
        factories.user(email="buyer@example.com")
        db.session.commit()
        slug, product_id, sku_id = product.slug, product.id, product.skus[0].id
        producer_id, registration_no = producer.id, newcomer.registration_no
    visitor = app.test_client()
    page = visitor.get(f"/products/{slug}").get_data(as_text=True)
    assert "有货" in page and "1 户" in page

    buyer = app.test_client()
    factories.login(buyer, "buyer@example.com")
    assert factories.buy(buyer, sku_id, quantity=10).status_code == 303
    assert "仅剩 15" in visitor.get(f"/products/{slug}").get_data(as_text=True)  # stock is never cached

    staff = app.test_client()
    factories.login(staff, "cache-staff@example.com")
    assert (
        staff.post(
            f"/staff/producers/{producer_id}/links",
            data={"registration_no": registration_no, "weight": 1, "valid_from": today().isoformat()},
        ).status_code
        == 303
    )
    page = visitor.get(f"/products/{slug}").get_data(as_text=True)
    assert "2 户" in page and "李*" in page

    assert staff.post(f"/staff/products/{product_id}/withdraw").status_code == 303
    assert visitor.get(f"/products/{slug}").status_code == 404


def test_the_version_moves_with_any_write_to_what_the_pages_show_and_not_with_stock(app, ctx):
    """No code bumps the catalogue version by hand: a change made anywhere (here straight on the
    models, as a script or a future service would) moves it in the same transaction."""
    from sqlalchemy import insert, update

    from app.catalog.cache import catalogue_version
    from app.catalog.models import Sku
    from app.registry.models import Household

    product = factories.product("雪峰蜜橘", stock=10)
    db.session.commit()
    moves = []

    def version_after(change) -> int:
        before = catalogue_version()
        change()
        db.session.commit()
        moves.append(catalogue_version() - before)

    version_after(lambda: setattr(product, "subtitle", "新摘的"))
    version_after(lambda: setattr(product.skus[0], "price_fen", 3500))
    village = factories.village()
    db.session.commit()
    version_after(
        lambda: db.session.execute(
            insert(Household),
            [
                {
                    "registration_no": "HH-BULK-1",
                    "head_name": "赵六",
                    "id_number": factories.id_number(9001),
                    "village_id": village.id,
                    "members": 2,
                    "status": "registered",
                }
            ],
        )
    )
    assert all(moves) and len(moves) == 3, moves
    # A sale's stock-taking is not on the cached pages: the version stays.
    version_after(
        lambda: db.session.execute(update(Sku).where(Sku.id == product.skus[0].id).values(stock=Sku.stock - 1))
    )
    version_after(lambda: setattr(product.skus[0], "stock", 5))
    assert moves[3:] == [0, 0]
