"""The address book: addresses picked from the national division codes, a default, and checkout
starting from it."""

from app.extensions import db
from app.shop.models import SavedAddress
from tests import factories

HOME = {
    "recipient": "张女士",
    "mobile": "13812345678",
    "province": "430000",
    "city": "430500",
    "county": "430525",
    "street": "文昌街道雪峰路 18 号",
}
OFFICE = {
    **HOME,
    "recipient": "张经理",
    "province": "110000",
    "city": "110100",
    "county": "110105",
    "street": "建国路 1 号",
}


def _signed_in(app):
    with app.app_context():
        factories.user(email="book@example.com")
        db.session.commit()
    client = app.test_client()
    factories.login(client, "book@example.com")
    return client


def test_the_region_lists_follow_the_national_codes(client):
    provinces = client.get("/regions/0.json").get_json()
    assert {"code": "430000", "name": "湖南省"} in provinces and len(provinces) == 34
    assert {"code": "430525", "name": "洞口县"} in client.get("/regions/430500.json").get_json()
    assert client.get("/regions/110000.json").get_json() == [{"code": "110100", "name": "北京市"}]
    assert client.get("/regions/nonsense.json").get_json() == []
    assert "max-age=86400" in client.get("/regions/0.json").headers["Cache-Control"]


def test_addresses_are_saved_checked_and_one_is_the_default(app):
    client = _signed_in(app)
    assert client.post("/account/addresses", data=HOME).status_code == 303
    assert client.post("/account/addresses", data={**OFFICE, "make_default": "y"}).status_code == 303
    bad_region = client.post("/account/addresses", data={**HOME, "city": "110100"})
    assert bad_region.status_code == 400 and "请依次选择省、市和区县" in bad_region.get_data(as_text=True)
    bad_mobile = client.post("/account/addresses", data={**HOME, "mobile": "12345"})
    assert bad_mobile.status_code == 400 and "11 位手机号码" in bad_mobile.get_data(as_text=True)
    page = client.get("/account/addresses").get_data(as_text=True)
    assert page.index("张经理") < page.index("张女士")  # the default first
    with app.app_context():
        home, office = sorted(db.session.scalars(db.select(SavedAddress)), key=lambda a: a.id)
        assert (home.county, home.region_code, home.is_default, office.is_default) == ("洞口县", "430525", False, True)
        home_id, office_id = home.id, office.id
    client.post(f"/account/addresses/{home_id}/default")
    client.post(f"/account/addresses/{home_id}/delete")
    with app.app_context():
        (left,) = db.session.scalars(db.select(SavedAddress)).all()
        assert left.id == office_id and left.is_default


def test_checkout_starts_from_the_default_and_keeps_a_new_address(app):
    client = _signed_in(app)
    with app.app_context():
        sku = factories.product("雪峰蜜橘", stock=10).skus[0].id
        db.session.commit()
    client.post("/cart/add", data={"sku_id": sku, "quantity": 1})
    answer = client.post("/checkout", data={**HOME, "address_id": "new", "save_address": "y", "payment_method": "cod"})
    assert answer.status_code == 303
    with app.app_context():
        saved = db.session.scalar(db.select(SavedAddress))
        assert saved.is_default and saved.street == HOME["street"]
        saved_id = saved.id
    client.post("/cart/add", data={"sku_id": sku, "quantity": 1})
    page = client.get("/checkout").get_data(as_text=True)
    assert f'value="{saved_id}" data-province="430000" checked' in page
    again = client.post("/checkout", data={"address_id": str(saved_id), "payment_method": "cod"})
    assert again.status_code == 303
    with app.app_context():
        from app.orders.models import Order

        latest = db.session.scalar(db.select(Order).order_by(Order.id.desc()).limit(1))
        assert (latest.recipient, latest.county, latest.region_code) == ("张女士", "洞口县", "430525")
