"""A signed-in visitor's catalogue pages answered by the layer in front of Flask with the header
parts kept for them (app.personal_parts): the same page Flask would give them, their cart's
count and their name current on every node, and a session ended anywhere refused at once."""

from app.accounts.models import User
from app.catalog.models import Sku
from app.extensions import db
from app.personal_parts import Guest, KnownSessions, SignedIn, keys
from app.shared_pages import _backend
from tests import factories
from tests.statements import recorded_statements

REDIS = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": "redis://127.0.0.1:6379/0", "SHARED_PAGE_SECONDS": 10}


def _node(make_app, test_settings, prefix):
    return make_app({**test_settings, **REDIS, "CACHE_KEY_PREFIX": prefix})


def _shop(app) -> tuple[str, int]:
    with app.app_context():
        product = factories.product("雪峰蜜橘", price_fen=3980, stock=100)
        factories.user(email="buyer@example.com", name="李买家")
        db.session.commit()
        return product.slug, db.session.execute(db.select(Sku.id)).scalar_one()


def _signed_in(app, slug: str):
    """A buyer whose next product pages this process knows to be theirs."""
    app.test_client(use_cookies=False).get(f"/products/{slug}")  # the shared copy
    buyer = app.test_client()
    factories.login(buyer, "buyer@example.com")
    buyer.get("/")  # the sign-in's welcome message
    buyer.get(f"/products/{slug}")  # through Flask: their session is checked, their parts kept
    return buyer


def _page_without_flask(app, client, path: str) -> str:
    with recorded_statements(app) as statements:
        page = client.get(path)
    assert page.status_code == 200
    assert len(statements) == 0, f"{path} went through Flask: {statements}"
    return page.get_data(as_text=True)


def test_a_signed_in_visitors_next_pages_are_the_ones_flask_gives_them_without_asking_the_database(
    make_app, test_settings, shared_redis
):
    app = _node(make_app, test_settings, shared_redis)
    slug, sku_id = _shop(app)
    buyer = _signed_in(app, slug)
    buyer.post("/cart/add", data={"sku_id": sku_id, "quantity": 2})
    by_flask = buyer.get(f"/products/{slug}")
    by_layer = buyer.get(f"/products/{slug}")
    with recorded_statements(app) as statements:
        again = buyer.get(f"/products/{slug}")
    assert len(statements) == 0
    assert by_layer.get_data() == by_flask.get_data() == again.get_data()
    page = by_layer.get_data(as_text=True)
    assert "李买家" in page and ">2</span>" in page and "退出" in page and "注册" not in page
    # Their sign-out form fetches its token when sent, as every form of a shared copy does.
    assert 'action="/account/logout"' in page and "js/csrf.js" in page
    dynamic = {"X-Request-ID", "Content-Length"}
    assert {k: v for k, v in by_layer.headers if k not in dynamic} == {
        k: v for k, v in by_flask.headers if k not in dynamic
    }
    assert by_layer.headers["Cache-Control"] == "private, no-cache" and "ETag" not in by_layer.headers
    assert "Set-Cookie" not in by_layer.headers
    # Other catalogue pages, once kept, are answered alike.
    app.test_client(use_cookies=False).get("/")
    assert "李买家" in _page_without_flask(app, buyer, "/")
    # Signing out with the copy's lazy token works: the layer's page is a working page.
    token = buyer.get("/csrf-token").get_json()["token"]
    assert buyer.post("/account/logout", data={"csrf_token": token}).status_code in (302, 303)
    assert "李买家" not in buyer.get(f"/products/{slug}").get_data(as_text=True)


def test_a_cart_change_on_another_node_shows_on_the_next_page(make_app, test_settings, shared_redis):
    node_a = _node(make_app, test_settings, shared_redis)
    node_b = _node(make_app, test_settings, shared_redis)
    slug, sku_id = _shop(node_a)
    buyer = _signed_in(node_a, slug)
    assert ">1</span>" not in _page_without_flask(node_a, buyer, f"/products/{slug}")
    # The same session, the other node: its cookie goes with it.
    on_b = node_b.test_client()
    on_b.set_cookie("session", buyer.get_cookie("session").value)
    assert on_b.post("/cart/add", data={"sku_id": sku_id, "quantity": 1}).status_code == 303
    on_b.get("/cart")  # the message of the addition
    assert ">1</span>" in buyer.get(f"/products/{slug}").get_data(as_text=True)
    assert ">1</span>" in _page_without_flask(node_a, buyer, f"/products/{slug}")
    # The order empties the cart: the badge goes with it.
    assert factories.buy(buyer, sku_id, quantity=1).status_code in (302, 303)
    buyer.get("/account/orders")
    assert ">2</span>" not in buyer.get(f"/products/{slug}").get_data(as_text=True)
    assert 'translate-middle">' not in _page_without_flask(node_a, buyer, f"/products/{slug}")


def test_a_session_ended_on_another_device_is_refused_at_once(make_app, test_settings, shared_redis):
    app = _node(make_app, test_settings, shared_redis)
    slug, _sku_id = _shop(app)
    buyer = _signed_in(app, slug)
    assert "李买家" in _page_without_flask(app, buyer, f"/products/{slug}")
    phone = app.test_client()
    factories.login(phone, "buyer@example.com")
    phone.post("/account/logout")  # signs out every device
    # Signed in again there: the parts kept for the new session are not the old one's.
    factories.login(phone, "buyer@example.com")
    phone.get("/")
    phone.get(f"/products/{slug}")
    assert "李买家" in _page_without_flask(app, phone, f"/products/{slug}")
    page = buyer.get(f"/products/{slug}").get_data(as_text=True)
    assert "李买家" not in page and "登录" in page


def test_a_new_name_shows_at_once_and_parts_rendered_before_a_change_are_never_served(
    make_app, test_settings, shared_redis
):
    app = _node(make_app, test_settings, shared_redis)
    slug, sku_id = _shop(app)
    buyer = _signed_in(app, slug)
    with app.app_context():
        backend = _backend(app)
        user_id = db.session.execute(db.select(User.id)).scalar_one()
        user = db.session.get(User, user_id)
        user.name = "李二买家"
        db.session.commit()
    assert "李二买家" in buyer.get(f"/products/{slug}").get_data(as_text=True)
    # A page whose parts were rendered while an addition was being committed keeps them with
    # the generation read before its user was; the addition moved it on.
    parts_key, _generation_key = keys(user_id)
    rendered_before = backend.get(parts_key)
    buyer.post("/cart/add", data={"sku_id": sku_id, "quantity": 3})
    buyer.get("/cart")
    backend.set(parts_key, rendered_before)
    assert ">3</span>" in buyer.get(f"/products/{slug}").get_data(as_text=True)
    assert ">3</span>" in _page_without_flask(app, buyer, f"/products/{slug}")


def test_a_cookie_flask_has_not_seen_from_this_browser_goes_through_flask(make_app, test_settings, shared_redis):
    app = _node(make_app, test_settings, shared_redis)
    slug, _sku_id = _shop(app)
    buyer = _signed_in(app, slug)
    _page_without_flask(app, buyer, f"/products/{slug}")
    with recorded_statements(app) as statements:
        elsewhere = buyer.get(f"/products/{slug}", headers={"User-Agent": "another browser"})
    assert len(statements) == 1 and "李买家" in elsewhere.get_data(as_text=True)


def test_without_a_shared_cache_no_parts_are_kept(make_app, test_settings):
    app = make_app({**test_settings, "CACHE_TYPE": "SimpleCache", "SHARED_PAGE_SECONDS": 10})
    slug, _sku_id = _shop(app)
    buyer = _signed_in(app, slug)
    for _ in range(2):
        with recorded_statements(app) as statements:
            assert "李买家" in buyer.get(f"/products/{slug}").get_data(as_text=True)
        assert len(statements) == 1  # their user with their cart's count, in Flask


def test_a_process_forgets_the_least_lately_seen_sessions_and_those_past_their_minute():
    known = KnownSessions(size=2, seconds=60)
    known.remember(("a",), SignedIn(1, 1))
    known.remember(("b",), Guest({}))
    assert known.get(("a",)) == SignedIn(1, 1)  # seen lately: "b" is now the least lately seen
    known.remember(("c",), SignedIn(3, 1))
    assert known.get(("b",)) is None and known.get(("a",)) == SignedIn(1, 1) and known.get(("c",)) == SignedIn(3, 1)
    lapsed = KnownSessions(seconds=0)
    lapsed.remember(("a",), SignedIn(1, 1))
    assert lapsed.get(("a",)) is None


def test_a_guest_with_a_cart_gets_their_next_pages_without_flask_and_each_new_count_at_once(make_app, test_settings):
    # No shared cache needed: a guest's parts follow from their cookie.
    app = make_app({**test_settings, "CACHE_TYPE": "SimpleCache", "SHARED_PAGE_SECONDS": 10})
    slug, sku_id = _shop(app)
    app.test_client(use_cookies=False).get(f"/products/{slug}")
    guest = app.test_client()
    guest.post("/cart/add", data={"sku_id": sku_id, "quantity": 2})
    guest.get("/cart")  # the addition's message
    by_flask = guest.get(f"/products/{slug}")
    by_layer = _page_without_flask(app, guest, f"/products/{slug}")
    assert by_layer == by_flask.get_data(as_text=True)
    assert ">2</span>" in by_layer and "登录" in by_layer and "退出" not in by_layer
    guest.post("/cart/add", data={"sku_id": sku_id, "quantity": 1})
    guest.get("/cart")
    assert ">3</span>" in guest.get(f"/products/{slug}").get_data(as_text=True)
    assert ">3</span>" in _page_without_flask(app, guest, f"/products/{slug}")
