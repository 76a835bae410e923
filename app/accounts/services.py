"""Account use cases. Each takes plain values, commits once, and raises AccountError on refusal."""

import functools
from collections.abc import Callable
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import ColumnElement, Select, bindparam, func, select

from app.accounts.models import User
from app.accounts.refusals import AccountError
from app.domain import roles
from app.extensions import db
from app.models_base import utcnow
from app.outbox.services import mail_user

MIN_PASSWORD_LENGTH = 8


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.execute(select(User).where(func.lower(User.email) == normalise_email(email))).scalar_one_or_none()


def create_user(email: str, name: str, password: str, role: str = roles.CONSUMER, language: str = "zh_CN") -> User:
    """Create an account. Raises AccountError('email_taken'|'weak_password'|'bad_role'). Commits."""
    if role not in roles.ALL:
        raise AccountError("bad_role")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError("weak_password")
    if find_by_email(email):
        raise AccountError("email_taken")
    user = User(email=normalise_email(email), name=name.strip(), role=role, language=language)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User:
    """Return the active user with these credentials, or raise AccountError('bad_credentials')."""
    user = find_by_email(email)
    # One message for unknown email and wrong password, so sign-in does not reveal accounts.
    if user is None or not user.check_password(password) or not user.active:
        raise AccountError("bad_credentials")
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Replace the password and end every other session. Raises AccountError. Commits."""
    if not user.check_password(current):
        raise AccountError("wrong_current_password")
    _set_new_password(user, new)


def _set_new_password(user: User, new: str) -> None:
    if len(new or "") < MIN_PASSWORD_LENGTH:
        raise AccountError("weak_password")
    user.set_password(new)
    user.session_version += 1
    db.session.commit()


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="password-reset")


def request_password_reset(
    email: str, secret_key: str, reset_url_for: Callable[[str], str], kind: str = "password_reset"
) -> None:
    """Queue a link to choose a password for ``email`` if such an account exists. Commits.

    Silent when the address is unknown, so the form cannot be used to probe for accounts.
    ``reset_url_for(token)`` builds the absolute link; the service never touches the request.
    ``kind`` is the mail: a reset, or the invitation of an account staff created.
    """
    user = find_by_email(email)
    if user is None or not user.active:
        return
    # The session version inside the token makes a link single-use: resetting bumps it.
    token = _serializer(secret_key).dumps({"uid": user.id, "v": user.session_version})
    mail_user(user, kind, link=reset_url_for(token))
    db.session.commit()


def end_sessions(user: User) -> None:
    """End every session of this account, on every device (sign-out). Commits."""
    user.session_version += 1
    db.session.commit()


def set_language(user: User, language: str) -> None:
    """Remember the language the user reads, for the mail written to them. Commits."""
    if user.language != language:
        user.language = language
        db.session.commit()


def reset_password(token: str, new: str, secret_key: str, max_age: int) -> User:
    """Set a new password from a reset link. Raises AccountError('link_expired'|'link_invalid'). Commits."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise AccountError("link_expired") from exc
    except BadSignature as exc:
        raise AccountError("link_invalid") from exc
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.active or user.session_version != data.get("v"):
        raise AccountError("link_invalid")
    _set_new_password(user, new)
    return user


@functools.cache
def _session_user_statement(along: tuple[ColumnElement[Any], ...]) -> Select[Any]:
    # Built once: every request of a signed-in visitor runs it, and building it (and its cache
    # key) anew cost a tenth of a signed-in catalogue page.
    return select(User, *along).where(User.id == bindparam("user_id"))


def session_key(session_id: str | None) -> tuple[int, int] | None:
    """The user id and session version a session id (``User.get_id``) carries, or None."""
    user_id, _, version = (session_id or "").partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    return int(user_id), int(version)


def load_session_user(session_id: str, *along: ColumnElement[Any]) -> tuple[Any, ...] | None:
    """The user a session id names, if the id carries the user's current session version, as
    the first column of a row; ``along`` adds other areas' figures about them to the same
    statement (the shop's cart count: every page's header shows it)."""
    key = session_key(session_id)
    if key is None:
        return None
    row = db.session.execute(_session_user_statement(along), {"user_id": key[0]}).first()
    if row is None or row[0].session_version != key[1]:
        return None
    return tuple(row)


def session_is_current(user_id: ColumnElement[int], version: ColumnElement[int]) -> ColumnElement[bool]:
    """The check load_session_user makes, as a condition of another area's statement: it holds
    while the session version is the user's current one, so that statement writes only for a
    session still signed in, without the user being loaded first."""
    return select(User.id).where(User.id == user_id, User.session_version == version).exists()
