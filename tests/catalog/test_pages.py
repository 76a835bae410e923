"""Catalogue pages through HTTP: what a shopper sees, filters, search, paging and errors."""

import re
from datetime import timedelta

import pytest

from app.clock import today
from app.events.models import Event
from app.extensions import db
from tests import factories


@pytest.fixture()
def shop(app):
    """Two townships, a certified featured mandarin and an uncertified oil."""
    with app.app_context():
        gaosha = factories.township(name="高沙镇", code="gaosha")
        luoxi = factories.township(name="罗溪瑶族乡", code="luoxi", kind="township")
        lintian = factories.village(gaosha, "林田村")
        linked = [factories.household(lintian, head_name=n, members=m) for n, m in (("李四光", 4), ("王秀英", 2))]
        fruit, oil = factories.category("时令水果"), factories.category("粮油米面")
        mandarin = factories.product(
            "雪峰蜜橘",
            factories.producer(gaosha, linked, [2, 1]),
            fruit,
            price_fen=3980,
            certified_until=today() + timedelta(days=90),
            featured=True,
        )
        camellia = factories.product(
            "野生山茶油",
            factories.producer(luoxi),
            oil,
            price_fen=16800,
            certified_until=today() - timedelta(days=1),
            subtitle="古法压榨",
        )
        db.session.add(
            Event(
                code="WEEK",
                name="消费扶贫活动周",
                kind="consumption_week",
                starts_on=today() - timedelta(days=1),
                ends_on=today() + timedelta(days=5),
            )
        )
        db.session.commit()
        return {"mandarin": mandarin.slug, "oil": camellia.slug, "fruit": fruit.slug}


def text_of(response):
    return response.get_data(as_text=True)


def test_home_shows_featured_products_townships_and_the_current_event(client, shop):
    page = text_of(client.get("/"))
    assert "雪峰蜜橘" in page and "¥39.80" in page
    assert "野生山茶油" not in page  # not featured
    assert "高沙镇" in page and "罗溪瑶族乡" in page
    assert "消费扶贫活动周" in page and "正在进行" in page
    assert '<html lang="zh-CN">' in page


def test_product_list_filters_by_township_category_and_certification(client, shop):
    both = text_of(client.get("/products"))
    assert "雪峰蜜橘" in both and "野生山茶油" in both and "共 2 件商品" in both
    by_township = text_of(client.get("/products?township=luoxi"))
    assert "野生山茶油" in by_township and "雪峰蜜橘" not in by_township
    by_category = text_of(client.get(f"/products?category={shop['fruit']}"))
    assert "雪峰蜜橘" in by_category and "野生山茶油" not in by_category
    certified = text_of(client.get("/products?certified=y"))
    assert "雪峰蜜橘" in certified and "野生山茶油" not in certified


@pytest.mark.parametrize(
    "query,found,absent",
    [
        ("蜜橘", "雪峰蜜橘", "野生山茶油"),
        ("罗溪", "野生山茶油", "雪峰蜜橘"),  # by township name
        ("古法", "野生山茶油", "雪峰蜜橘"),  # by subtitle
        ("测试合作社", "雪峰蜜橘", "没有找到"),  # by producer name
    ],
)
def test_chinese_search_finds_substrings(client, shop, query, found, absent):
    page = text_of(client.get("/products", query_string={"q": query}))
    assert found in page and absent not in page


@pytest.mark.parametrize(
    "query",
    ["橘子", "桔", "蜜桔", "柑", "miju", "MiJu", "xfmj", "mandarin", "Mandarin", "洞口 橘", "洞口　蜜橘", "ｍｉｊｕ"],
)
def test_everyday_words_pinyin_and_english_find_the_mandarins(client, shop, query):
    page = text_of(client.get("/products", query_string={"q": query}))
    assert "雪峰蜜橘" in page and "野生山茶油" not in page, query


def test_every_word_of_a_search_must_match(client, shop):
    assert "没有找到符合条件的商品" in text_of(client.get("/products", query_string={"q": "蜜橘 茶油"}))
    assert "野生山茶油" in text_of(client.get("/products", query_string={"q": "camellia 罗溪"}))


def test_search_and_township_together_as_the_filter_form_sends_them(client, shop):
    both = client.get("/products", query_string={"q": "蜜橘", "township": "gaosha"})
    assert both.status_code == 200 and "雪峰蜜橘" in text_of(both)
    by_name = client.get("/products", query_string={"q": "罗溪", "township": "luoxi"})
    assert by_name.status_code == 200 and "野生山茶油" in text_of(by_name)
    elsewhere = client.get("/products", query_string={"q": "蜜橘", "township": "luoxi"})
    assert elsewhere.status_code == 200 and "雪峰蜜橘" not in text_of(elsewhere)


def test_search_treats_like_wildcards_literally(client, shop):
    page = text_of(client.get("/products", query_string={"q": "%"}))
    assert "没有找到符合条件的商品" in page


def test_bad_filters_get_400_with_a_message(client, shop):
    response = client.get("/products?township=atlantis")
    assert response.status_code == 400
    assert "请从列表中选择乡镇" in text_of(response)
    too_long = client.get("/products", query_string={"q": "橘" * 51})
    assert too_long.status_code == 400 and "搜索词最多 50 个字" in text_of(too_long)


def test_pagination_splits_the_list(client, app, shop):
    app.config["PRODUCTS_PER_PAGE"] = 1
    first, second = (
        text_of(client.get("/products?sort=price_asc")),
        text_of(client.get("/products?sort=price_asc&page=2")),
    )
    assert "雪峰蜜橘" in first and "野生山茶油" not in first
    assert "野生山茶油" in second and "雪峰蜜橘" not in second
    assert "page=2" in first and "sort=price_asc" in first
    assert "没有找到" in text_of(client.get("/products?page=9"))


def test_product_page_shows_prices_origin_certification_and_masked_beneficiaries(client, shop):
    page = text_of(client.get(f"/products/{shop['mandarin']}"))
    assert "¥39.80" in page and "5 斤装" in page and "高沙镇" in page and "林田村" in page
    assert "扶贫产品认定" in page and "CERT-" in page
    assert "2 户建档立卡贫困户（6 人）" in page
    assert "李**" in page and "王**" in page
    assert "李四光" not in page and "王秀英" not in page


def test_expired_certification_is_not_shown_as_valid(client, shop):
    page = text_of(client.get(f"/products/{shop['oil']}"))
    assert "暂无有效的扶贫产品认定" in page


def test_unknown_product_and_township_get_a_friendly_404(client, shop):
    for path in ("/products/no-such-thing", "/townships/atlantis"):
        response = client.get(path)
        assert response.status_code == 404
        assert "页面不存在" in text_of(response)


def test_township_page_lists_its_products_and_villages(client, shop):
    page = text_of(client.get("/townships/gaosha"))
    assert "雪峰蜜橘" in page and "林田村" in page and "野生山茶油" not in page


def test_a_township_without_products_or_producers_says_so_instead_of_empty_headings(app, client, shop):
    with app.app_context():
        factories.township(name="文昌街道", code="wenchang", kind="subdistrict")
        db.session.commit()
    page = text_of(client.get("/townships/wenchang"))
    assert "本乡镇的商品正在上架中。" in page and "本乡镇的合作社与企业正在登记中。" in page
    assert "本乡镇的合作社与企业正在登记中。" not in text_of(client.get("/townships/gaosha"))


def _cards(page: str) -> dict[str, str]:
    """The product cards on a page, by the address they link to."""
    return dict(re.findall(r'<a class="card product-card[^"]*" href="([^"]+)">(.*?)</a>', page, re.S))


def test_cards_show_the_first_picture_the_township_and_only_a_certification_valid_today(app, client, shop):
    from app.catalog.models import Product, ProductImage

    with app.app_context():
        mandarin = db.session.scalar(db.select(Product).where(Product.slug == shop["mandarin"]))
        mandarin.name_en = "Xuefeng mandarin"
        db.session.add(ProductImage(product_id=mandarin.id, path="products/first.jpg", alt="", sort_order=-1))
        db.session.commit()
    for path in ("/", "/products", "/townships/gaosha"):
        card = _cards(text_of(client.get(path)))[f"/products/{shop['mandarin']}"]
        assert 'src="/media/products/first.jpg"' in card, path
        assert "雪峰蜜橘" in card and "高沙镇 · 皮薄汁多" in card and "¥39.80" in card, path
        assert "扶贫认定" in card, path
    # The oil's certification ended yesterday: no badge. It has its one picture.
    oil = _cards(text_of(client.get("/products")))[f"/products/{shop['oil']}"]
    assert "野生山茶油" in oil and "罗溪瑶族乡 · 古法压榨" in oil and "扶贫认定" not in oil
    assert re.search(r'src="/media/products/p-\d+\.jpg"', oil)
    client.post("/language", data={"lang": "en", "next": "/"})
    card = _cards(text_of(client.get("/products")))[f"/products/{shop['mandarin']}"]
    assert "Xuefeng mandarin" in card and "雪峰蜜橘" not in card


def test_the_card_and_the_product_page_show_the_same_first_picture_when_two_share_a_place(app, client, shop):
    from app.catalog.models import Product, ProductImage

    with app.app_context():
        oil = db.session.scalar(db.select(Product).where(Product.slug == shop["oil"]))
        first = oil.images[0].path  # the factory's picture, sort order 0
        db.session.add(ProductImage(product_id=oil.id, path="products/later.jpg", alt="", sort_order=0))
        db.session.commit()
    card = _cards(text_of(client.get("/products")))[f"/products/{shop['oil']}"]
    assert f'src="/media/{first}"' in card
    main = re.search(r'<img src="([^"]+)"[^>]*class="rounded-3 main"', text_of(client.get(f"/products/{shop['oil']}")))
    assert main and main.group(1) == f"/media/{first}"


def test_english_switch_translates_the_page_and_sticks(client, shop):
    response = client.post("/language", data={"lang": "en", "next": "/products"})
    assert response.headers["Location"] == "/products"
    page = text_of(client.get("/"))
    assert "Buy from Dongkou, help its families earn" in page and '<html lang="en">' in page
    client.post("/language", data={"lang": "zh_CN", "next": "/"})
    assert "买洞口好物" in text_of(client.get("/"))


def test_language_switch_ignores_unknown_languages_and_foreign_targets(client, shop):
    response = client.post("/language", data={"lang": "xx", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"
    assert "买洞口好物" in text_of(client.get("/"))


def test_the_search_index_follows_every_change_and_checks_longer_words_whole(app, client, shop):
    from app.catalog.models import Product, ProductTerm
    from app.registry.models import Producer

    with app.app_context():
        oil = db.session.scalar(db.select(Product).where(Product.name == "野生山茶油"))
        # The first and last three letters of "miju" are both in it, but never as "miju".
        oil.subtitle = "古法压榨 mij iju"
        mandarin = db.session.scalar(db.select(Product).where(Product.name == "雪峰蜜橘"))
        mandarin.name = "雪峰冰糖橙"
        db.session.scalar(db.select(Producer).where(Producer.id == oil.producer_id)).name = "罗溪油茶联合社"
        db.session.commit()
        oil_id, mandarin_id = oil.id, mandarin.id
        assert db.session.scalar(db.select(db.func.count()).where(ProductTerm.product_id == oil_id)) > 10
    assert "野生山茶油" not in text_of(client.get("/products", query_string={"q": "miju"}))
    assert "雪峰冰糖橙" not in text_of(client.get("/products", query_string={"q": "蜜橘"}))
    assert "雪峰冰糖橙" in text_of(client.get("/products", query_string={"q": "糖橙"}))
    assert "野生山茶油" in text_of(client.get("/products", query_string={"q": "联合社"}))
    with app.app_context():
        # The old name's terms went with it.
        terms = set(db.session.scalars(db.select(ProductTerm.term).where(ProductTerm.product_id == mandarin_id)))
        assert "糖橙" in terms and "蜜橘" not in terms
