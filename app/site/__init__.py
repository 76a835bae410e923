"""Site-wide routes: health, readiness and metrics, language choice, stored media and error pages."""

from flask import Blueprint

bp = Blueprint("site", __name__)

from app.site import operations, views  # noqa: E402,F401
