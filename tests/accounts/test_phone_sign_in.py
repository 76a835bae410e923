"""Signing in with a mobile number and a texted code: the code comes through the SMS provider,
works once and for minutes, a few wrong guesses end it, a new number becomes a new account, and
asking for codes is rate-limited per number."""

import re
from datetime import timedelta

from app.accounts.models import SignInCode, User
from app.extensions import db
from app.models_base import utcnow
from app.outbox.models import OutboxMessage

MOBILE = "13912345678"


def texted_code(app, mobile: str = MOBILE) -> str:
    with app.app_context():
        body = db.session.scalar(
            db.select(OutboxMessage.body)
            .where(OutboxMessage.channel == "sms", OutboxMessage.recipient == mobile)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_a_code_signs_in_once_and_a_new_number_becomes_an_account(app, client):
    assert client.post("/account/login/phone/code", data={"mobile": MOBILE}).status_code == 200
    code = texted_code(app)
    wrong = "000000" if code != "000000" else "111111"
    refused = client.post("/account/login/phone", data={"mobile": MOBILE, "code": wrong})
    assert refused.status_code == 400 and "验证码不对" in refused.get_data(as_text=True)
    answer = client.post("/account/login/phone", data={"mobile": MOBILE, "code": code})
    assert answer.status_code == 302
    assert "139****5678" in client.get("/").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.mobile == MOBILE))
        assert user.role == "consumer" and user.email.endswith("@phone.invalid")
        with_hash = db.session.scalar(db.select(SignInCode.code_hash))
        assert code not in with_hash  # only a keyed hash is kept
    fresh = app.test_client()
    again = fresh.post("/account/login/phone", data={"mobile": MOBILE, "code": code})
    assert again.status_code == 400 and "已过期或已用过" in again.get_data(as_text=True)


def test_wrong_guesses_end_a_code_and_an_old_code_expires(app, client):
    client.post("/account/login/phone/code", data={"mobile": MOBILE})
    code = texted_code(app)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        last = client.post("/account/login/phone", data={"mobile": MOBILE, "code": wrong})
    assert "输错次数太多" in last.get_data(as_text=True)
    assert "输错次数太多" in client.post("/account/login/phone", data={"mobile": MOBILE, "code": code}).get_data(
        as_text=True
    )
    with app.app_context():
        for row in db.session.scalars(db.select(SignInCode)):
            row.attempts, row.expires_at = 0, utcnow() - timedelta(minutes=1)
        db.session.commit()
    expired = client.post("/account/login/phone", data={"mobile": MOBILE, "code": code})
    assert "已过期" in expired.get_data(as_text=True)
    bad = client.post("/account/login/phone/code", data={"mobile": "12345"})
    assert bad.status_code == 400 and "11 位手机号码" in bad.get_data(as_text=True)


def test_asking_for_codes_is_limited_per_number(make_app, test_settings):
    client = make_app({**test_settings, "RATELIMIT_ENABLED": True}).test_client()
    assert client.post("/account/login/phone/code", data={"mobile": MOBILE}).status_code == 200
    second = client.post("/account/login/phone/code", data={"mobile": MOBILE})
    assert second.status_code == 429
    assert client.post("/account/login/phone/code", data={"mobile": "13800000001"}).status_code == 200
