"""seed-demo builds a believable county, twice without duplicates, and create-admin never defaults a password."""

import re
from pathlib import Path

import pytest
from sqlalchemy import func

from app.accounts.models import User
from app.catalog.models import Certification, Product, ProductImage, Sku
from app.domain import roles
from app.domain.identity import is_valid_id_number
from app.events.models import Event
from app.extensions import db
from app.registry.models import BenefitLink, Household, Producer, Township, Village
from app.settlement.models import Payout, Statement
from app.storage import storage

MODELS = (
    Township,
    Village,
    Household,
    Producer,
    BenefitLink,
    Product,
    Sku,
    Certification,
    ProductImage,
    Event,
    User,
    Statement,
    Payout,
)


def counts():
    return {m.__tablename__: db.session.scalar(db.select(func.count()).select_from(m)) for m in MODELS}


@pytest.mark.no_cover  # a sweep that adds no branch of its own (pytest.ini)
def test_seed_demo_builds_dongkou_with_random_passwords_that_work_and_is_safe_to_run_twice(app, runner, client):
    # One seeding for both: it is the longest step of the suite's PostgreSQL pass.
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "staff@dongkou.example" in first.output
    _passwords_are_random_and_work(app, first.output, client)
    with app.app_context():
        after_first = counts()
        assert after_first["townships"] == 24
        assert after_first["villages"] == 96
        assert after_first["households"] == 568
        assert after_first["products"] == 16
        assert after_first["statements"] == 3 and after_first["payouts"] > 0
        assert {r for (r,) in db.session.execute(db.select(User.role))} == set(roles.ALL)
        assert all(is_valid_id_number(n) for n in db.session.execute(db.select(Household.id_number)).scalars())
        assert db.session.scalar(db.select(func.count()).select_from(Township).where(Township.name == "高沙镇")) == 1
        images = db.session.execute(db.select(ProductImage.path)).scalars().all()
        for path in images:
            with storage("media").open(path) as picture:
                assert len(picture.read()) > 1000
    assert all(re.search(r"-[0-9a-f]{16}\.jpg$", p) for p in images)  # named by content: cached for good
    page = client.get("/media/" + images[0])
    assert page.status_code == 200 and "immutable" in page.headers["Cache-Control"]

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "nothing added" in second.output
    with app.app_context():
        assert counts() == after_first


def _passwords_are_random_and_work(app, output: str, client) -> None:
    line = next(text for text in output.splitlines() if "consumer@dongkou.example" in text)
    password = line.split()[-1]
    # The same passwords are kept in the credentials file (a scratch one here, never the
    # developer's instance/demo-credentials.txt).
    kept = Path(app.config["DEMO_CREDENTIALS_FILE"])
    assert kept.parent != Path(app.instance_path) and line.strip() in kept.read_text(encoding="utf-8")
    assert len(password) >= 12
    response = client.post("/account/login", data={"email": "consumer@dongkou.example", "password": password})
    assert response.status_code == 302


def test_create_admin_asks_for_a_password_and_refuses_a_weak_one(app, runner):
    weak = runner.invoke(
        args=["create-admin", "--email", "boss@dongkou.example", "--name", "王主任"], input="short\nshort\n"
    )
    assert weak.exit_code != 0 and "密码至少需要 8 个字符" in weak.output and "weak_password" in weak.output
    ok = runner.invoke(
        args=["create-admin", "--email", "boss@dongkou.example", "--name", "王主任"],
        input="a-long-secret\na-long-secret\n",
    )
    assert ok.exit_code == 0, ok.output
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert user.role == "staff" and user.check_password("a-long-secret")


@pytest.mark.no_cover  # a sweep that adds no branch of its own (pytest.ini)
def test_the_province_scale_repeats_the_county_under_each_countys_own_names(app, monkeypatch):
    # The province's layout at a size a test can afford: three counties, a few villages each,
    # and sales whose roll-up is added in several parts (as the province's 20 million keys are).
    from app.clock import today
    from app.demo import sales, seed
    from app.settlement.book_check import find_all

    monkeypatch.setitem(
        seed.SCALES,
        "province",
        seed.Scale(
            villages=30,
            households_per_village=2,
            producers=20,
            order_lines=2_000,
            every_producer_sells=True,
            counties=10,
        ),
    )
    monkeypatch.setattr(sales, "ROLLUP_BATCH", 500)
    with app.app_context():
        report = seed.seed_demo("province", today(), counties=3)
        assert report.created["order_lines"] == 600  # three counties' share of the ten's 2,000
        townships = db.session.execute(db.select(Township)).scalars().all()
        assert len(townships) == 3 * 24
        by_county = {c.name: [t for t in townships if seed.county_of(t) == c] for c in seed.COUNTIES[:3]}
        assert [len(own) for own in by_county.values()] == [24, 24, 24]
        assert db.session.scalar(db.select(Township.name).where(Township.code == "xs-gaosha")) == "新邵县高沙镇"
        # Each county's people carry its own division code, and its villages number 30.
        for county in seed.COUNTIES[:3]:
            ids = db.session.scalars(
                db.select(Household.id_number)
                .join(Village)
                .where(Village.township_id.in_([t.id for t in by_county[county.name]]))
            ).all()
            assert ids and all(n.startswith(county.admin_code) and is_valid_id_number(n) for n in ids)
            villages = db.session.scalar(
                db.select(func.count(Village.id)).where(Village.township_id.in_([t.id for t in by_county[county.name]]))
            )
            assert villages == 30
        # Every producer of every county sells, under its own place's name.
        assert db.session.scalar(db.select(func.count(Producer.id))) == 3 * 20
        assert db.session.scalar(db.select(func.count(func.distinct(Product.producer_id)))) == 3 * 20
        assert db.session.scalar(db.select(func.count(Product.id)).where(Product.name.like("新邵高沙%"))) <= len(
            seed.CROPS
        )
        assert find_all() == []  # the ledger, both roll-ups (added in parts) and the books agree
