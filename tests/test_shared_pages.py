"""Whole catalogue pages for visitors without a session: no cookie, an ETag and 304, nothing
from the database on a hit, a price change seen on the very next request on every node, and
stock no older than the stated number of seconds."""

import re
import time

from app.catalog.models import Sku
from app.extensions import cache, db
from app.shared_pages import REBUILDING, _backend, _page_key
from tests import factories
from tests.statements import recorded_statements

PAGES = ("/", "/products", "/impact", "/impact/data.json", "/impact/units")


def _app(make_app, test_settings, seconds=10, **more):
    return make_app({**test_settings, "CACHE_TYPE": "SimpleCache", "SHARED_PAGE_SECONDS": seconds, **more})


def _mandarin(app, price_fen=3980, stock=100) -> str:
    with app.app_context():
        product = factories.product("雪峰蜜橘", price_fen=price_fen, stock=stock)
        db.session.commit()
        return product.slug


def _set(app, slug: str, **values) -> None:
    with app.app_context():
        sku = db.session.execute(db.select(Sku).join(Sku.product).where(Sku.product.has(slug=slug))).scalar_one()
        for name, value in values.items():
            setattr(sku, name, value)
        db.session.commit()


def test_a_visitor_without_a_session_gets_a_shared_page_no_cookie_and_a_304(make_app, test_settings):
    app = _app(make_app, test_settings)
    slug = _mandarin(app)
    client = app.test_client(use_cookies=False)
    for path in (*PAGES, f"/products/{slug}"):
        first = client.get(path)
        assert first.status_code == 200, path
        assert "Set-Cookie" not in first.headers, path
        assert first.headers["Cache-Control"] == "public, no-cache"
        with recorded_statements(app) as statements:
            again = client.get(path)
        assert len(statements) == 0, f"{path}: a kept page asked the database {len(statements)} times"
        assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
        assert again.headers["X-Request-ID"] != first.headers["X-Request-ID"]
        unchanged = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert unchanged.status_code == 304 and unchanged.get_data() == b""
    # The add-to-cart form of a shared page carries no token: it is fetched at submit time.
    page = client.get(f"/products/{slug}").get_data(as_text=True)
    assert "data-csrf-lazy" in page and "js/csrf.js" in page
    token = client.get("/csrf-token")
    assert token.get_json()["token"] and "Set-Cookie" in token.headers and token.headers["Cache-Control"] == "no-store"


def _outside_personal_parts(page: str) -> str:
    return re.sub(r"<!--personal:[a-z-]+-->.*?<!--/personal-->", "", page, flags=re.S)


def test_a_signed_in_visitor_gets_the_shared_copy_with_their_own_header(make_app, test_settings):
    app = _app(make_app, test_settings)
    slug = _mandarin(app)
    with app.app_context():
        factories.user(email="buyer@example.com", name="李买家")
        sku_id = db.session.execute(db.select(Sku.id)).scalar_one()
        db.session.commit()
    anonymous = app.test_client(use_cookies=False)
    shared = anonymous.get(f"/products/{slug}").get_data(as_text=True)
    buyer = app.test_client()
    factories.login(buyer, "buyer@example.com")
    # The sign-in's welcome message waits in their session: it is shown on a page of their own.
    assert "欢迎回来" in buyer.get(f"/products/{slug}").get_data(as_text=True)
    buyer.post("/cart/add", data={"sku_id": sku_id, "quantity": 2})
    with recorded_statements(app) as statements:
        mine = buyer.get(f"/products/{slug}")
    page = mine.get_data(as_text=True)
    # Their user with their cart's count is read, in one statement and outside a transaction
    # (no BEGIN and ROLLBACK around it); the page itself is the shared copy.
    assert len(statements) == 1, statements
    assert statements.in_transaction == [False]
    assert _outside_personal_parts(page) == _outside_personal_parts(shared)
    assert "李买家" in page and "退出" in page and ">2</span>" in page and "注册" not in page
    assert mine.headers["Cache-Control"] == "private, no-cache" and "ETag" not in mine.headers
    # The copy's forms fetch the visitor's token at submit, so adding from it works.
    token = buyer.get("/csrf-token").get_json()["token"]
    added = buyer.post("/cart/add", data={"sku_id": sku_id, "quantity": 1, "csrf_token": token})
    assert added.status_code == 303
    buyer.get("/cart")
    assert ">3</span>" in buyer.get(f"/products/{slug}").get_data(as_text=True)
    # A new price shows at once to them too.
    _set(app, slug, price_fen=4280)
    anonymous.get(f"/products/{slug}")
    assert "¥42.80" in buyer.get(f"/products/{slug}").get_data(as_text=True)
    # In English they get their own page: the copy is Chinese.
    buyer.post("/language", data={"lang": "en", "next": "/"})
    english = buyer.get(f"/products/{slug}").get_data(as_text=True)
    assert "Sign out" in english and "李买家" in english


def test_visitors_who_are_all_signed_in_keep_the_copy_fresh_and_it_stays_anonymous(make_app, test_settings):
    app = _app(make_app, test_settings, seconds=1)
    slug = _mandarin(app, stock=100)
    with app.app_context():
        factories.user(email="buyer@example.com", name="李买家")
        db.session.commit()
    anonymous = app.test_client(use_cookies=False)
    assert "有货" in anonymous.get(f"/products/{slug}").get_data(as_text=True)
    buyer = app.test_client()
    factories.login(buyer, "buyer@example.com")
    buyer.get("/")  # the sign-in's message
    _set(app, slug, stock=0)
    time.sleep(1.1)
    # The copy is due: the signed-in visitor's request builds it again, as seen without a session …
    page = buyer.get(f"/products/{slug}").get_data(as_text=True)
    assert "已售罄" in page and "李买家" in page
    # … and what is kept for everyone carries nothing of theirs.
    with recorded_statements(app) as statements:
        kept = anonymous.get(f"/products/{slug}").get_data(as_text=True)
    assert len(statements) == 0 and "已售罄" in kept
    assert "李买家" not in kept and "退出" not in kept and "注册" in kept


def test_a_copy_that_lapsed_is_built_again_by_a_signed_in_visitor(make_app, test_settings):
    """Copies lapse 40 s after the last visitor without a session; signed-in traffic alone
    (a rush of buyers) must not fall back to building the page for each of them."""
    app = _app(make_app, test_settings)
    slug = _mandarin(app)
    with app.app_context():
        factories.user(email="buyer@example.com", name="李买家")
        db.session.commit()
    anonymous = app.test_client(use_cookies=False)
    anonymous.get(f"/products/{slug}")
    with app.app_context():
        backend = _backend(app)
    backend.delete(_page_key({"HTTP_HOST": "localhost", "PATH_INFO": f"/products/{slug}"}))
    buyer = app.test_client()
    factories.login(buyer, "buyer@example.com")
    buyer.get("/")  # the sign-in's message
    assert "李买家" in buyer.get(f"/products/{slug}").get_data(as_text=True)  # built again, as kept
    with recorded_statements(app) as statements:
        assert "李买家" in buyer.get(f"/products/{slug}").get_data(as_text=True)
    assert len(statements) == 1  # the copy with the buyer's own header
    with recorded_statements(app) as statements:
        assert "李买家" not in anonymous.get(f"/products/{slug}").get_data(as_text=True)
    assert len(statements) == 0


def test_a_new_price_shows_on_the_next_request_and_stock_within_the_stated_seconds(make_app, test_settings):
    app = _app(make_app, test_settings, seconds=1)
    slug = _mandarin(app, stock=100)
    client = app.test_client(use_cookies=False)
    assert "¥39.80" in client.get(f"/products/{slug}").get_data(as_text=True)
    _set(app, slug, price_fen=4280)
    assert "¥42.80" in client.get(f"/products/{slug}").get_data(as_text=True)

    assert "有货" in client.get(f"/products/{slug}").get_data(as_text=True)
    _set(app, slug, stock=0)
    # Stock does not move the catalogue version: the kept page may show it for the stated second …
    assert "有货" in client.get(f"/products/{slug}").get_data(as_text=True)
    time.sleep(1.1)
    # … and then for as long as one rebuild takes: the first visitor past that second is answered
    # from the copy at once, and the page is built again once their answer has been sent …
    due = client.get(f"/products/{slug}")
    assert "有货" in due.get_data(as_text=True)
    due.close()  # what the server does with an answer it has sent
    # … so the next visitor sees the stock as it is.
    assert "已售罄" in client.get(f"/products/{slug}").get_data(as_text=True)


def test_nobody_waits_for_a_due_page_to_be_built_again(make_app, test_settings, monkeypatch):
    app = _app(make_app, test_settings, seconds=1)
    slug = _mandarin(app, stock=100)
    client = app.test_client(use_cookies=False)
    client.get(f"/products/{slug}")
    _set(app, slug, stock=0)
    time.sleep(1.1)
    with recorded_statements(app) as statements:
        due = client.get(f"/products/{slug}")
        assert "有货" in due.get_data(as_text=True)
    assert len(statements) == 0  # the answer came from the copy, before any building
    with recorded_statements(app) as statements:
        due.close()
    assert statements  # the building, after the answer
    # A rebuild that fails leaves the visitor's answer as it was and the copy in place, and the
    # next request past the copy's time tries again.
    time.sleep(1.1)
    monkeypatch.setattr("app.catalog.views.render_template", lambda *_args, **_kwargs: 1 / 0)
    failed = client.get(f"/products/{slug}")
    assert failed.status_code == 200 and "已售罄" in failed.get_data(as_text=True)
    failed.close()
    with app.app_context():
        backend = _backend(app)
    key = _page_key({"HTTP_HOST": "localhost", "PATH_INFO": f"/products/{slug}"})
    assert backend.get(key) is not None and backend.get(key + REBUILDING) is None


def test_a_price_changed_on_one_node_shows_at_once_on_another(make_app, test_settings, shared_redis):
    redis_settings = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": "redis://127.0.0.1:6379/0"}
    node_a = _app(make_app, test_settings, CACHE_KEY_PREFIX=shared_redis, **redis_settings)
    node_b = _app(make_app, test_settings, CACHE_KEY_PREFIX=shared_redis, **redis_settings)
    slug = _mandarin(node_a)
    visitor = node_a.test_client(use_cookies=False)
    assert "¥39.80" in visitor.get(f"/products/{slug}").get_data(as_text=True)
    with recorded_statements(node_a) as statements:
        assert "¥39.80" in visitor.get(f"/products/{slug}").get_data(as_text=True)
    assert len(statements) == 0
    # Staff change the price through the other node's process.
    _set(node_b, slug, price_fen=3580)
    assert "¥35.80" in visitor.get(f"/products/{slug}").get_data(as_text=True)
    assert "¥35.80" in node_b.test_client(use_cookies=False).get(f"/products/{slug}").get_data(as_text=True)


def test_while_one_request_rebuilds_a_page_the_others_get_the_copy_there_is(make_app, test_settings):
    app = _app(make_app, test_settings, seconds=1)
    slug = _mandarin(app, stock=100)
    client = app.test_client(use_cookies=False)
    assert "有货" in client.get(f"/products/{slug}").get_data(as_text=True)
    _set(app, slug, stock=0)
    time.sleep(1.1)
    with app.app_context():
        backend = app.extensions["cache"][cache]
        key = next(k for k in backend._cache if k.startswith("shared-page:") and slug in k)
        backend.add(key + REBUILDING, 1)  # another request is rebuilding it right now
    with recorded_statements(app) as statements:
        assert "有货" in client.get(f"/products/{slug}").get_data(as_text=True)
    assert len(statements) == 0
    with app.app_context():
        backend.delete(key + REBUILDING)  # that request kept no copy (it failed, or it timed out)
    # The next request rebuilds it once its answer is sent, and the one after sees it.
    client.get(f"/products/{slug}").close()
    assert "已售罄" in client.get(f"/products/{slug}").get_data(as_text=True)


def test_after_a_catalogue_change_one_request_builds_the_page_and_the_others_wait_for_it(
    make_app, test_settings, monkeypatch
):
    import threading

    from app import shared_pages

    app = _app(make_app, test_settings)
    slug = _mandarin(app)
    client = app.test_client(use_cookies=False)
    path = f"/products/{slug}"
    built = client.get(path)  # learns the page's key and the catalogue version
    with app.app_context():
        backend = app.extensions["cache"][cache]
        key = next(k for k in backend._cache if k.startswith("shared-page:") and slug in k)
        current = backend.get(key)
        backend.set(key, (current[0] - 1, *current[1:]))  # built before the catalogue last changed
        backend.add(key + REBUILDING, 1)  # another request has just started building it again
    # That request finishes a moment later; meanwhile this one waits for its copy and builds nothing,
    # and is never shown the older version's copy.
    threading.Timer(0.3, lambda: backend.set(key, current)).start()
    with recorded_statements(app) as statements:
        waited = client.get(path)
    assert len(statements) == 0
    assert waited.get_data() == built.get_data() and waited.headers["ETag"] == built.headers["ETag"]

    # A builder that never delivers holds nobody longer than the wait: the page is built here.
    monkeypatch.setattr(shared_pages, "WAIT_FOR_BUILD_SECONDS", 0.2)
    with app.app_context():
        backend.set(key, (current[0] - 1, *current[1:]))
    with recorded_statements(app) as statements:
        assert "雪峰蜜橘" in client.get(path).get_data(as_text=True)
    assert len(statements) > 0

    # A builder that finished without keeping a copy releases the waiters at once.
    monkeypatch.setattr(shared_pages, "WAIT_FOR_BUILD_SECONDS", 30)
    with app.app_context():
        backend.set(key, (current[0] - 1, *current[1:]))
    threading.Timer(0.2, lambda: backend.delete(key + REBUILDING)).start()
    began = time.monotonic()
    assert "雪峰蜜橘" in client.get(path).get_data(as_text=True)
    assert time.monotonic() - began < 5


def test_a_page_that_was_never_kept_is_not_waited_for(make_app, test_settings, monkeypatch):
    # Most anonymous pages (sign-in, 404s) are never kept: two visitors at once must not queue.
    from app import shared_pages

    app = _app(make_app, test_settings)
    monkeypatch.setattr(shared_pages, "WAIT_FOR_BUILD_SECONDS", 30)
    client = app.test_client(use_cookies=False)
    with app.app_context():
        backend = app.extensions["cache"][cache]
        backend.add("shared-page:localhost/account/login?" + REBUILDING, 1)
    began = time.monotonic()
    assert client.get("/account/login").status_code == 200
    assert time.monotonic() - began < 5


def _shared_counts(client) -> dict[str, float]:
    body = client.get("/metrics").get_data(as_text=True)
    found = dict.fromkeys(("fresh", "stale", "waited", "built", "not_modified"), 0.0)
    for line in body.splitlines():
        if line.startswith("dongkou_shared_pages_total{"):
            outcome = line.split('outcome="')[1].split('"')[0]
            found[outcome] = float(line.rsplit(" ", 1)[1])
    timed = [line for line in body.splitlines() if 'dongkou_request_seconds_count{endpoint="shared_page"' in line]
    found["timed"] = sum(float(line.rsplit(" ", 1)[1]) for line in timed)
    return found


def test_the_pages_the_layer_answers_alone_show_in_the_metrics(make_app, test_settings):
    # Most anonymous traffic never reaches Flask: the operator's figures must still see it.
    app = _app(make_app, test_settings)
    client = app.test_client(use_cookies=False)
    before = _shared_counts(client)
    first = client.get("/products")
    client.get("/products")
    client.get("/products", headers={"If-None-Match": first.headers["ETag"]})
    after = _shared_counts(client)
    assert after["built"] - before["built"] == 1
    assert after["fresh"] - before["fresh"] == 1
    assert after["not_modified"] - before["not_modified"] == 1
    # The two answered from the copy are timed as the layer's own requests; the built one as its view's.
    assert after["timed"] - before["timed"] == 2


def test_pages_that_are_not_shared_cost_no_look_in_the_shared_cache(make_app, test_settings, monkeypatch):
    app = _app(make_app, test_settings)
    _mandarin(app)
    with app.app_context():
        factories.user(email="buyer@example.com", name="李买家")
        db.session.commit()
    buyer = app.test_client()
    factories.login(buyer, "buyer@example.com")
    backend = app.extensions["cache"][cache]
    looked = []
    real = backend.get_many
    monkeypatch.setattr(backend, "get_many", lambda *keys: looked.append(keys) or real(*keys))
    visitor = app.test_client(use_cookies=False)
    for path in ("/account/login", "/cart", "/no-such-page", "/notice"):
        visitor.get(path)
    for path in ("/cart", "/orders", "/account/profile"):
        buyer.get(path)
    assert looked == []
    visitor.get("/products")
    buyer.get("/products")
    assert len(looked) == 2  # the shared pages are looked up, for both
