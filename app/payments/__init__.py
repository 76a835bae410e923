"""Payments: the gateway to Stripe, offline methods, and the webhook that makes payments exactly-once."""

from flask import Blueprint

bp = Blueprint("payments", __name__)

from app.payments import views  # noqa: E402,F401
