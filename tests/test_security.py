"""The security baseline, attacked: CSRF on every state-changing route, no GET that writes,
headers, private pages not cached, sign-in limits, session rotation, production settings,
error pages, uploads, logs without personal data, and backups that restore."""

import io
import json
import logging
import re

import pytest
from flask import Flask
from flask_limiter.util import get_remote_address
from sqlalchemy import func, text

from app import create_app
from app.audit.models import AuditEntry
from app.extensions import ViewLimiter, db
from app.registry.models import Household, Township
from app.security import InsecureConfiguration, RequestIdFilter
from tests import factories

# Stripe signs its webhook; the booth tablets send a bearer token, which a browser never adds.
EXEMPT_FROM_CSRF = {
    "/payments/stripe/webhook",
    "/api/v1/pos/sales",
    "/api/v1/pos/online-payments",
    "/api/v1/pos/online-payments/<sale_uuid>/cancel",
}
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def _fill(rule: str) -> str:
    # Any value will do (CSRF is checked before the view looks anything up), but a fixed
    # choice of words must get one of its words to reach the view at all.
    rule = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", rule)
    return re.sub(r"<(?:[^<>]+:)?[^<>]+>", "1", rule)


def test_every_state_changing_route_needs_a_csrf_token(make_app, test_settings):
    app = make_app({**test_settings, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & set(WRITES)):
            answer = client.open(_fill(rule.rule), method=method, data={"x": "1"})
            if rule.rule in EXEMPT_FROM_CSRF:
                assert answer.status_code in (400, 401, 404), rule.rule  # signature or device token instead
                continue
            checked += 1
            body = answer.get_data(as_text=True)
            assert answer.status_code == 400 and "页面已过期" in body, (method, rule.rule, answer.status_code)
    assert checked >= 40


def test_a_form_shown_again_carries_a_token_that_is_accepted(make_app, test_settings):
    """A form's token is signed only when the form is shown (app.forms.Form): the checkout
    page shown again after a refused submit still carries one that places the order."""
    app = make_app({**test_settings, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        sku_id = factories.product("雪峰蜜橘", price_fen=3980, stock=5).skus[0].id
        factories.user(email="buyer@example.com")
        db.session.commit()
    client = app.test_client()

    def token(page: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    first = token(client.get("/account/login").get_data(as_text=True))
    assert client.post(
        "/account/login",
        data={"email": "buyer@example.com", "password": "correct horse battery", "csrf_token": first},
    ).status_code in (302, 303)
    page = client.get("/cart").get_data(as_text=True)
    client.post("/cart/add", data={"sku_id": sku_id, "quantity": 1, "csrf_token": token(page)})
    page = client.get("/checkout").get_data(as_text=True)
    refused = client.post(
        "/checkout", data={**factories.ADDRESS, "payment_method": "cod", "mobile": "123", "csrf_token": token(page)}
    )
    assert refused.status_code == 400 and "请输入 11 位手机号码" in refused.get_data(as_text=True)
    placed = client.post(
        "/checkout",
        data={**factories.ADDRESS, "payment_method": "cod", "csrf_token": token(refused.get_data(as_text=True))},
    )
    assert placed.status_code == 303 and "/orders/" in placed.headers["Location"]


def _fingerprint() -> dict:
    """Row counts of every table; reads of household data are audited on purpose and left out."""
    counts = {}
    for table in db.metadata.sorted_tables:
        query = db.select(func.count()).select_from(table)
        if table.name == "audit_entries":
            query = query.where(AuditEntry.action.not_in(("view_household", "export_households")))
        counts[table.name] = db.session.scalar(query)
    return counts


def test_no_get_route_changes_anything(app, demo_county):
    with app.app_context():
        factories.user(email="get-staff@example.com", role="staff")
        db.session.commit()
        samples = {
            "number": db.session.scalar(db.select(text("number FROM orders ORDER BY id LIMIT 1"))),
            "slug": "xuefeng-mandarin",
            "household_id": db.session.scalar(db.select(Household.id).limit(1)),
            "uuid": db.session.scalar(db.select(text("uuid FROM booth_sales LIMIT 1"))),
            "sale_uuid": db.session.scalar(db.select(text("uuid FROM booth_sales LIMIT 1"))),
            "unit_id": db.session.scalar(db.select(text("id FROM supporting_units LIMIT 1"))),
            "document_id": 1,
            "user_id": 1,
            "device_id": 1,
            "sale_id": 1,
            "fmt": "csv",
            "token": "x",
            "export_id": 1,
            "filename": db.session.scalar(db.select(text("path FROM product_images LIMIT 1"))),
            "product_id": db.session.scalar(db.select(text("id FROM products LIMIT 1"))),
            "producer_id": db.session.scalar(db.select(text("id FROM producers LIMIT 1"))),
            "village_id": db.session.scalar(db.select(text("village_id FROM households LIMIT 1"))),
            "statement_id": db.session.scalar(db.select(text("coalesce(max(id), 1) FROM statements"))),
            "line_id": db.session.scalar(db.select(text("coalesce(max(id), 1) FROM statement_lines"))),
            "payout_id": db.session.scalar(db.select(text("coalesce(max(id), 1) FROM payouts"))),
            "month": "2026-11",
            "post_id": 1,
            "request_id": 1,
            "address_id": 1,
            "rule_id": 1,
            "index": 0,
        }
        codes = {
            "/townships/": db.session.scalar(db.select(Township.code).limit(1)),
            "/booths/": db.session.scalar(db.select(text("code FROM booths LIMIT 1"))),
            "/lots/": db.session.scalar(db.select(text("code FROM lots LIMIT 1"))),
            "/t/": db.session.scalar(db.select(text("code FROM lots LIMIT 1"))),
        }
        intent = db.session.scalar(db.select(text("number FROM purchase_intents LIMIT 1")))
        before = _fingerprint()
    client = app.test_client()
    factories.login(client, "get-staff@example.com")
    visited = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "bootstrap.static"):
            continue
        path = rule.rule
        for name in rule.arguments:
            if name == "code":
                value = next((v for k, v in codes.items() if k in rule.rule), "WEEK2026")
            elif name == "number" and "/intents/" in rule.rule:
                value = intent
            else:
                value = samples[name]
            path = re.sub(rf"<(?:[^<>]+:)?{name}>", str(value), path)
        with client.get(path) as answer:
            assert answer.status_code < 500, path
        visited += 1
    assert visited >= 40
    with app.app_context():
        assert _fingerprint() == before


def test_html_answers_carry_the_security_headers(client):
    answer = client.get("/")
    policy = answer.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'", "default-src 'self'"):
        assert directive in policy
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in answer.headers  # development: plain http on localhost
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])


def test_each_app_sends_its_own_policy_though_the_headers_are_kept(make_app, test_settings):
    """The security headers are worked out once per view; an app made later with other
    settings (here Stripe's script origin) still sends its own policy, not the first one's."""
    plain = make_app(test_settings).test_client().get("/").headers["Content-Security-Policy"]
    assert "js.stripe.example" not in plain
    paying = make_app({**test_settings, "STRIPE_JS_URL": "https://js.stripe.example/v3/"})
    script_src = re.search(r"script-src ([^;]*)", paying.test_client().get("/").headers["Content-Security-Policy"])
    assert "https://js.stripe.example" in script_src.group(1)


def test_no_page_has_an_inline_script():
    from pathlib import Path

    for template in (Path(__file__).resolve().parent.parent / "templates").rglob("*.html"):
        for tag in re.findall(r"<script[^>]*>", template.read_text(encoding="utf-8")):
            assert "src=" in tag or 'type="application/json"' in tag, f"{template.name}: {tag}"
        assert not re.search(r"\son[a-z]+=", template.read_text(encoding="utf-8")), template.name


def test_production_sends_hsts_and_secure_cookies_and_refuses_a_weak_secret(make_app, test_settings):
    strong = "f" * 64
    production = make_app(
        {
            **test_settings,
            "APP_ENV": "production",
            "SECRET_KEY_FROM_ENV": strong,
            "SECRET_KEY": strong,
            "SESSION_COOKIE_SECURE": True,
        }
    )
    answer = production.test_client().get("/", base_url="https://shop.example")
    assert "max-age=31536000" in answer.headers["Strict-Transport-Security"]
    # The headers are kept per view and scheme: the same page over plain HTTP gets none, and
    # over HTTPS (told by the proxy in front) it gets it again.
    assert "Strict-Transport-Security" not in production.test_client().get("/").headers
    proxied = production.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "max-age=31536000" in proxied.headers["Strict-Transport-Security"]
    for weak in ("", "dev", "short-secret"):
        with pytest.raises(InsecureConfiguration):
            create_app({**test_settings, "APP_ENV": "production", "SECRET_KEY_FROM_ENV": weak})


def test_private_pages_are_not_stored_by_browsers(app, client):
    with app.app_context():
        factories.user(email="private@example.com")
        db.session.commit()
    factories.login(client, "private@example.com")
    for path in ("/account/", "/orders", "/cart", "/units/register"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_the_sixth_failed_sign_in_within_a_minute_gets_429(make_app, test_settings):
    app = make_app({**test_settings, "RATELIMIT_ENABLED": True})
    with app.app_context():
        factories.user(email="target@example.com")
        db.session.commit()
    client = app.test_client()
    for _ in range(5):
        assert (
            client.post("/account/login", data={"email": "target@example.com", "password": "wrong"}).status_code == 400
        )
    blocked = client.post("/account/login", data={"email": "target@example.com", "password": "correct horse battery"})
    assert blocked.status_code == 429 and "请一分钟后再试" in blocked.get_data(as_text=True)
    # The same account from another address is limited too …
    other = app.test_client()
    again = other.post(
        "/account/login",
        data={"email": "target@example.com", "password": "wrong"},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert again.status_code == 429
    # … and one address guessing many accounts is limited by address.
    spray = app.test_client()
    answers = [
        spray.post(
            "/account/login",
            data={"email": f"guess{n}@example.com", "password": "x"},
            environ_base={"REMOTE_ADDR": "10.0.0.7"},
        ).status_code
        for n in range(6)
    ]
    assert answers == [400] * 5 + [429]


def test_a_limit_over_every_view_is_still_checked_before_each_request():
    # The shop's limiter skips its before-request hook while every limit sits on a view, whose
    # decorator checks it; a limit set for all views (here a default) brings the hook back.
    bare = Flask(__name__)
    bare.add_url_rule("/", view_func=lambda: "ok")
    ViewLimiter(get_remote_address, app=bare, default_limits=["1 per minute"], storage_uri="memory://")
    client = bare.test_client()
    assert [client.get("/").status_code for _ in range(2)] == [200, 429]


def test_signing_in_rotates_the_session_and_drops_planted_keys(app, client):
    with app.app_context():
        factories.user(email="fixation@example.com")
        db.session.commit()
    with client.session_transaction() as planted:
        planted["sid"], planted["attacker"] = "known-to-attacker", "x"
    factories.login(client, "fixation@example.com")
    with client.session_transaction() as session:
        assert session["sid"] != "known-to-attacker" and "attacker" not in session


def test_error_pages_show_no_trace_or_secret(make_app, test_settings):
    app = make_app({**test_settings, "TESTING": False, "PROPAGATE_EXCEPTIONS": False, "LOG_FORMAT": "json"})

    @app.get("/boom")
    def boom():
        raise RuntimeError("database password is hunter2")

    answer = app.test_client().get("/boom")
    body = answer.get_data(as_text=True)
    assert answer.status_code == 500 and "服务器暂时出了问题" in body
    assert "Traceback" not in body and "hunter2" not in body and test_settings["SECRET_KEY"] not in body


def test_an_oversized_upload_is_refused_with_413(make_app, test_settings):
    app = make_app({**test_settings, "MAX_CONTENT_LENGTH": 1024})
    with app.app_context():
        factories.user(email="big@example.com", role="staff")
        db.session.commit()
    client = app.test_client()
    factories.login(client, "big@example.com")
    answer = client.post(
        "/staff/households/import",
        data={"file": (io.BytesIO(b"x" * 4096), "big.csv")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 413 and "文件太大" in answer.get_data(as_text=True)


def test_logs_never_carry_household_names_id_numbers_or_phones(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    with app.app_context():
        staff = factories.user(email="log-staff@example.com", role="staff")
        village = factories.village(factories.township(name="高沙镇"), "林田村")
        household = factories.household(village, head_name="欧阳秀珍")
        producer = factories.producer(village.township, [household])
        product = factories.product(producer_=producer)
        db.session.commit()
        secrets = {household.head_name, household.id_number, household.phone}
        sku_id, household_id = product.skus[0].id, household.id
    assert staff
    factories.login(client, "log-staff@example.com")
    client.get(f"/staff/households/{household_id}")
    client.get("/staff/households?q=欧阳")
    csv = f"户编号,户主姓名,身份证号,联系电话,乡镇,村,家庭人口\nNEW1,{household.head_name},{household.id_number},{household.phone},高沙镇,林田村,3\n"
    client.post(
        "/staff/households/import",
        data={"file": (io.BytesIO(csv.encode()), "h.csv")},
        content_type="multipart/form-data",
    )
    factories.buy(client, sku_id)
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert caplog.records, "the flows above log something"
    assert [s for s in secrets if s and s in logged] == []


def test_every_log_line_of_a_request_carries_its_request_id(make_app, test_settings):
    app = make_app({**test_settings, "TESTING": False, "PROPAGATE_EXCEPTIONS": False, "LOG_FORMAT": "json"})

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, RequestIdFilter) for f in h.filters))
    stream, handler.stream = handler.stream, io.StringIO()
    try:
        answer = app.test_client().get("/boom", headers={"X-Request-ID": "req-0123456789"})
        written = handler.stream.getvalue()
    finally:
        handler.stream = stream
    assert answer.headers["X-Request-ID"] == "req-0123456789"
    line = next(json.loads(line) for line in written.splitlines() if "Exception on /boom" in line)
    assert line["request_id"] == "req-0123456789" and line["level"] == "ERROR" and "RuntimeError" in line["exc_info"]


def test_a_backup_restores_what_was_there(app, runner, tmp_path):
    with app.app_context():
        factories.township(name="备份镇")
        db.session.commit()
    made = runner.invoke(args=["backup", "--to", str(tmp_path)])
    assert made.exit_code == 0, made.output
    backup_file = made.stdout.strip().splitlines()[-1]
    with app.app_context():
        db.session.execute(db.delete(Township))
        factories.township(name="备份后新增镇")
        db.session.commit()
    refused = runner.invoke(args=["restore", backup_file])
    assert refused.exit_code != 0 and "--yes" in refused.output
    restored = runner.invoke(args=["restore", backup_file, "--yes"])
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        db.session.remove()
        names = db.session.execute(db.select(Township.name)).scalars().all()
        assert len(names) == 1 and names[0].startswith("备份镇")
