"""Cart and pay-on-delivery checkout through HTTP, with stock, prices and the ledger checked exactly."""

from contextlib import contextmanager
from datetime import UTC, date

from sqlalchemy import event, func

from app.accounts import administration
from app.accounts.models import User
from app.audit.services import Actor
from app.catalog.models import Sku
from app.extensions import db
from app.impact.models import Attribution
from app.models_base import utcnow
from app.orders.models import Order, OrderLine, OrderStatusChange
from app.outbox.models import OutboxMessage
from app.shop import cart as carts
from app.shop.models import CartItem
from tests import factories


def stock(app, sku_id):
    with app.app_context():
        return db.session.get(Sku, sku_id).stock


def count(app, model):
    with app.app_context():
        return db.session.scalar(db.select(func.count()).select_from(model))


def test_guest_cart_is_merged_into_the_stored_cart_at_login(app, client, shop):
    client.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 2})
    assert "¥79.60" in client.get("/cart").get_data(as_text=True)
    factories.login(client, "buyer@example.com")
    with app.app_context():
        item = db.session.execute(db.select(CartItem)).scalar_one()
        assert (item.sku_id, item.quantity, item.price_seen_fen) == (shop["sku_id"], 2, 3980)
    assert "¥79.60" in client.get("/cart").get_data(as_text=True)


def test_adding_more_than_the_stock_is_refused_with_the_number_left(client, shop):
    response = client.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 11}, follow_redirects=True)
    assert "库存不足：目前只剩 10 件" in response.get_data(as_text=True)
    assert "购物车还是空的" in client.get("/cart").get_data(as_text=True)


def _stored_line(app):
    with app.app_context():
        return db.session.execute(db.select(CartItem.quantity, CartItem.price_seen_fen)).one_or_none()


def test_a_signed_in_buyers_additions_add_up_within_stock_and_the_limit(app, buyer, shop):
    for _ in range(2):
        assert buyer.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 3}).status_code == 303
    assert tuple(_stored_line(app)) == (6, 3980)
    refused = buyer.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 5}, follow_redirects=True)
    assert "库存不足：目前只剩 10 件" in refused.get_data(as_text=True)
    app.config["CART_MAX_QUANTITY"] = 8
    refused = buyer.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 3}, follow_redirects=True)
    assert "每种商品一次最多购买 8 件" in refused.get_data(as_text=True)
    assert tuple(_stored_line(app)) == (6, 3980)  # a refused addition changes nothing
    assert buyer.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 2}).status_code == 303
    assert tuple(_stored_line(app)) == (8, 3980)


def test_a_session_ended_elsewhere_adds_nothing_to_the_account(app, buyer, shop):
    # The signed-in add checks the session in its own statement instead of loading the user
    # first: staff disabling the account ends its sessions, and this one then adds as a guest,
    # to its own cookie, never to the account's stored cart.
    with app.app_context():
        account = db.session.execute(db.select(User).where(User.email == "buyer@example.com")).scalar_one()
        staff_id = db.session.scalar(db.select(User.id).where(User.email == "staff@example.com"))
        administration.set_active(account, False, Actor(staff_id, "127.0.0.1"))
    assert buyer.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 2}).status_code == 303
    assert _stored_line(app) is None
    page = buyer.get("/cart").get_data(as_text=True)
    assert "¥79.60" in page and 'href="/account/login' in page


def test_a_session_ended_elsewhere_places_no_order(app, buyer, shop):
    # Checkout hands the cart over by a statement that checks the session itself: a session
    # ended (here by a new password) takes nothing, and the buyer is asked to sign in again.
    assert buyer.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 1}).status_code == 303
    with app.app_context():
        account = db.session.execute(db.select(User).where(User.email == "buyer@example.com")).scalar_one()
        account.session_version += 1  # what a password change or "sign out everywhere" does
        db.session.commit()
    answer = buyer.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"})
    assert answer.status_code == 302 and "/account/login" in answer.headers["Location"]
    assert count(app, Order) == 0 and stock(app, shop["sku_id"]) == 10
    assert tuple(_stored_line(app)) == (1, 3980)  # the cart waits for the buyer to sign in


def test_an_addition_is_held_to_the_stock_of_its_own_sku(app, buyer, shop):
    # Other buyers' lines of a plentiful SKU must not lend their stock to this one.
    with app.app_context():
        scarce = factories.product("雪峰蜜橘礼盒", price_fen=16800, stock=3).skus[0].id
        other = factories.user(email="other@example.com")
        db.session.add(CartItem(user_id=other.id, sku_id=shop["sku_id"], quantity=1, price_seen_fen=3980))
        db.session.commit()
    assert buyer.post("/cart/add", data={"sku_id": scarce, "quantity": 2}).status_code == 303
    refused = buyer.post("/cart/add", data={"sku_id": scarce, "quantity": 2}, follow_redirects=True)
    assert "库存不足：目前只剩 3 件" in refused.get_data(as_text=True)
    with app.app_context():
        held = db.session.scalar(db.select(CartItem.quantity).where(CartItem.sku_id == scarce))
    assert held == 2


def test_bad_cart_input_gets_a_message_not_an_error(client, shop):
    for data in (
        {"sku_id": "abc", "quantity": 1},
        {"sku_id": shop["sku_id"], "quantity": -1},
        {"sku_id": 999999, "quantity": 1},
        {"sku_id": shop["sku_id"], "quantity": "lots"},
    ):
        response = client.post("/cart/add", data=data, follow_redirects=True)
        assert response.status_code == 200
        assert "alert-danger" in response.get_data(as_text=True)


def test_pay_on_delivery_checkout_reserves_stock_and_snapshots_lines(app, buyer, shop):
    before = utcnow()
    response = factories.buy(buyer, shop["sku_id"], 2, note='工作日送货 "请电话联系"')
    assert response.status_code == 303
    assert stock(app, shop["sku_id"]) == 8
    with app.app_context():
        order = db.session.execute(db.select(Order)).scalar_one()
        line = db.session.execute(db.select(OrderLine)).scalar_one()
        assert (order.status, order.payment_status, order.total_fen, order.expires_at) == (
            "confirmed",
            "unpaid",
            7960,
            None,
        )
        assert (line.product_name, line.sku_name, line.unit_price_fen, line.quantity) == ("雪峰蜜橘", "5 斤装", 3980, 2)
        assert order.note == '工作日送货 "请电话联系"' and order.recipient == factories.ADDRESS["recipient"]
        # Stored as the ORM stores times: the instant in UTC (the order's row, line, history and
        # mail go in as one statement on PostgreSQL, bypassing the ORM).
        change = db.session.execute(db.select(OrderStatusChange)).scalar_one()
        mail = db.session.execute(db.select(OutboxMessage)).scalar_one()
        for moment in (order.created_at, change.created_at, mail.created_at):
            assert before <= moment.replace(tzinfo=UTC) <= utcnow()
        assert (change.from_status, change.to_status, change.order_id) == (None, "confirmed", order.id)
        assert mail.subject == f"订单 {order.number} 已确认" and "雪峰蜜橘" in mail.body
        number = order.number
    assert count(app, Attribution) == 0  # nothing is attributed before money arrives
    page = buyer.get(response.headers["Location"]).get_data(as_text=True)
    assert number in page and "付款完成后" in page
    assert "购物车还是空的" in buyer.get("/cart").get_data(as_text=True)


def test_each_line_remembers_whether_its_product_was_certified_when_sold(app, buyer, shop):
    with app.app_context():
        certified = factories.product("雪峰蜜橘礼盒", price_fen=16800, certified_until=date(2099, 1, 1)).skus[0].id
        db.session.commit()
    for sku_id in (shop["sku_id"], certified):
        buyer.post("/cart/add", data={"sku_id": sku_id, "quantity": 1})
    assert buyer.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"}).status_code == 303
    with app.app_context():
        lines = dict(db.session.execute(db.select(OrderLine.sku_id, OrderLine.certified)).all())
    assert lines == {shop["sku_id"]: False, certified: True}


def test_a_resubmitted_checkout_leads_to_the_order_already_placed(app, buyer, shop, monkeypatch):
    from app.shop import checkout_views as views

    first = factories.buy(buyer, shop["sku_id"], 1)
    again = buyer.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"})
    assert (again.status_code, again.headers["Location"]) == (303, first.headers["Location"])
    assert "这份订单已经提交成功，没有重复下单" in buyer.get(again.headers["Location"]).get_data(as_text=True)
    assert count(app, Order) == 1 and stock(app, shop["sku_id"]) == 9
    # Long after the order, an empty cart is only an empty cart.
    monkeypatch.setattr(views, "RESUBMIT_WINDOW", views.RESUBMIT_WINDOW * 0)
    later = buyer.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"}, follow_redirects=True)
    assert "购物车是空的" in later.get_data(as_text=True)


def test_checkout_needs_sign_in(client, shop):
    client.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 1})
    assert "/account/login" in client.get("/checkout").headers["Location"]


def test_checkout_address_errors_are_explained_and_nothing_is_written(app, buyer, shop):
    buyer.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 1})
    response = buyer.post(
        "/checkout", data={**factories.ADDRESS, "mobile": "12345", "street": "", "payment_method": "cod"}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请输入 11 位手机号码" in text and "请填写此项" in text
    assert count(app, Order) == 0 and stock(app, shop["sku_id"]) == 10


def test_a_price_change_after_the_buyer_saw_the_cart_stops_checkout(app, buyer, shop):
    buyer.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 1})
    buyer.get("/checkout")
    with app.app_context():
        db.session.get(Sku, shop["sku_id"]).price_fen = 4280
        db.session.commit()
    response = buyer.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"})
    assert response.status_code == 409
    assert "价格刚刚有变动" in response.get_data(as_text=True) and "¥42.80" in response.get_data(as_text=True)
    assert count(app, Order) == 0 and stock(app, shop["sku_id"]) == 10
    # The page showed the new price, so a second submit goes through at that price.
    assert buyer.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"}).status_code == 303


def test_sold_out_between_cart_and_checkout_writes_nothing(app, buyer, shop):
    buyer.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 3})
    buyer.get("/checkout")
    with app.app_context():
        db.session.get(Sku, shop["sku_id"]).stock = 2
        db.session.commit()
    response = buyer.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"})
    assert response.status_code == 409 and "已售罄或库存不足" in response.get_data(as_text=True)
    assert count(app, Order) == 0 and count(app, OrderLine) == 0 and stock(app, shop["sku_id"]) == 2


@contextmanager
def _meanwhile(app, change):
    """Run ``change`` on a connection of its own, committed, once: just as the order, read and
    built, starts writing (its first statement that hands the cart over)."""
    done = []

    def before(_conn, _cursor, statement, *_args):
        if not done and ("DELETE FROM cart_items" in statement):
            done.append(True)
            with db.engine.connect() as other:
                change(other)
                other.commit()

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield done
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", before)


def test_stock_sold_while_the_order_is_built_is_not_sold_twice(app, buyer, shop):
    # The order is built from what was read; the stock is taken only if it is still there.
    buyer.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 3})
    sold = db.update(Sku).where(Sku.id == shop["sku_id"]).values(stock=Sku.stock - 8)
    with _meanwhile(app, lambda other: other.execute(sold)) as changed:
        response = buyer.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"})
    assert changed and response.status_code == 409 and "已售罄或库存不足" in response.get_data(as_text=True)
    assert count(app, Order) == 0 and count(app, OrderLine) == 0 and stock(app, shop["sku_id"]) == 2
    assert count(app, CartItem) == 1


def test_a_line_added_in_another_tab_while_the_order_is_built_joins_the_order(app, buyer, shop):
    buyer.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 1})
    with app.app_context():
        honey = factories.product("土蜂蜜", price_fen=6800, stock=5).skus[0].id
        user_id = db.session.scalar(db.select(User.id).where(User.email == "buyer@example.com"))
        db.session.commit()
    added = db.insert(CartItem).values(user_id=user_id, sku_id=honey, quantity=2, price_seen_fen=6800)
    with _meanwhile(app, lambda other: other.execute(added)) as changed:
        response = buyer.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"})
    assert changed and response.status_code == 303
    with app.app_context():
        order = db.session.execute(db.select(Order)).scalar_one()
        assert sorted((line.sku_id, line.quantity) for line in order.lines) == sorted([(shop["sku_id"], 1), (honey, 2)])
        assert order.subtotal_fen == 3980 + 2 * 6800
    assert count(app, CartItem) == 0 and stock(app, shop["sku_id"]) == 9 and stock(app, honey) == 3


def test_a_cart_changed_under_every_try_is_refused_with_a_reason_and_kept(app, buyer, shop):
    buyer.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 1})
    one_more = db.update(CartItem).values(quantity=CartItem.quantity + 1)
    tries = []

    def before(_conn, _cursor, statement, *_args):
        # Another window adds a box just as each try starts writing.
        if "DELETE FROM cart_items" in statement:
            tries.append(True)
            with db.engine.connect() as other:
                other.execute(one_more)
                other.commit()

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", before)
    try:
        response = buyer.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"})
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", before)
    assert len(tries) == 5 and response.status_code == 409  # five tries, refused once
    assert "购物车或库存一直在变" in response.get_data(as_text=True)
    assert count(app, Order) == 0 and stock(app, shop["sku_id"]) == 10
    with app.app_context():  # the box each try found added is still in the cart
        assert db.session.scalar(db.select(CartItem.quantity)) == 1 + len(tries)


def test_a_product_withdrawn_between_cart_and_checkout_is_explained_and_removed(app, buyer, shop):
    from app.catalog.models import Product

    buyer.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 1})
    buyer.get("/checkout")
    with app.app_context():
        db.session.execute(db.update(Product).values(is_active=False))
        db.session.commit()
    response = buyer.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"}, follow_redirects=True)
    assert "购物车里有已下架的商品，已为您移除" in response.get_data(as_text=True)
    assert count(app, Order) == 0 and count(app, CartItem) == 0 and stock(app, shop["sku_id"]) == 10


def test_unknown_event_code_is_explained(app, buyer, shop):
    response = factories.buy(buyer, shop["sku_id"], 1, event_code="NOPE2026")
    assert response.status_code == 400 and "活动代码“NOPE2026”不存在" in response.get_data(as_text=True)


def test_online_payment_is_not_offered_without_stripe_keys(app, buyer, shop):
    buyer.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 1})
    page = buyer.get("/checkout").get_data(as_text=True)
    assert "货到付款" in page and "在线支付" not in page
    response = buyer.post("/checkout", data={**factories.ADDRESS, "payment_method": "stripe"})
    assert response.status_code == 400 and count(app, Order) == 0


def test_adding_and_placing_say_so_on_the_next_page_without_rewriting_the_session(app, buyer, shop):
    """The two steps of every order answer without a flash message: the cart page names what
    was added from its address, and the order's page says it is placed while it waits to ship.
    Neither answer signs a new session cookie."""
    added = buyer.post("/cart/add", data={"sku_id": shop["sku_id"], "quantity": 2})
    assert added.status_code == 303 and "Set-Cookie" not in added.headers
    cart = buyer.get(added.headers["Location"]).get_data(as_text=True)
    assert "已加入购物车：雪峰蜜橘 5 斤装" in cart and "cart-line-added" in cart
    assert "已加入购物车" not in buyer.get("/cart").get_data(as_text=True)  # only right after adding
    assert "已加入购物车" not in buyer.get("/cart?added=999999").get_data(as_text=True)  # not in the cart: no notice
    buyer.get("/checkout")
    placed = buyer.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"})
    assert placed.status_code == 303 and "Set-Cookie" not in placed.headers
    assert "订单已提交：我们会尽快发货" in buyer.get(placed.headers["Location"]).get_data(as_text=True)
    # A contract's delivery is confirmed too but paid by bank transfer: never told to pay at the door.
    with app.app_context():
        db.session.execute(db.update(Order).values(payment_method="bank_transfer"))
        db.session.commit()
    assert "订单已提交" not in buyer.get(placed.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        db.session.execute(db.update(Order).values(payment_method="cod"))
        db.session.commit()
    buyer.post(f"{placed.headers['Location']}/cancel")
    assert "订单已提交" not in buyer.get(placed.headers["Location"]).get_data(as_text=True)


def test_buyer_cancels_an_unshipped_order_and_the_stock_returns(app, buyer, shop):
    location = factories.buy(buyer, shop["sku_id"], 2).headers["Location"]
    number = location.rsplit("/", 1)[1]
    assert buyer.get(f"/orders/{number}/cancel").status_code == 405
    assert buyer.post(f"/orders/{number}/cancel").status_code == 303
    assert stock(app, shop["sku_id"]) == 10
    with app.app_context():
        order = db.session.execute(db.select(Order)).scalar_one()
        assert order.status == "cancelled"
        assert [c.to_status for c in order.status_changes] == ["confirmed", "cancelled"]


def test_other_buyers_cannot_see_or_cancel_an_order(app, buyer, shop):
    number = factories.buy(buyer, shop["sku_id"], 1).headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        factories.user(email="other@example.com")
        db.session.commit()
    other = app.test_client()
    factories.login(other, "other@example.com")
    assert other.get(f"/orders/{number}").status_code == 404
    assert other.post(f"/orders/{number}/cancel").status_code == 404
    assert stock(app, shop["sku_id"]) == 9


def test_a_taken_order_number_is_drawn_again(app, shop, buyer, monkeypatch):
    """Random order numbers collide now and then on a busy day; the buyer's order still goes through."""
    from app.orders import services as order_services

    taken = iter(["26112900000001", "26112900000001", "26112900000002"])
    monkeypatch.setattr(order_services, "new_order_number", lambda _now: next(taken))
    assert factories.buy(buyer, shop["sku_id"]).status_code == 303
    assert factories.buy(buyer, shop["sku_id"]).status_code == 303  # drew …01 again, then …02
    with app.app_context():
        numbers = sorted(db.session.execute(db.select(Order.number)).scalars())
        assert numbers == ["26112900000001", "26112900000002"]


def test_a_number_whose_confirmation_key_is_taken_is_drawn_again(app, shop, buyer, monkeypatch):
    # The order and its confirmation mail (keyed by the number) go in together; whichever of the
    # two unique keys the database meets first, the order is placed with another number.
    from app.orders import services as order_services

    with app.app_context():
        db.session.add(OutboxMessage(recipient="x@example.com", subject="s", body="b", dedupe_key="order_placed:1"))
        db.session.commit()
    taken = iter(["1", "2"])
    monkeypatch.setattr(order_services, "new_order_number", lambda _now: next(taken))
    assert factories.buy(buyer, shop["sku_id"]).status_code == 303
    with app.app_context():
        assert db.session.execute(db.select(Order.number)).scalars().all() == ["2"]


def _waits_for_the_disk(driver, dialect: str) -> bool:
    """Whether the next commit on this driver connection waits for its log to reach the disk."""
    if dialect == "postgresql":
        return driver.execute("SHOW synchronous_commit").fetchone() == ("on",)
    return driver.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL


def test_a_cart_line_does_not_wait_for_the_disk_but_the_next_transaction_on_its_connection_does(app, buyer, shop):
    # An addition's transaction commits without waiting for the log to reach the disk (a crash
    # may lose the last moment's cart lines, never an order); the setting is that transaction's
    # alone, so an order next on the same pooled connection waits for the disk.
    with app.app_context():
        dialect = db.engine.dialect.name
        user_id = db.session.scalar(db.select(User.id).where(User.email == "buyer@example.com"))
        driver = db.session.connection().connection.dbapi_connection
        if dialect == "postgresql":
            # The suite's databases commit lazily (tests/conftest.py); this connection waits as
            # production's do, until it is closed.
            driver.execute("SET SESSION synchronous_commit = on")
        assert _waits_for_the_disk(driver, dialect)
        cart = carts.UserCart(user_id)
        assert cart.add(shop["sku_id"], 1, 10)
        assert not _waits_for_the_disk(driver, dialect)
        cart.save()
        # The connection is back in the pool: a transaction of its own, as the next request's.
        assert _waits_for_the_disk(driver, dialect)
        driver.rollback()
    assert tuple(_stored_line(app)) == (1, 3980)
