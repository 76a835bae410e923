"""Traceability: production lots, their public trace pages at /t/<lot code>, and label sheets."""

from flask import Blueprint

bp = Blueprint("trace", __name__)

from app.trace import views  # noqa: E402,F401
