"""Delivery: producers' delivery fee templates (运费模板), the regions they serve, and the fee a
cart owes for an address."""

from flask import Blueprint

bp = Blueprint("delivery", __name__)

from app.delivery import views  # noqa: E402, F401
