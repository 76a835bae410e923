"""The catalogue: categories, products, SKUs, certifications and images, and the public shop pages."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)

from app.catalog import views  # noqa: E402,F401  (routes register on import)
