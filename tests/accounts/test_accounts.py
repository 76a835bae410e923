"""Accounts through HTTP: register, sign in and out, change and reset passwords, role checks."""

import re

import pytest
from flask import Blueprint

from app.accounts.access import role_required
from app.accounts.models import User
from app.domain import roles
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests import factories

PASSWORD = "correct horse battery"


def login(client, email, password=PASSWORD):
    return client.post("/account/login", data={"email": email, "password": password})


@pytest.fixture()
def consumer(app):
    with app.app_context():
        user = factories.user(email="zhang@example.com")
        db.session.commit()
        return user.email


def test_register_creates_a_consumer_signed_in(client, app):
    response = client.post(
        "/account/register",
        data={"name": "张女士", "email": "New@Example.com", "password": "s3cret-pass", "confirm": "s3cret-pass"},
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert (user.email, user.role) == ("new@example.com", roles.CONSUMER)
    assert client.get("/account/").status_code == 200


def test_the_shop_hashes_passwords_with_scrypt(make_app, test_settings):
    # The suite runs with a one-round hash; the shop as configured does not.
    shop = make_app({k: v for k, v in test_settings.items() if k != "PASSWORD_HASH_METHOD"})
    with shop.app_context():
        user = User(email="a@example.com", name="甲")
        user.set_password("s3cret-pass")
        assert user.password_hash.startswith("scrypt:") and user.check_password("s3cret-pass")


def test_registering_from_checkouts_sign_in_prompt_returns_to_checkout(client):
    prompt = client.get("/checkout")
    assert prompt.status_code == 302 and "next=%2Fcheckout" in prompt.headers["Location"]
    login_page = client.get(prompt.headers["Location"]).get_data(as_text=True)
    links = [link.replace("&amp;", "&") for link in re.findall(r'href="(/account/register[^"]*)"', login_page)]
    register = next(link for link in links if "checkout" in link)  # the sign-in card's own link
    answer = client.post(
        register,
        data={"name": "李先生", "email": "li@example.com", "password": "s3cret-pass", "confirm": "s3cret-pass"},
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/checkout"
    outside = client.post("/account/logout")
    assert outside.status_code == 302
    evil = client.post(
        "/account/register?next=https://evil.example/",
        data={"name": "王", "email": "wang@example.com", "password": "s3cret-pass", "confirm": "s3cret-pass"},
    )
    assert evil.headers["Location"] == "/"


def test_register_twice_with_one_email_explains_and_writes_nothing(client, app, consumer):
    response = client.post(
        "/account/register",
        data={"name": "x", "email": "ZHANG@example.com", "password": "s3cret-pass", "confirm": "s3cret-pass"},
    )
    assert response.status_code == 400
    assert "这个邮箱已经注册过了" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_register_form_errors_say_what_to_fix(client, app):
    response = client.post("/account/register", data={"name": "", "email": "nope", "password": "short", "confirm": "x"})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("请填写此项", "请输入有效的邮箱地址", "密码至少需要 8 个字符", "两次输入的密码不一致"):
        assert message in text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_wrong_password_gets_one_message_for_unknown_and_wrong(client, consumer):
    wrong = login(client, consumer, "not-the-password")
    unknown = login(client, "nobody@example.com", "not-the-password")
    assert wrong.status_code == unknown.status_code == 400
    assert "邮箱或密码不正确" in wrong.get_data(as_text=True)
    assert client.get("/account/").status_code == 302


def test_login_follows_only_local_next(client, consumer):
    response = client.post("/account/login?next=https://evil.example/", data={"email": consumer, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/account/logout")
    response = client.post("/account/login?next=/account/", data={"email": consumer, "password": PASSWORD})
    assert response.headers["Location"] == "/account/"


def test_logout_is_post_only(client, consumer):
    login(client, consumer)
    assert client.get("/account/logout").status_code == 405
    assert client.post("/account/logout").status_code == 302
    assert client.get("/account/").status_code == 302


def test_a_session_cookie_copied_before_sign_out_is_signed_out_after_it(app, client, consumer):
    login(client, consumer)
    copied = client.get_cookie("session").value
    assert client.post("/account/logout").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", copied)
    assert replay.get("/account/").status_code == 302  # back to sign-in: the copy is worthless now
    login(client, consumer)
    assert client.get("/account/").status_code == 200  # signing in again works as ever


def test_changing_the_password_signs_out_other_sessions(app, consumer):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, consumer)
    login(laptop, consumer)
    response = laptop.post(
        "/account/password", data={"current": PASSWORD, "password": "brand-new-pass", "confirm": "brand-new-pass"}
    )
    assert response.status_code == 302
    assert laptop.get("/account/").status_code == 200
    assert phone.get("/account/").status_code == 302
    assert login(app.test_client(), consumer, "brand-new-pass").status_code == 302


def test_change_password_with_wrong_current_changes_nothing(client, app, consumer):
    login(client, consumer)
    response = client.post(
        "/account/password", data={"current": "wrong", "password": "brand-new-pass", "confirm": "brand-new-pass"}
    )
    assert response.status_code == 400
    assert "当前密码不正确" in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert user.check_password(PASSWORD) and user.session_version == 1


def test_password_reset_link_from_the_outbox_works_once(client, app, consumer):
    response = client.post("/account/forgot", data={"email": consumer})
    assert response.status_code == 302
    with app.app_context():
        message = db.session.execute(db.select(OutboxMessage)).scalar_one()
        assert message.recipient == consumer
        link = re.search(r"http://localhost(/account/reset/\S+)", message.body).group(1)
    assert client.post(link, data={"password": "after-reset-1", "confirm": "after-reset-1"}).status_code == 302
    assert login(app.test_client(), consumer, "after-reset-1").status_code == 302
    again = client.post(link, data={"password": "after-reset-2", "confirm": "after-reset-2"}, follow_redirects=True)
    assert "重设链接无效或已使用" in again.get_data(as_text=True)
    assert login(app.test_client(), consumer, "after-reset-2").status_code == 400


def test_password_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(client, app):
    response = client.post("/account/forgot", data={"email": "nobody@example.com"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_a_forged_reset_token_is_refused(client):
    response = client.post(
        "/account/reset/forged.token", data={"password": "x" * 10, "confirm": "x" * 10}, follow_redirects=True
    )
    assert "重设链接无效或已使用" in response.get_data(as_text=True)


def test_disabled_account_cannot_sign_in(client, app, consumer):
    with app.app_context():
        db.session.execute(db.update(User).values(active=False))
        db.session.commit()
    assert login(client, consumer).status_code == 400


def test_role_required_sends_anonymous_to_login_and_other_roles_to_403(make_app, test_settings):
    # Its own app: a blueprint cannot be added to one that has served requests.
    app = make_app(test_settings)
    probe = Blueprint("probe", __name__)

    @probe.get("/probe/staff-only")
    @role_required(roles.STAFF)
    def staff_only():
        return "ok"

    app.register_blueprint(probe)
    with app.app_context():
        factories.user(email="staff@example.com", role=roles.STAFF)
        factories.user(email="clerk@example.com", role=roles.CLERK)
        db.session.commit()
    anonymous, clerk, staff = app.test_client(), app.test_client(), app.test_client()
    assert anonymous.get("/probe/staff-only").status_code == 302
    login(clerk, "clerk@example.com")
    assert clerk.get("/probe/staff-only").status_code == 403
    login(staff, "staff@example.com")
    assert staff.get("/probe/staff-only").status_code == 200


def test_forms_refuse_posts_without_a_csrf_token(make_app, test_settings):
    app = make_app({**test_settings, "WTF_CSRF_ENABLED": True})
    response = app.test_client().post("/account/login", data={"email": "a@example.com", "password": "x"})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)
