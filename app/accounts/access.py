"""Role checks for views: anonymous users go to sign-in, wrong roles get 403."""

from functools import wraps

from flask import abort, g, request, session
from flask_login import current_user

from app.accounts.services import session_key
from app.audit.services import Actor
from app.extensions import login_manager


def role_required(*wanted: str):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*wanted):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def current_actor() -> Actor:
    """The signed-in user and their address, for the audit log (services never read the request)."""
    return Actor(current_user.id, request.remote_addr or "")


def unloaded_session_key() -> tuple[int, int] | None:
    """The user id and session version this request's session signs in with, while the request
    has not loaded its user: for a write that checks the session itself
    (accounts.services.session_is_current) instead of loading the user first. Reads where
    Flask-Login keeps them: the session id in the session's "_user_id", the loaded user in
    ``g._login_user``. None for a guest, or once the user is loaded (use ``current_user``)."""
    if "_login_user" in g:
        return None
    return session_key(session.get("_user_id"))
