"""The county office's back-office pages."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/staff")

from app.admin import (  # noqa: E402,F401
    booth_views,
    catalog_views,
    category_views,
    events_views,
    orders_views,
    producer_views,
    registry_views,
    sku_views,
    user_views,
)
