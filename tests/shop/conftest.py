"""A small shop: one mandarin SKU whose producer supports three households (weights 2:1:1)."""

from datetime import date

import pytest

from app.domain import roles
from app.extensions import db
from tests import factories


@pytest.fixture()
def shop(app):
    with app.app_context():
        gaosha = factories.township(name="高沙镇", code="gaosha")
        village = factories.village(gaosha, "林田村")
        households = [
            factories.household(village, head_name=n, members=m)
            for n, m in (("李四光", 4), ("王秀英", 2), ("刘建国", 3))
        ]
        producer = factories.producer(gaosha, households, [2, 1, 1], valid_from=date(2020, 1, 1))
        mandarin = factories.product("雪峰蜜橘", producer, price_fen=3980, stock=10)
        factories.user(email="buyer@example.com", name="张女士")
        factories.user(email="staff@example.com", role=roles.STAFF, name="王干事")
        db.session.commit()
        return {"sku_id": mandarin.skus[0].id, "product": mandarin.slug, "households": [h.id for h in households]}


@pytest.fixture()
def buyer(app, shop):
    client = app.test_client()
    factories.login(client, "buyer@example.com")
    return client


@pytest.fixture()
def staff(app, shop):
    client = app.test_client()
    factories.login(client, "staff@example.com")
    return client
