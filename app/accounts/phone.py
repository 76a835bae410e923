"""Signing in with a mobile number and a code texted to it (短信验证码登录), beside email.

The code is six random digits, kept only as a keyed hash, good for a few minutes, once, and
ended by a few wrong guesses; how often one may be asked for is limited per number and per
address where the request comes in (phone_views). A number nobody has used before becomes a new
consumer account, as buyers in China expect. Each function is one transaction."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.accounts.models import SignInCode, User
from app.accounts.refusals import AccountError
from app.domain import roles
from app.domain.identity import is_valid_mobile
from app.extensions import db
from app.models_base import utcnow
from app.outbox.services import queue_sms

CODE_LIFETIME = timedelta(minutes=5)
MAX_GUESSES = 5


def _hash(mobile: str, code: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(mobile: str, language: str | None) -> None:
    """Text a fresh code to the number. Commits."""
    mobile = mobile.strip()
    if not is_valid_mobile(mobile):
        raise AccountError("bad_mobile")
    code = f"{secrets.randbelow(1_000_000):06d}"
    db.session.add(SignInCode(mobile=mobile, code_hash=_hash(mobile, code), expires_at=utcnow() + CODE_LIFETIME))
    queue_sms(mobile, "sign_in_code", language, code=code, minutes=int(CODE_LIFETIME.total_seconds() // 60))
    db.session.commit()


def sign_in_with_code(mobile: str, code: str) -> User:
    """The account of the number the code proves, made on first use. Commits (a wrong guess too)."""
    mobile = mobile.strip()
    now = utcnow()
    latest = db.session.scalar(
        select(SignInCode)
        .where(SignInCode.mobile == mobile, SignInCode.used_at.is_(None))
        .order_by(SignInCode.id.desc())
        .limit(1)
        .with_for_update()
    )
    expires = latest.expires_at if latest is not None else None
    if expires is not None and expires.tzinfo is None:
        now = now.replace(tzinfo=None)  # SQLite keeps naive UTC
    if latest is None or expires is None or expires < now:
        raise AccountError("code_expired")
    if latest.attempts >= MAX_GUESSES:
        raise AccountError("code_locked")
    if not hmac.compare_digest(latest.code_hash, _hash(mobile, code.strip())):
        latest.attempts += 1
        db.session.commit()
        raise AccountError("code_locked" if latest.attempts >= MAX_GUESSES else "code_wrong")
    latest.used_at = utcnow()
    user = db.session.scalar(select(User).where(User.mobile == mobile))
    if user is None:
        user = User(
            # No mail address yet: a placeholder under the reserved .invalid domain, which no mail reaches.
            email=f"{mobile}@phone.invalid",
            name=f"{mobile[:3]}****{mobile[-4:]}",  # the masked number, until the buyer names the account
            role=roles.CONSUMER,
            mobile=mobile,
            active=True,
        )
        user.set_password(secrets.token_urlsafe(24))
        db.session.add(user)
    if not user.active:
        db.session.commit()
        raise AccountError("account_disabled")
    user.last_login_at = utcnow()
    db.session.commit()
    return user
