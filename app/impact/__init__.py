"""Impact: the append-only attribution ledger, reports on it, and the public impact pages."""

from flask import Blueprint

bp = Blueprint("impact", __name__)

from app.impact import views  # noqa: E402,F401
