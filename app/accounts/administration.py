"""County staff manage accounts: invite with a role, change a role, disable and enable, send a
reset link. Disabling ends the person's sessions at once (the session version moves)."""

import secrets
from collections.abc import Callable

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from app.accounts import services
from app.accounts.models import User
from app.audit.services import Actor, record
from app.domain import roles
from app.extensions import db


def invite(
    email: str, name: str, role: str, secret_key: str, reset_url_for: Callable[[str], str], actor: Actor
) -> User:
    """An account with a random password nobody knows and a link to choose one. Commits.
    Raises AccountError('bad_role'|'invitee_has_account')."""
    if role not in roles.ALL:
        raise services.AccountError("bad_role")
    if services.find_by_email(email):
        raise services.AccountError("invitee_has_account")
    user = services.create_user(email, name, secrets.token_urlsafe(24), role)
    record(actor, "invite_user", "user", user.id, after={"email": user.email, "role": role})
    db.session.commit()
    services.request_password_reset(user.email, secret_key, reset_url_for, kind="account_invitation")
    return user


def set_role(user: User, role: str, actor: Actor) -> None:
    if role not in roles.ALL:
        raise services.AccountError("bad_role")
    if user.id == actor.user_id:
        raise services.AccountError("own_account")
    before, user.role = user.role, role
    if role != roles.PRODUCER:
        user.producer_id = None  # a producer's statements are for its own account only
    user.session_version += 1  # pages open with the old role's rights stop working
    record(actor, "set_role", "user", user.id, before={"role": before}, after={"role": role})
    db.session.commit()


def set_active(user: User, active: bool, actor: Actor) -> None:
    if user.id == actor.user_id:
        raise services.AccountError("own_account")
    before, user.active = user.active, active
    if not active:
        user.session_version += 1
    record(
        actor,
        "enable_user" if active else "disable_user",
        "user",
        user.id,
        before={"active": before},
        after={"active": active},
    )
    db.session.commit()


def users_page(q: str | None, page: int, per_page: int = 50) -> Pagination:
    query = select(User).order_by(User.id.desc())
    if q:
        like = f"%{q.strip()}%"
        query = query.where(User.email.like(like) | User.name.like(like))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
