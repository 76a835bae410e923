"""Site-wide routes: health check, language choice, stored media and error pages."""
from flask import Blueprint

bp = Blueprint("site", __name__)

from app.site import views  # noqa: E402,F401
