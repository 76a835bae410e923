"""Supporting units buy instead of donating: unit accounts, pledges, purchase-intent contracts,
bulk orders split into deliveries, and the contract and delivery-note documents."""

from flask import Blueprint

bp = Blueprint("bulk", __name__)

from app.bulk import delivery_views, intent_views, staff_views, views  # noqa: E402,F401
