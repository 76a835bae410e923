"""Role checks for views: anonymous users go to sign-in, wrong roles get 403."""

from functools import wraps

from flask import abort, request
from flask_login import current_user

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
