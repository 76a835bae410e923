"""The rest of the back-office: prices and stock with their audit trail, photos, certifications,
benefit rules that never rewrite the past, accounts, and the registry export."""

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.catalog.models import ProductImage, Sku, StockAdjustment
from app.clock import today
from app.domain import roles
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.registry.models import BenefitLink
from tests import factories


@pytest.fixture()
def office(app):
    with app.app_context():
        village = factories.village(factories.township(name="高沙镇"), "林田村")
        households = [factories.household(village, head_name=n) for n in ("李四光", "王秀英")]
        producer = factories.producer(village.township, households[:1], [1], valid_from=date(2020, 1, 1))
        product = factories.product(
            "雪峰蜜橘", producer, price_fen=3980, stock=20, certified_until=today() + timedelta(days=10)
        )
        staff = factories.user(email="office@example.com", role=roles.STAFF, name="王干事")
        factories.user(email="buyer@example.com", name="张女士")
        db.session.commit()
        ids = {
            "product": product.id,
            "sku": product.skus[0].id,
            "producer": producer.id,
            "staff": staff.id,
            "households": [h.id for h in households],
            "registration": households[1].registration_no,
        }
    client = app.test_client()
    factories.login(client, "office@example.com")
    return client, ids


def _audit(action: str) -> list[AuditEntry]:
    return db.session.execute(db.select(AuditEntry).where(AuditEntry.action == action)).scalars().all()


def test_a_price_change_and_a_stock_adjustment_each_leave_one_audit_row(app, office):
    client, ids = office
    base = f"/staff/products/{ids['product']}/skus/{ids['sku']}"
    assert client.post(f"{base}/price", data={"price": "42.50"}).status_code == 303
    assert client.post(f"{base}/stock", data={"delta": "-5", "reason": "运输途中压坏"}).status_code == 303
    refused = client.post(f"{base}/stock", data={"delta": "-99", "reason": "盘点"})
    assert refused.status_code == 400 and "不能减少 99 件" in refused.get_data(as_text=True)
    no_reason = client.post(f"{base}/stock", data={"delta": "3", "reason": ""})
    assert no_reason.status_code == 400 and "请填写此项" in no_reason.get_data(as_text=True)
    with app.app_context():
        (price,) = _audit("change_price")
        assert (price.actor_user_id, price.before, price.after) == (
            ids["staff"],
            '{"price_fen": 3980}',
            '{"price_fen": 4250}',
        )
        (stock,) = _audit("adjust_stock")
        assert stock.actor_user_id == ids["staff"] and '"stock": 20' in stock.before and '"stock": 15' in stock.after
        assert db.session.get(Sku, ids["sku"]).stock == 15
        assert db.session.scalar(db.select(func.count()).select_from(StockAdjustment)) == 1


def test_a_household_page_view_leaves_one_audit_row(app, office):
    client, ids = office
    assert client.get(f"/staff/households/{ids['households'][0]}").status_code == 200
    with app.app_context():
        (view,) = _audit("view_household")
        assert view.actor_user_id == ids["staff"] and view.target_id.startswith("REG")


def _png(size=(64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "#ff922b").save(out, "PNG")
    return out.getvalue()


def test_photos_must_be_real_images_under_the_limit(app, office):
    client, ids = office
    url = f"/staff/products/{ids['product']}/images"
    ok = client.post(url, data={"image": (io.BytesIO(_png()), "orange.png")}, content_type="multipart/form-data")
    assert ok.status_code == 303
    fake = client.post(
        url, data={"image": (io.BytesIO(b"<?php echo 1; ?>"), "evil.png")}, content_type="multipart/form-data"
    )
    assert fake.status_code == 400 and "无法识别这个图片文件" in fake.get_data(as_text=True)
    wrong_type = client.post(url, data={"image": (io.BytesIO(b"GIF89a"), "a.gif")}, content_type="multipart/form-data")
    assert wrong_type.status_code == 400 and "只接受 JPEG、PNG 或 WebP" in wrong_type.get_data(as_text=True)
    with app.app_context():
        images = (
            db.session.execute(db.select(ProductImage.path).where(ProductImage.product_id == ids["product"]))
            .scalars()
            .all()
        )
        assert len(images) == 2 and images[-1].endswith(".jpg")  # re-encoded, whatever was uploaded


def test_certifications_about_to_lapse_are_flagged(office):
    client, _ids = office
    page = client.get("/staff/products").get_data(as_text=True)
    assert "扶贫产品认定即将到期或已过期" in page and "将于" in page


def test_a_new_weight_starts_a_new_rule_and_leaves_past_attributions_alone(app, office):
    client, ids = office
    buyer = app.test_client()
    factories.login(buyer, "buyer@example.com")
    before_sale = factories.buy(buyer, ids["sku"])
    assert before_sale.status_code == 303
    with app.app_context():
        link = db.session.execute(db.select(BenefitLink)).scalar_one()
    past = client.post(
        f"/staff/producers/{ids['producer']}/links",
        data={"registration_no": ids["registration"], "weight": "1", "valid_from": "2020-01-01"},
    )
    assert past.status_code == 400 and "不能早于今天" in past.get_data(as_text=True)
    tomorrow = today() + timedelta(days=1)
    assert (
        client.post(
            f"/staff/producers/{ids['producer']}/links/{link.id}/weight",
            data={"weight": "3", "from_date": tomorrow.isoformat()},
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"/staff/producers/{ids['producer']}/links",
            data={"registration_no": ids["registration"], "weight": "1", "valid_from": tomorrow.isoformat()},
        ).status_code
        == 303
    )
    with app.app_context():
        rules = db.session.execute(
            db.select(BenefitLink.weight, BenefitLink.valid_from, BenefitLink.valid_to).order_by(BenefitLink.id)
        ).all()
        assert rules == [(1, date(2020, 1, 1), today()), (3, tomorrow, None), (1, tomorrow, None)]
        assert len(_audit("change_benefit_weight")) == 1
    page = client.get(f"/staff/producers/{ids['producer']}").get_data(as_text=True)
    assert "李四光" in page and "王秀英" in page


def test_staff_invite_disable_and_change_roles(app, office):
    client, _ids = office
    assert (
        client.post("/staff/users", data={"email": "clerk2@example.com", "name": "小李", "role": "clerk"}).status_code
        == 303
    )
    taken = client.post("/staff/users", data={"email": "clerk2@example.com", "name": "小李", "role": "clerk"})
    assert taken.status_code == 400 and "已经有账号" in taken.get_data(as_text=True)
    buyer = app.test_client()
    factories.login(buyer, "buyer@example.com")
    assert buyer.get("/account/").status_code == 200
    with app.app_context():
        invitation = db.session.execute(
            db.select(OutboxMessage).where(OutboxMessage.recipient == "clerk2@example.com")
        ).scalar_one()
        assert (
            invitation.kind == "account_invitation"
            and "您已受邀" in invitation.subject
            and "/account/reset/" in invitation.body
        )
        buyer_id = db.session.scalar(db.select(User.id).where(User.email == "buyer@example.com"))
    client.post(f"/staff/users/{buyer_id}/disable")
    assert buyer.get("/account/").status_code == 302  # the open session ended at once
    client.post(f"/staff/users/{buyer_id}/enable")
    client.post(f"/staff/users/{buyer_id}/role", data={"role": "unit_member"})
    with app.app_context():
        assert db.session.get(User, buyer_id).role == "unit_member"
        assert {e.action for e in db.session.execute(db.select(AuditEntry)).scalars()} >= {
            "invite_user",
            "disable_user",
            "enable_user",
            "set_role",
        }
    log = client.get("/staff/audit").get_data(as_text=True)
    assert "修改角色" in log and "停用账号" in log and "邀请用户" in log  # actions in words
    assert "set_role" not in log and '{"role"' not in log and "&#34;role&#34;" not in log  # no raw codes or JSON
    assert "角色</span> unit_member" in log or "角色</span> consumer" in log


def test_the_registry_exports_to_a_workbook_the_import_reads(app, office):
    client, _ids = office
    data = factories.run_export(client, "/staff/households/export.xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("户编号", "户主姓名", "身份证号") and len(rows) == 3
    with app.app_context():
        assert len(_audit("export_households")) == 1


def test_staff_create_a_product_add_a_sku_and_put_it_on_sale(app, office):
    client, ids = office
    with app.app_context():
        from app.catalog.models import Category, Product

        category = db.session.scalar(db.select(Category.id))
    bad = client.post("/staff/products", data={"name": "", "category": category, "producer": ids["producer"]})
    assert bad.status_code == 400 and "请填写此项" in bad.get_data(as_text=True)
    made = client.post(
        "/staff/products",
        data={"name": "高沙腊肉", "subtitle": "柴火熏制", "category": category, "producer": ids["producer"]},
    )
    assert made.status_code == 303
    product_id = int(made.location.rsplit("/", 1)[1])
    early = client.post(f"/staff/products/{product_id}/list", follow_redirects=True)
    assert "请先添加至少一个规格" in early.get_data(as_text=True)
    first = client.post(
        f"/staff/products/{product_id}/skus",
        data={"code": "SKU-X", "name": "500 克", "unit": "袋", "price": "68", "stock": "30", "net_weight_g": "500"},
    )
    assert first.status_code == 303
    again = client.post(
        f"/staff/products/{product_id}/skus",
        data={"code": "SKU-X", "name": "1 斤", "unit": "袋", "price": "68", "stock": "1"},
    )
    assert again.status_code == 400 and "已被使用" in again.get_data(as_text=True)
    client.post(f"/staff/products/{product_id}/list")
    with app.app_context():
        product = db.session.get(Product, product_id)
        assert product.is_active and product.price_from_fen == 6800 and product.skus[0].stock == 30
        assert {"create_product", "add_sku", "set_on_sale"} <= {
            e.action for e in db.session.execute(db.select(AuditEntry)).scalars()
        }
    assert "高沙腊肉" in app.test_client().get("/products?q=腊肉").get_data(as_text=True)


def test_staff_correct_a_products_texts_and_producer_and_past_sales_keep_theirs(app, office):
    client, ids = office
    with app.app_context():
        from app.catalog.models import Product
        from app.orders.models import OrderLine

        product = db.session.get(Product, ids["product"])
        slug, category = product.slug, product.category_id
        other = factories.producer(factories.township(name="黄桥镇"), [], [])
        db.session.commit()
        other_id, other_township = other.id, other.township_id
    buyer = app.test_client()
    factories.login(buyer, "buyer@example.com")
    buyer.post("/cart/add", data={"sku_id": ids["sku"], "quantity": 1})
    assert buyer.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"}).status_code == 303
    page = client.get(f"/staff/products/{ids['product']}").get_data(as_text=True)
    assert 'name="details-name"' in page and 'value="雪峰蜜橘"' in page

    edit = {
        "details-name": "雪峰冰糖橙",
        "details-subtitle": "现摘现发",
        "details-description": "高山种植，甜度 14 以上。",
        "details-category": category,
        "details-producer": other_id,
    }
    refused = client.post(f"/staff/products/{ids['product']}/details", data={**edit, "details-name": " "})
    assert refused.status_code == 400 and "请填写此项" in refused.get_data(as_text=True)
    assert client.post(f"/staff/products/{ids['product']}/details", data=edit).status_code == 303

    shown = app.test_client().get(f"/products/{slug}").get_data(as_text=True)
    assert "雪峰冰糖橙" in shown and "甜度 14 以上" in shown
    with app.app_context():
        product = db.session.get(Product, ids["product"])
        assert (product.producer_id, product.township_id) == (other_id, other_township)
        assert db.session.execute(db.select(OrderLine.producer_id)).scalars().all() == [ids["producer"]]
        (entry,) = _audit("update_product")
        assert '"name": "雪峰蜜橘"' in entry.before and '"name": "雪峰冰糖橙"' in entry.after
    # Saving the same texts again changes nothing and leaves no second audit row.
    assert client.post(f"/staff/products/{ids['product']}/details", data=edit).status_code == 303
    with app.app_context():
        assert len(_audit("update_product")) == 1


def _in_english(client) -> None:
    client.post("/language", data={"lang": "en"})


def test_staff_give_the_catalogue_english_texts_and_english_pages_show_them(app, office):
    client, ids = office
    with app.app_context():
        from app.catalog.models import Category, Product

        product = db.session.get(Product, ids["product"])
        slug, category = product.slug, product.category_id
        category_name = db.session.get(Category, category).name
    visitor = app.test_client()
    _in_english(visitor)
    # Before staff give any English, English pages show the Chinese rather than nothing.
    assert "雪峰蜜橘" in visitor.get(f"/products/{slug}").get_data(as_text=True)

    edit = {
        "details-name": "雪峰蜜橘",
        "details-subtitle": "皮薄汁多",
        "details-description": "高山种植。",
        "details-category": category,
        "details-producer": ids["producer"],
        "details-name_en": "Xuefeng honey mandarins",
        "details-subtitle_en": "Thin skin, juicy",
        "details-description_en": "Grown high on Mount Xuefeng.",
    }
    too_long = client.post(f"/staff/products/{ids['product']}/details", data={**edit, "details-name_en": "x" * 129})
    assert too_long.status_code == 400 and "最多 128 个字" in too_long.get_data(as_text=True)
    assert client.post(f"/staff/products/{ids['product']}/details", data=edit).status_code == 303
    assert (
        client.post(
            f"/staff/products/{ids['product']}/skus/{ids['sku']}/english",
            data={"name_en": "5 jin (2.5 kg)", "unit_en": "box"},
        ).status_code
        == 303
    )
    assert category_name in client.get("/staff/categories").get_data(as_text=True)
    assert client.post(f"/staff/categories/{category}/english", data={"name_en": "Fresh fruit"}).status_code == 303
    assert client.post(f"/staff/categories/{category}/english", data={"name_en": "y" * 65}).status_code == 400

    page = visitor.get(f"/products/{slug}").get_data(as_text=True)
    for english in (
        "Xuefeng honey mandarins",
        "Thin skin, juicy",
        "Grown high on Mount Xuefeng.",
        "5 jin (2.5 kg) / box",
        "Fresh fruit",
    ):
        assert english in page, english
    listing = visitor.get("/products").get_data(as_text=True)
    assert "Xuefeng honey mandarins" in listing and ">Fresh fruit<" in listing
    visitor.post("/cart/add", data={"sku_id": ids["sku"], "quantity": 1})
    assert "5 jin (2.5 kg) / box" in visitor.get("/cart").get_data(as_text=True)
    # The Chinese pages keep the Chinese, and the English name finds the product in either language.
    chinese = app.test_client().get(f"/products/{slug}").get_data(as_text=True)
    assert "雪峰蜜橘" in chinese and "Xuefeng honey mandarins" not in chinese
    assert f"/products/{slug}" in app.test_client().get("/products?q=honey+mandarins").get_data(as_text=True)
    with app.app_context():
        assert {e.action for e in db.session.execute(db.select(AuditEntry)).scalars()} >= {
            "update_product",
            "name_in_english",
        }
