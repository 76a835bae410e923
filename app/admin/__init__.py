"""The county office's back-office pages."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/staff")

from app.admin import catalog_views, category_views, events_views, orders_views, registry_views  # noqa: E402,F401
