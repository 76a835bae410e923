"""User accounts: registration, sign-in, passwords and the role checks every area relies on."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/account")

from app.accounts import phone_views, views  # noqa: E402,F401
