"""The consumer's shop: cart, checkout and their own orders."""

from flask import Blueprint

bp = Blueprint("shop", __name__)

from app.shop import address_views, checkout_views, views  # noqa: E402,F401
