"""The booth sync API: every sale stored exactly once, whatever the network and the tablet do."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func

from app.extensions import db
from app.impact.ledger_check import find_discrepancies
from app.impact.models import Attribution
from app.orders.models import Order, OrderLine
from app.pos.models import BoothAllocation, BoothSale
from tests.pos.fixtures import sale, sync


def _count(model) -> int:
    return db.session.scalar(db.select(func.count()).select_from(model))


def test_a_batch_of_500_sent_three_times_stores_exactly_500_sales(app, client, fair):
    sales = [sale(fair["mandarin"]) for _ in range(500)]
    answers = [sync(client, fair["token"], sales) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].json["summary"]["created"] == 500
    assert answers[1].json["summary"]["duplicate"] == answers[2].json["summary"]["duplicate"] == 500
    first = {r["uuid"]: r["order_number"] for r in answers[0].json["results"]}
    assert {r["uuid"]: r["order_number"] for r in answers[2].json["results"]} == first
    with app.app_context():
        assert _count(BoothSale) == 500
        assert db.session.scalar(db.select(func.count()).where(Order.channel == "booth")) == 500
        assert db.session.scalar(db.select(func.sum(Attribution.amount_fen))) == 500 * 3980
        assert find_discrepancies() == []


def test_a_retry_after_the_answer_was_lost_adds_nothing(app, client, fair):
    """The server committed, then the connection dropped before the tablet heard back."""
    batch = [sale(fair["mandarin"], 2, tender="merchant_qr") for _ in range(3)]
    inner = app.wsgi_app

    def drop_answer(environ, start_response):
        list(inner(environ, lambda *args, **kwargs: None))
        raise ConnectionResetError("the Wi-Fi went away before the answer arrived")

    app.wsgi_app = drop_answer
    with pytest.raises(ConnectionResetError):
        sync(client, fair["token"], batch)
    app.wsgi_app = inner
    with app.app_context():
        assert _count(BoothSale) == 3  # it was stored …
    retry = sync(client, fair["token"], batch)
    assert retry.status_code == 200
    assert retry.json["summary"] == {"created": 0, "duplicate": 3, "conflict": 0, "invalid": 0}
    with app.app_context():
        assert _count(BoothSale) == 3  # … and only once
        assert _count(Order) == 3


def test_a_reused_uuid_with_other_content_is_refused_and_the_original_kept(app, client, fair):
    original = sale(fair["mandarin"], 1)
    assert sync(client, fair["token"], [original]).status_code == 200
    with app.app_context():
        before = db.session.execute(db.select(Order.number, Order.total_fen, OrderLine.quantity).join(OrderLine)).all()
        ledger_before = db.session.scalar(db.select(func.sum(Attribution.amount_fen)))
    forged = {
        **original,
        "lines": [{"sku": fair["mandarin"], "quantity": 9, "unit_price_fen": 3980}],
        "total_fen": 9 * 3980,
        "tender": {"method": "cash", "tendered_fen": 9 * 3980, "change_fen": 0},
    }
    answer = sync(client, fair["token"], [forged])
    assert answer.status_code == 409
    result = answer.json["results"][0]
    assert result["outcome"] == "conflict" and "UUID" in result["errors"][0]
    with app.app_context():
        assert (
            db.session.execute(db.select(Order.number, Order.total_fen, OrderLine.quantity).join(OrderLine)).all()
            == before
        )
        assert db.session.scalar(db.select(func.sum(Attribution.amount_fen))) == ledger_before
        assert db.session.scalar(db.select(BoothAllocation.sold).where(BoothAllocation.allocated == 50)) == 1


def test_one_invalid_sale_in_100_is_reported_and_the_99_stored(app, client, fair):
    batch = [sale(fair["tea"], price_fen=6800) for _ in range(100)]
    batch[41]["lines"][0]["quantity"] = 0
    answer = sync(client, fair["token"], batch)
    assert answer.status_code == 207
    assert answer.json["summary"] == {"created": 99, "duplicate": 0, "conflict": 0, "invalid": 1}
    refused = answer.json["results"][41]
    assert refused["uuid"] == batch[41]["uuid"] and refused["outcome"] == "invalid"
    assert refused["errors"] == ["lines.0.quantity: 必须大于 0"]
    with app.app_context():
        assert _count(BoothSale) == 99
        assert db.session.scalar(db.select(BoothSale.id).where(BoothSale.uuid == batch[41]["uuid"])) is None


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"total_fen": 1}, "total_fen 不等于各行 数量×单价 之和"),
        ({"tender": {"method": "cash", "tendered_fen": 100, "change_fen": 0}}, "收款金额少于应收金额"),
        ({"tender": {"method": "wechat"}}, "tender: 付款方式只能是 cash、merchant_qr 或 online"),
        ({"uuid": "not-a-uuid"}, "uuid: 格式不对"),
        ({"sold_at": "2026-10-17T10:00:00"}, "sold_at: sold_at 需要带时区"),
        ({"lines": []}, "lines: 至少需要 1 项"),
        ({"discount": 5}, "discount: 不认识的字段，请删除"),
    ],
)
def test_invalid_sales_say_what_is_wrong(app, client, fair, change, reason):
    answer = sync(client, fair["token"], [{**sale(fair["mandarin"]), **change}])
    assert answer.status_code == 422
    assert any(error.startswith(reason) for error in answer.json["results"][0]["errors"]), answer.json
    with app.app_context():
        assert _count(Order) == 0


def test_an_unknown_sku_is_refused_with_its_code(client, fair):
    answer = sync(client, fair["token"], [sale("NO-SUCH-SKU")])
    assert answer.status_code == 422
    assert answer.json["results"][0]["errors"] == ["商品编码不存在：NO-SUCH-SKU"]


def test_a_sale_beyond_the_allocation_is_kept_and_flagged(app, client, fair):
    answer = sync(client, fair["token"], [sale(fair["tea"], 15, 6800), sale(fair["tea"], 10, 6800)])
    assert answer.status_code == 200
    first, second = answer.json["results"]
    assert first["flags"] == []
    assert second["flags"] == [f"{fair['tea']} 超出分配：分配 20，已售 25"]
    with app.app_context():
        assert db.session.scalar(db.select(BoothAllocation.sold).where(BoothAllocation.allocated == 20)) == 25


def test_a_price_other_than_the_catalogue_is_kept_and_flagged(client, fair):
    answer = sync(client, fair["token"], [sale(fair["mandarin"], 1, 3500)])
    assert answer.json["results"][0]["flags"] == [f"{fair['mandarin']} 按 ¥35.00 收款，目录价 ¥39.80"]


def test_a_sale_is_dated_by_the_tablet_and_attributed_to_the_households(app, client, fair):
    yesterday_evening = datetime.now(timezone(timedelta(hours=8))).replace(hour=20, minute=0) - timedelta(days=1)
    answer = sync(client, fair["token"], [sale(fair["mandarin"], 2, sold_at=yesterday_evening)])
    assert answer.status_code == 200
    with app.app_context():
        stored = db.session.execute(db.select(BoothSale)).scalar_one()
        assert stored.day == yesterday_evening.date()
        parts = dict(db.session.execute(db.select(Attribution.household_id, Attribution.amount_fen)).all())
        assert parts == dict(zip(fair["households"], [3980, 1990, 1990], strict=False))
        assert stored.order.event_id is not None and stored.order.channel == "booth"


def test_a_tablet_clock_far_in_the_future_is_flagged_and_the_server_time_used(app, client, fair):
    answer = sync(client, fair["token"], [sale(fair["mandarin"], sold_at=datetime(2031, 1, 1, tzinfo=UTC))])
    assert answer.json["results"][0]["flags"][0].startswith("平板时间异常")


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer dkpos_wrong"}, {"Authorization": "Basic abc"}])
def test_sync_without_a_valid_device_token_is_refused(client, fair, headers):
    answer = client.post("/api/v1/pos/sales", json={"sales": [sale(fair["mandarin"])]}, headers=headers)
    assert answer.status_code == 401
    assert "设备令牌" in answer.json["message"]


@pytest.mark.parametrize("body", [None, [], {"sales": []}, {"sales": "x"}, {"sales": [{}] * 501}])
def test_a_body_that_is_not_a_batch_gets_400(client, fair, body):
    answer = client.post("/api/v1/pos/sales", json=body, headers={"Authorization": f"Bearer {fair['token']}"})
    assert answer.status_code == 400
    assert "sales" in answer.json["message"]


def test_api_refusals_carry_a_code_and_speak_the_clients_language(client, fair):
    chinese = client.post("/api/v1/pos/sales", json={"sales": []}, headers={"Authorization": f"Bearer {fair['token']}"})
    english = client.post(
        "/api/v1/pos/sales",
        json={"sales": []},
        headers={"Authorization": f"Bearer {fair['token']}", "Accept-Language": "en-US,en;q=0.9"},
    )
    assert chinese.json["error"] == english.json["error"] == "bad_batch"
    assert "500 笔销售" in chinese.json["message"]
    assert (
        english.json["message"].startswith("The body must be a JSON object") and "500 sales" in english.json["message"]
    )
    tokenless = client.post("/api/v1/pos/sales", json={"sales": []}, headers={"Accept-Language": "en"})
    assert tokenless.json == {"error": "device_token_required", "message": tokenless.json["message"]}
    assert "device token" in tokenless.json["message"]


def test_the_catalogue_lists_the_booth_allocations(client, fair):
    answer = client.get("/api/v1/pos/catalogue", headers={"Authorization": f"Bearer {fair['token']}"})
    assert answer.status_code == 200
    assert answer.json["booth"]["code"] == fair["booth"]
    assert [(i["sku"], i["remaining"], i["price_fen"]) for i in answer.json["items"]] == [
        (fair["mandarin"], 50, 3980),
        (fair["tea"], 20, 6800),
    ]


def test_the_openapi_document_describes_the_sync(client):
    document = client.get("/api/v1/openapi.json").json
    operation = document["paths"]["/pos/sales"]["post"]
    assert set(operation["responses"]) >= {"200", "207", "400", "401", "409", "422"}
    assert "uuid" in document["components"]["schemas"]["SaleIn"]["required"]


def test_the_cli_issues_a_token_that_syncs(app, runner, client, fair):
    result = runner.invoke(args=["issue-device-token", "--booth", fair["booth"].lower(), "--label", "2 号平板"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[0]
    assert sync(client, token, [sale(fair["mandarin"])]).status_code == 200
    missing = runner.invoke(args=["issue-device-token", "--booth", "NOPE"])
    assert missing.exit_code != 0 and "no booth" in missing.output
