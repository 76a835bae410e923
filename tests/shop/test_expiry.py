"""Unpaid online orders expire and give their stock back, however often expiry runs."""

from datetime import timedelta

from app.catalog.models import Sku
from app.extensions import db
from app.models_base import utcnow
from app.orders.models import Order, OrderStatusChange
from app.records import spoken
from tests import factories


def test_expire_orders_releases_stock_once_and_leaves_fresh_orders(app, runner, make_app, stripe_settings):
    stripe_shop = make_app(stripe_settings)
    with app.app_context():
        product = factories.product("雪峰蜜橘", price_fen=3980, stock=10)
        factories.user(email="buyer@example.com")
        db.session.commit()
        sku_id = product.skus[0].id
    buyer = stripe_shop.test_client()
    factories.login(buyer, "buyer@example.com")
    for quantity in (2, 3):
        assert factories.buy(buyer, sku_id, quantity, payment_method="stripe").status_code == 303
    with app.app_context():
        stale, fresh = db.session.execute(db.select(Order).order_by(Order.id)).scalars().all()
        assert stale.expires_at is not None and db.session.get(Sku, sku_id).stock == 5
        stale.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        stale_number, fresh_number = stale.number, fresh.number

    first = runner.invoke(args=["expire-orders"])
    second = runner.invoke(args=["expire-orders"])
    assert first.exit_code == second.exit_code == 0
    assert f"expired 1 unpaid order(s): {stale_number}" in first.output
    assert "expired 0 unpaid order(s)" in second.output
    with app.app_context():
        assert db.session.get(Sku, sku_id).stock == 7
        statuses = dict(db.session.execute(db.select(Order.number, Order.status)).all())
        assert statuses == {stale_number: "cancelled", fresh_number: "pending_payment"}
        reasons = (
            db.session.execute(db.select(OrderStatusChange.reason).where(OrderStatusChange.to_status == "cancelled"))
            .scalars()
            .all()
        )
        assert [spoken(reason) for reason in reasons] == ["支付超时，订单自动取消"]
